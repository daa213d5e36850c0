import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
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

it('refuses an sslmode libpq would not accept rather than connecting without checking the certificate', () => {
  for (const mode of ['VERIFY-FULL', 'verify_full', 'verifyfull', 'on']) {
    expect(() => parseTarget(`postgres://u:p@db.gov.local/ledger?sslmode=${mode}`)).toThrow(/sslmode 无效/);
    expect(() => parseTarget(`host=db.gov.local dbname=ledger sslmode=${mode}`)).toThrow(/sslmode 无效/);
  }
  expect(parseTarget('postgres://u:p@h/db?sslmode=verify-full').config.ssl).toEqual({ rejectUnauthorized: true });
  expect(parseTarget('postgres://u:p@h/db?sslmode=disable').config.ssl).toBeUndefined();
});

it('checks the server against the CA file sslrootcert names, and under verify-ca the chain but not the name', () => {
  const ca = join(mkdtempSync(join(tmpdir(), 'eql-ca-')), 'root.crt');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const full = parseTarget(`host=db.gov.local sslmode=verify-full sslrootcert=${ca}`).config.ssl as ConnectionOptions;
  expect(full).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
  expect(full.checkServerIdentity).toBeUndefined();
  const chainOnly = parseTarget(`postgres://u@10.1.0.5/db?sslmode=verify-ca&sslrootcert=${encodeURIComponent(ca)}`).config.ssl as ConnectionOptions;
  expect(chainOnly).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
  expect(chainOnly.checkServerIdentity!('db.gov.local', {} as never)).toBeUndefined();
});

it('reads a URL password whole: colons and an unescaped @ in it, and the parts libpq takes from the query', () => {
  expect(parseTarget('postgres://eql:pa:ss@h/db').config.password).toBe('pa:ss');
  expect(parseTarget('postgres://eql:p@ss@h/db')).toMatchObject({ hosts: [{ host: 'h', port: 5432 }], config: { password: 'p@ss' } });
  expect(parseTarget('postgres:///ledger?host=/var/run/postgresql&port=5433&user=eql&password=s3cret')).toMatchObject({
    hosts: [{ host: '/var/run/postgresql', port: 5433 }], config: { user: 'eql', password: 's3cret', database: 'ledger' },
  });
});

it('refuses what would be dialled wrongly, never echoing the password: a bad port, a host with a colon, a quote left open', () => {
  expect(() => parseTarget('postgres://u@h:99999/db')).toThrow(/端口无效/);
  expect(() => parseTarget('host=a port=abc dbname=x')).toThrow(/端口无效/);
  // An unescaped slash ends the URL's host: the text before it (part of the password) must not become a host name.
  expect(() => parseTarget('postgres://eql:se/cret@h/db')).toThrow(/无法识别/);
  expect(() => parseTarget("host=a password='s3cret dbname=x")).toThrow(/无法识别/);
  expect(() => parseTarget("host=a password='s3cret dbname=x")).not.toThrow(/s3cret/);
  expect(redactTarget('postgres://eql:p@ss@h/db')).toBe('postgres://eql:***@h/db');
  expect(redactTarget('host=a password=one password=two')).toBe('host=a password=*** password=***');
});
