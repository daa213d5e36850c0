import { expect, it } from 'vitest';
import { parseTarget, redactTarget } from '../../db/pg-hosts';

it('reads a URL naming a primary and a standby, each with its port, and the wish for a writable server', () => {
  const t = parseTarget('postgres://eql:p%40ss@db-a.gov.local:5432,db-b.gov.local:5433/ledger?target_session_attrs=read-write&sslmode=require');
  expect(t.hosts).toEqual([{ host: 'db-a.gov.local', port: 5432 }, { host: 'db-b.gov.local', port: 5433 }]);
  expect(t.config).toMatchObject({ user: 'eql', password: 'p@ss', database: 'ledger', ssl: { rejectUnauthorized: false } });
  expect(t.readWrite).toBe(true);
});

it('reads libpq\'s key=value form: host lists, one port for all or one each, quoted passwords', () => {
  const t = parseTarget(String.raw`host=10.1.0.5,10.1.0.6 port=5432 dbname=ledger user=eql password='its \'q\'' target_session_attrs=primary`);
  expect(t.hosts).toEqual([{ host: '10.1.0.5', port: 5432 }, { host: '10.1.0.6', port: 5432 }]);
  expect(t.config).toMatchObject({ user: 'eql', database: 'ledger', password: "its 'q'" });
  expect(t.readWrite).toBe(true);
  expect(parseTarget('host=a,b port=5432,5433 dbname=x').hosts).toEqual([{ host: 'a', port: 5432 }, { host: 'b', port: 5433 }]);
});

it('takes any server when no session attributes are asked, and an IPv6 address in brackets', () => {
  const t = parseTarget('postgresql://u@[fd00::5]:6432/db');
  expect(t.hosts).toEqual([{ host: 'fd00::5', port: 6432 }]);
  expect(t.readWrite).toBe(false);
  expect(parseTarget('postgres://u:p@localhost/db').hosts).toEqual([{ host: 'localhost', port: 5432 }]);
});

it('refuses a string it cannot read, in Chinese, and never shows a password in messages', () => {
  expect(() => parseTarget('mysql is not postgres')).toThrow(/无法识别的数据库连接串/);
  expect(redactTarget('postgres://eql:s3cret@a,b/db')).toBe('postgres://eql:***@a,b/db');
  expect(redactTarget('host=a password=s3cret dbname=x')).toBe('host=a password=*** dbname=x');
  expect(redactTarget("host=a password='s3 cret' dbname=x")).toBe('host=a password=*** dbname=x');
});
