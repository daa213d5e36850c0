import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openProvincial } from '../../db/pg';
import { postgresStore, StorageUnavailable } from '../../db/store';
import { call, serve } from '../fixtures/serve';

/**
 * A primary and a hot standby with synchronous replication, as a province runs them: two Debian clusters on
 * this machine (root only, so CI; elsewhere skipped with a notice). The primary is killed, the standby
 * promoted, and the store and an `eql serve` process given the same two-host string must both carry on
 * against it, with every acknowledged write there.
 */
const version = existsSync('/usr/lib/postgresql') ? execFileSync('ls', ['/usr/lib/postgresql']).toString().trim().split('\n').sort().at(-1) : undefined;
const canRun = process.getuid?.() === 0 && !!version && existsSync('/usr/bin/pg_createcluster');
if (!canRun) {
  if (process.env.CI) throw new Error('故障切换测试需要 root 和 Debian 的 postgresql 软件包');
  console.warn('跳过主备切换测试:需要 root 和 Debian 的 postgresql 软件包');
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' }).toString();
const asPostgres = (cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
const psql = (port: number, query: string) => asPostgres('psql', ['-h', '127.0.0.1', '-p', String(port), '-qAtc', query]).trim();

/** A cluster listening on loopback; the primary commits only once its standby has the change (synchronous replication). */
function cluster(name: string, port: number, waitsForStandby: boolean) {
  run('pg_createcluster', [version!, name, '-p', String(port), '--', '-A', 'trust']);
  const conf = `/etc/postgresql/${version}/${name}/conf.d/eql.conf`;
  const sync = waitsForStandby ? "synchronous_standby_names = 'eql_standby'\\n" : '';
  run('bash', ['-c', `printf "listen_addresses = '127.0.0.1'\\n${sync}" > ${conf}`]);
  return `/var/lib/postgresql/${version}/${name}`;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!canRun)('the provincial database failing over to its standby', () => {
  it('reconnects to the promoted standby, answers 数据库暂时不可用 meanwhile, and loses no acknowledged write', { timeout: 120_000 }, async () => {
    const tag = `${process.pid}`.slice(-4);
    const [primaryName, standbyName] = [`eqlp${tag}`, `eqls${tag}`];
    const [p1, p2] = [25_000 + (process.pid % 2000) * 2, 25_001 + (process.pid % 2000) * 2];
    try {
      cluster(primaryName, p1, true);
      run('pg_ctlcluster', [version!, primaryName, 'start']);
      // Promoted, the standby stands alone: it must not wait for a standby of its own.
      const standbyData = cluster(standbyName, p2, false);
      run('rm', ['-rf', standbyData]);
      asPostgres('pg_basebackup', ['-d', `host=127.0.0.1 port=${p1} user=postgres application_name=eql_standby`, '-D', standbyData, '-R', '-X', 'stream']);
      run('pg_ctlcluster', [version!, standbyName, 'start']);
      await until('synchronous replication', () => psql(p1, `select count(*) from pg_stat_replication where sync_state = 'sync'`) === '1');

      const target = `host=127.0.0.1,127.0.0.1 port=${p1},${p2} dbname=postgres user=postgres target_session_attrs=read-write`;
      const pool = await openProvincial(target, { max: 4 });
      const store = postgresStore(pool);
      const server = await serve(['--database', target]);
      const { cookie } = await call(server.base, 'auth/setup', { username: 'admin', displayName: '省管理员', password: 'province-admin-2026' });
      const acknowledged: string[] = [];
      const attempted: string[] = [];
      const refusals: string[] = [];
      // Each code is written twice: straight through the store, and as an agency the administrator creates over HTTP.
      const write = async (code: string) => {
        attempted.push(code, `H${code}`);
        try {
          await store.write((tx) => tx.run(sql`insert into agencies (code, name, level) values (${code}, ${'机构' + code}, 'county')`));
          acknowledged.push(code);
        } catch (e) {
          if (!(e instanceof StorageUnavailable)) throw e;
          refusals.push(e.problems[0].message);
        }
        const answer = await call(server.base, 'agencies/create', {
          code: `H${code}`, name: `服务器机构${code}`, level: 'province', parentCode: null, staff: 5, authorizedPosts: null, offices: 1, longitude: null, latitude: null,
        }, cookie);
        if (answer.ok) acknowledged.push(`H${code}`);
        else refusals.push(`服务器:${answer.problems![0].message}`);
      };
      try {
        for (let i = 0; i < 20; i++) await write(`A${i}`);
        // The primary dies without a shutdown, as a machine loses power; writes go on being tried meanwhile.
        run('pg_ctlcluster', [version!, primaryName, 'stop', '-m', 'immediate']);
        for (let i = 0; i < 5; i++) await write(`B${i}`);
        run('pg_ctlcluster', [version!, standbyName, 'promote']);
        await until('the promoted standby accepting writes', () => psql(p2, 'select pg_is_in_recovery()') === 'f');
        let n = 0;
        await until('writes on the new primary', async () => {
          await write(`C${n++}`);
          return acknowledged.filter((c) => c.startsWith('C')).length >= 10 && acknowledged.filter((c) => c.startsWith('HC')).length >= 10;
        });
        const stored = (await store.all<{ code: string }>(sql`select code from agencies`)).map((r) => r.code);
        expect(stored.filter((c) => !acknowledged.includes(c)).every((c) => attempted.includes(c))).toBe(true);
        expect(acknowledged.filter((c) => !stored.includes(c))).toEqual([]);
        expect(acknowledged.filter((c) => c.startsWith('A'))).toHaveLength(20);
        expect(acknowledged.filter((c) => c.startsWith('HA'))).toHaveLength(20);
        expect(refusals.length).toBeGreaterThan(0);
        // Both the store and the server process refused while no primary was up, in the same words.
        expect(new Set(refusals)).toEqual(new Set(['数据库暂时不可用,请稍后重试', '服务器:数据库暂时不可用,请稍后重试']));
        expect((await call(server.base, 'agencies/list', {}, cookie)).value.map((a: { code: string }) => a.code).sort()).toEqual(stored.sort());
      } finally {
        await server.stop();
        await store.close();
      }
    } finally {
      for (const name of [primaryName, standbyName]) {
        try {
          run('pg_dropcluster', ['--stop', version!, name]);
        } catch {
          // not created
        }
      }
    }
  });
});
