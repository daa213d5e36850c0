import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/factories';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';
import { BIN, call, serve } from '../fixtures/serve';

describe('eql serve', () => {
  it('serves a ledger file over loopback HTTP, and stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
    const file = join(tempDir(), 'ledger.db');
    const s = await serve(['--db', file]);
    expect(s.out()).toContain(`台账文件 ${file}`);
    expect(await call(s.base, 'auth/status', {})).toMatchObject({ ok: true, value: { hasUsers: false } });
    expect(await s.stop()).toBe(0);
  });

  it('refuses a file and a database at once, and a restore on the provincial database', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'serve', ...args], { encoding: 'utf8', timeout: 30_000 });
    expect(run('--db', 'x.db', '--database', 'postgres://u:p@127.0.0.1/x')).toMatchObject({ status: 2, stderr: expect.stringContaining('只能给出一个') });
    expect(run('--database', 'postgres://u:p@127.0.0.1/x', '--restore', 'b.db')).toMatchObject({ status: 2, stderr: expect.stringContaining('pg_restore') });
  });

  it.skipIf(!postgresUrl)('says why it cannot reach the provincial database, without printing its password', { timeout: 60_000 }, async () => {
    const wrong = new URL(await freshDatabase());
    wrong.password = 'not-the-password';
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--database', wrong.toString()], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('无法连接数据库');
    expect(r.stderr + r.stdout).not.toContain('not-the-password');
  });

  it.skipIf(!postgresUrl)('runs as two server processes on one provincial database: one sign-in, one ledger, whichever process answers', { timeout: 120_000 }, async () => {
    const url = await freshDatabase();
    // Both start at once: the migrations run once, under the advisory lock.
    const [a, b] = await Promise.all([serve(['--database', url]), serve(['--database', url])]);
    expect(a.out()).toContain('省级数据库 ');
    expect(a.out()).not.toContain(new URL(url).password);
    expect((await call(b.base, 'catalog/list', {})).ok).toBe(false); // nobody signed in
    const setup = await call(a.base, 'auth/setup', { username: 'admin', displayName: '省管理员', password: 'province-admin-2026' });
    expect(setup.ok).toBe(true);
    // The session started on one process is known to the other: sessions live in the database.
    const cookie = setup.cookie!;
    expect((await call(b.base, 'auth/status', {}, cookie)).value).toMatchObject({ hasUsers: true, user: { username: 'admin' } });
    expect((await call(b.base, 'catalog/list', {}, cookie)).value.length).toBeGreaterThan(50);
    const made = await call(b.base, 'agencies/create', { code: '330000', name: '浙江省生态环境厅', level: 'province', parentCode: null, staff: 40, authorizedPosts: null, offices: 1, longitude: null, latitude: null }, cookie);
    expect(made.ok).toBe(true);
    expect((await call(a.base, 'agencies/list', {}, cookie)).value.map((x: { code: string }) => x.code)).toEqual(['330000']);
    // The same code created on the other process at once: one of them, and a Chinese refusal for the other.
    const twice = await Promise.all([a, b].map((s) => call(s.base, 'agencies/create', { code: '330100', name: '杭州市生态环境局', level: 'city', parentCode: '330000', staff: 20, authorizedPosts: null, offices: 1, longitude: null, latitude: null }, cookie)));
    expect(twice.filter((r) => r.ok)).toHaveLength(1);
    expect(twice.find((r) => !r.ok)!.problems![0].message).toMatch(/已存在|请重试/);
    // Signed out on one, the session is gone on both.
    await call(a.base, 'auth/logout', {}, cookie);
    expect((await call(b.base, 'auth/status', {}, cookie)).value.user).toBeNull();
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  });
});
