/**
 * The provincial server's figures: the national ledger on PostgreSQL against bare queries of the same
 * database, and simulated users against server processes on PostgreSQL (two) and on a ledger file (one).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../db/open';
import { sqliteStore, type Store } from '../db/store';
import { loadLedger } from '../db/queries/bulk';
import { createUser } from '../db/queries/users';
import { clockFrom } from '../lib/clock';
import { hashPassword } from '../server/auth/password';
import { IPC_REMOTE, userContext } from '../server/context';
import { call } from '../server/local';
import { closeLedger, openProvincialLedger } from '../server/ledger';
import { loadDemo } from '../server/handlers/demo';
import { generateAgencies, generateAssets, nationalProvinces } from '../server/demo/generate';
import { runLoad, serve, type LoadFigures } from './load';
import { ledgerPages, timeItAsync, type BenchKit } from './measure';

const who = { actor: 'bench', at: new Date().toISOString() };
const LOCAL = 'postgres://eql_test:eql-test@127.0.0.1:5432/postgres';

/** The PostgreSQL server the bench uses (EQL_BENCH_POSTGRES, else the test server scripts/test-postgres.sh starts), or null. */
async function server(): Promise<string | null> {
  const url = process.env.EQL_BENCH_POSTGRES ?? process.env.EQL_TEST_POSTGRES ?? LOCAL;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return url;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** A new empty database on the server, replacing one of the same name. */
async function database(admin: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The national ledger (3,100 agencies, 1,000,000 assets) on PostgreSQL: shortfall with roll-up, and ledger pages. */
export async function provincialNational(k: BenchKit): Promise<void> {
  const admin = await server();
  if (!admin) return console.log('\n(skipped the PostgreSQL figures: no server; bash scripts/test-postgres.sh starts one)');
  const url = await database(admin, 'eql_bench_national');
  const clock = clockFrom(`${k.today}T04:00:00Z`);
  const ledger = await openProvincialLedger(url, clock);
  const agencies = generateAgencies(2020, nationalProvinces());
  let t = performance.now();
  const n = await ledger.store.write((tx) => loadLedger(tx, who, 'bench', agencies, generateAssets(2020, agencies, 1_000_000, k.today)));
  const loadMs = performance.now() - t;
  // As autovacuum would leave it: the visibility map set, so index-only scans stay off the heap.
  await ledger.store.run(sql`vacuum analyze`);
  console.log(`\nnational ledger on PostgreSQL: ${k.fmt(n.agencies)} agencies, ${k.fmt(n.assets)} assets, stored in ${k.fmt(loadMs / 1000, 1)} s`);
  const ctx = userContext(ledger, { id: 0, username: 'bench', displayName: 'bench', role: 'admin', agencyCode: null }, IPC_REMOTE, async () => undefined);

  const bareMs = await timeItAsync(5, () => ledger.store.all(sql`select agency_id, item_code, count(*) as n from assets where status <> 'scrapped' group by agency_id, item_code`));
  let rows = 0;
  const oursMs = await timeItAsync(5, async () => {
    rows = (await call(ctx, 'quotas/shortfall', { rollup: true })).rows.length;
  });
  k.report('PostgreSQL: national shortfall + roll-up within 2x the bare indexed GROUP BY', [
    `bare GROUP BY count over 1M assets: ${k.fmt(bareMs, 1)} ms (median of 5)`,
    `shortfall --rollup, ${k.fmt(agencies.length)} agencies x 56 items = ${k.fmt(rows)} rows: ${k.fmt(oursMs, 1)} ms (median of 5)`,
    `ratio: ${k.fmt(oursMs / bareMs, 2)}x (target <= 2x)`,
  ], oursMs <= 2 * bareMs);

  await ledgerPages(k, 'PostgreSQL', ledger.store, agencies.find((a) => a.level === 'county')!.code);
  await closeLedger(ledger);
}

const PASSWORD = 'county-manager-2026';
const MARK = 'LOAD-';

/** The demo province (113 agencies, 50,000 assets) with a manager's account for each county. */
async function demoWithManagers(store: Store, today: string) {
  const hash = await hashPassword(PASSWORD);
  return store.write(async (tx) => {
    await loadDemo(tx, who, today);
    await createUser(tx, who, { username: 'admin', displayName: '管理员', role: 'admin', agencyCode: null }, hash);
    const counties = await tx.all<{ code: string }>(sql`select code from agencies where level = 'county' order by code`);
    for (const c of counties) await createUser(tx, who, { username: `mgr-${c.code}`, displayName: `${c.code} 装备管理员`, role: 'manager', agencyCode: c.code }, hash);
    const held = await tx.all<{ id: number; code: string }>(sql`select s.id, a.code from assets s join agencies a on a.id = s.agency_id where a.level = 'county' and s.status <> 'scrapped'`);
    const assetsOf = new Map<string, number[]>();
    for (const h of held) assetsOf.set(h.code, [...(assetsOf.get(h.code) ?? []), h.id]);
    return { accounts: counties.map((c) => ({ username: `mgr-${c.code}`, county: c.code })), assetsOf };
  });
}

/** What the ledger holds of the load's writes: bulk edits audited, and assets imported. */
async function stored(store: Store) {
  const edits = (await store.get<{ n: number }>(sql`select count(*) as n from audit_log where action = 'bulk' and entity = 'bulk-edit' and actor like 'mgr-%'`))!.n;
  const imported = (await store.get<{ n: number }>(sql`select count(*) as n from assets where asset_tag like ${`${MARK}%`}`))!.n;
  return { edits, imported };
}

function loadLines(k: BenchKit, f: LoadFigures, kept: { edits: number; imported: number }): string[] {
  const l = (name: string, x: LoadFigures['latency']['all']) => `${name}: ${k.fmt(x.n)} requests, p50 ${k.fmt(x.p50, 0)} ms, p95 ${k.fmt(x.p95, 0)} ms, p99 ${k.fmt(x.p99, 0)} ms`;
  return [
    `${k.fmt(f.requests)} requests, ${k.fmt(f.perSecond, 1)} per second, errors ${k.fmt(f.errors)} (target 0)`,
    l('all', f.latency.all), l('pages and overviews', f.latency.page), l('edits', f.latency.edit), l('500-row imports', f.latency.import),
    `writes answered as saved / found in the ledger: edits ${k.fmt(f.saved.edits)} / ${k.fmt(kept.edits)}, imported assets ${k.fmt(f.saved.imported)} / ${k.fmt(kept.imported)}`,
    ...f.errorSamples.map((e) => `error: ${e}`),
  ];
}

/** 200 simulated county managers for 60 s: against one server on a ledger file, and two on one PostgreSQL database. */
export async function serverLoad(k: BenchKit): Promise<void> {
  const users = Number(process.env.EQL_BENCH_USERS ?? 200);
  const seconds = Number(process.env.EQL_BENCH_SECONDS ?? 60);
  const common = { users, seconds, password: PASSWORD, thinkMs: [500, 1500] as [number, number], mark: MARK };

  const file = join(k.work, 'load.db');
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
  const { db } = openDatabase(file);
  const local = await demoWithManagers(sqliteStore(db), k.today);
  db.$client.close();
  const one = await serve(['--db', file]);
  const onFile = await runLoad({ ...common, servers: [one.base], ...local }).finally(one.stop);
  const { db: after } = openDatabase(file);
  const keptFile = await stored(sqliteStore(after));
  after.$client.close();
  k.report(`Load: ${users} users for ${seconds} s on one server over a ledger file (SQLite)`, loadLines(k, onFile, keptFile),
    onFile.errors === 0 && keptFile.edits === onFile.saved.edits && keptFile.imported === onFile.saved.imported);

  const admin = await server();
  if (!admin) return console.log('\n(skipped the PostgreSQL load: no server)');
  const url = await database(admin, 'eql_bench_load');
  const ledger = await openProvincialLedger(url, clockFrom(`${k.today}T04:00:00Z`));
  const province = await demoWithManagers(ledger.store, k.today);
  const [a, b] = await Promise.all([serve(['--database', url]), serve(['--database', url])]);
  const onPg = await runLoad({ ...common, servers: [a.base, b.base], ...province }).finally(() => Promise.all([a.stop(), b.stop()]));
  const keptPg = await stored(ledger.store);
  k.report(`Load: ${users} users for ${seconds} s on two server processes over one PostgreSQL database`, loadLines(k, onPg, keptPg),
    onPg.errors === 0 && keptPg.edits === onPg.saved.edits && keptPg.imported === onPg.saved.imported);

  // PostgreSQL restarted a third of the way through: requests meanwhile are refused in words, nothing is half-written, service resumes.
  if (process.getuid?.() === 0) {
    const [c, d] = await Promise.all([serve(['--database', url]), serve(['--database', url])]);
    const before = await stored(ledger.store);
    const restart = setTimeout(() => execFileSync('pg_ctlcluster', ['15', 'main', 'restart', '-m', 'fast']), (seconds * 1000) / 3);
    const rough = await runLoad({ ...common, servers: [c.base, d.base], ...province, mark: MARK }).finally(() => (clearTimeout(restart), Promise.all([c.stop(), d.stop()])));
    const kept = await stored(ledger.store);
    const grew = { edits: kept.edits - before.edits, imported: kept.imported - before.imported };
    const unavailable = rough.errorSamples.every((e) => e.includes('数据库暂时不可用') || e.includes('fetch failed'));
    k.report('Load with PostgreSQL restarted a third of the way: refusals in words, nothing half-written, service resumes', [
      ...loadLines(k, rough, grew), `every refusal sampled said 数据库暂时不可用: ${unavailable ? 'yes' : 'no'}`,
    ], grew.edits === rough.saved.edits && grew.imported === rough.saved.imported && unavailable && rough.latency.all.n > rough.errors);
  }
  await closeLedger(ledger);
}
