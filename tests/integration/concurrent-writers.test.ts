import { sql, type RawBuilder } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { api, refusal, type DisposalRow, type OpName, type PlanDetail, type TaskFields, type TaskRow } from '../../api/contract';
import type { Role } from '../../api/roles';
import { openProvincial } from '../../db/pg';
import { postgresStore, type Store, type Tx } from '../../db/store';
import { actorNow } from '../../db/queries/audit';
import { createAgency } from '../../db/queries/agencies';
import { createAsset } from '../../db/queries/asset-writes';
import { seedReferenceData } from '../../db/queries/reference';
import { UserError, type Problem } from '../../lib/problems';
import { IPC_REMOTE, userContext, type Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { handlers } from '../../server/handlers';
import { provincialLedger } from '../../server/ledger';
import { loadScope } from '../../server/scope';
import { testClock } from '../fixtures/context';
import { agency, asset } from '../fixtures/factories';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';

/**
 * Two server processes on one provincial database, each with its own pool, its own store and its own callers,
 * changing the same records at the same moment. The tasks lie in December 2026; the clocks stand at 09:00 on
 * 23 November in Shanghai.
 */
const NOV_23 = '2026-11-23T01:00:00Z';
const clock = () => testClock(NOV_23, 'Asia/Shanghai');

const opened: Store[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/**
 * Holds each of two writers, in the first try of its transaction, after that transaction's first statement
 * until the other writer has run its own first statement too, so that both have read before either writes.
 * A writer that waits on a lock the first one holds never arrives: the first goes on after `patience` ms.
 */
class Rendezvous {
  private arrived = 0;
  private open!: () => void;
  private readonly all = new Promise<void>((done) => (this.open = done));
  constructor(private readonly patience = 1500) {}

  async meet(): Promise<void> {
    if (++this.arrived >= 2) this.open();
    await Promise.race([this.all, new Promise((done) => setTimeout(done, this.patience))]);
  }
}

/**
 * One server process's store, whose next write (its first try only) stops at the rendezvous it is given; it counts
 * its writes and their tries (a try more: the database refused the transaction as colliding and it was run again).
 */
function meetingStore(store: Store) {
  let next: Rendezvous | null = null;
  const counted = { writes: 0, tries: 0 };
  const held = (tx: Tx, at: Rendezvous): Tx => {
    let first = true;
    const after = async <T>(result: Promise<T>): Promise<T> => {
      const value = await result;
      if (first) {
        first = false;
        await at.meet();
      }
      return value;
    };
    return { engine: tx.engine, all: (q) => after(tx.all(q)), get: (q) => after(tx.get(q)), run: (q) => after(tx.run(q)) };
  };
  const wrapped: Store = {
    ...store,
    write: (fn) => {
      const at = next;
      next = null;
      let tries = 0;
      counted.writes++;
      return store.write((tx) => {
        counted.tries++;
        return fn(at && ++tries === 1 ? held(tx, at) : tx);
      });
    },
  };
  return { store: wrapped, meetAt: (r: Rendezvous) => (next = r), counted };
}

/** A server process: its own pool on the database, its store, and callers signed in on it. */
async function serverProcess(url: string) {
  const pool = postgresStore(await openProvincial(url));
  opened.push(pool);
  const { store, meetAt, counted } = meetingStore(pool);
  const ledger = provincialLedger(store, url, clock());
  let id = 0;
  const as = (role: Role, agencyCode: string | null = null, username = `${role}-${agencyCode ?? 'P'}`): Context =>
    userContext(ledger, { id: ++id, username, displayName: username, role, agencyCode }, IPC_REMOTE, async () => undefined);
  return { store, meetAt, counted, as };
}

/**
 * Runs an operation as the dispatcher does (right, input, scope, handler), but outside this process's one queue
 * of writes: two server processes each have their own.
 */
async function run(ctx: Context, name: OpName, raw: unknown): Promise<{ ok: true; value: unknown } | { ok: false; problems: Problem[] }> {
  const refused = refusal(ctx.user, name);
  if (refused) return { ok: false, problems: [refused] };
  const input = api[name].input.parse(raw);
  await loadScope(ctx);
  try {
    return { ok: true, value: await (handlers[name] as (ctx: Context, input: unknown) => unknown)(ctx, input) };
  } catch (e) {
    if (e instanceof UserError) return { ok: false, problems: e.problems };
    throw e;
  }
}

/** Both operations at once, each through its own server process; they meet after their first statement. */
async function atOnce(a: { process: Awaited<ReturnType<typeof serverProcess>>; ctx: Context; name: OpName; input: unknown },
  b: { process: Awaited<ReturnType<typeof serverProcess>>; ctx: Context; name: OpName; input: unknown }) {
  const r = new Rendezvous();
  a.process.meetAt(r);
  b.process.meetAt(r);
  return Promise.all([run(a.ctx, a.name, a.input), run(b.ctx, b.name, b.input)]);
}

async function ok<T>(ctx: Context, name: OpName, input: unknown): Promise<T> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.value as T;
}

const count = async (store: Store, query: RawBuilder<unknown>) => Number((await store.get<{ n: number }>(query as RawBuilder<{ n: number }>))!.n);

function task(over: Partial<TaskFields> = {}): TaskFields {
  return {
    code: null, name: '秋冬季大气专项', type: 'special', leadAgency: 'P', locationAgency: null, latitude: null, longitude: null,
    startDate: '2026-12-01', endDate: '2026-12-10', priority: 3, teamSize: null, notes: null, demand: [{ item: 'S09', quantity: 2 }], ...over,
  };
}

/**
 * A province P with counties K1 and K2 on its meridian, each holding drones; K1 a car. Two server processes
 * (one and two) on the database.
 */
async function province() {
  const url = await freshDatabase();
  const one = await serverProcess(url);
  const two = await serverProcess(url);
  const who = actorNow('seed', clock());
  await one.store.write(async (tx) => {
    await seedReferenceData(tx, new Date(NOV_23));
    for (const a of [
      agency({ code: 'P', level: 'province', staff: 0, latitude: 30.0, longitude: 120 }),
      agency({ code: 'K1', parentCode: 'P', staff: 0, latitude: 30.1, longitude: 120 }),
      agency({ code: 'K2', parentCode: 'P', staff: 0, latitude: 30.3, longitude: 120 }),
    ]) await createAgency(tx, who, a);
    const extra = { serialNumber: null, fundingSource: null, location: null };
    for (const [tag, item, at] of [['UAV-P1', 'S09', 'P'], ['UAV-K1A', 'S09', 'K1'], ['UAV-K1B', 'S09', 'K1'], ['UAV-K2A', 'S09', 'K2'], ['UAV-K2B', 'S09', 'K2'],
      ['CAR-K1', 'S01', 'K1']] as const) {
      await createAsset(tx, who, { ...asset({ assetTag: tag, itemCode: item, agencyCode: at }), ...extra });
    }
  });
  // No reserve kept at home, so a plan takes every drone it needs.
  await ok(one.as('head'), 'dispatch/saveSettings', { reserveRatio: 0, optionalReserve: {} });
  const idOf = async (tag: string) => (await one.store.get<{ id: number }>(sql`select id from assets where asset_tag = ${tag}`))!.id;
  return { one, two, store: one.store, idOf };
}

const messages = (r: Awaited<ReturnType<typeof run>>) => (r.ok ? [] : r.problems.map((p) => p.message));

describe.skipIf(!postgresUrl)('two server processes writing at once on one provincial database', () => {
  it('gives two tasks created at the same moment, and ten created together, numbers of their own, the later waiting for the earlier', { timeout: 60_000 }, async () => {
    const { one, two, store } = await province();
    const before = [one, two].map((p) => ({ ...p.counted }));
    const [a, b] = await atOnce(
      { process: one, ctx: one.as('dispatcher'), name: 'tasks/save', input: { id: null, fields: task({ name: '甲' }) } },
      { process: two, ctx: two.as('dispatcher'), name: 'tasks/save', input: { id: null, fields: task({ name: '乙' }) } },
    );
    expect([a.ok, b.ok]).toEqual([true, true]);
    const codes = [a, b].map((r) => (r.ok ? (r.value as TaskRow).code : '')).sort();
    expect(codes).toEqual(['RW-2026-001', 'RW-2026-002']);
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => run((i % 2 ? one : two).as('dispatcher'), 'tasks/save', { id: null, fields: task({ name: `任务${i}` }) })));
    expect(many.map(messages).flat()).toEqual([]);
    const all = many.map((r) => (r.ok ? (r.value as TaskRow).code : ''));
    expect(new Set(all).size).toBe(10);
    expect([...all].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `RW-2026-${String(i + 3).padStart(3, '0')}`));
    // The numbering is taken in turn (lockNumbering): no task's transaction collided and had to be run again.
    for (const [i, p] of [one, two].entries()) expect(p.counted.tries - before[i].tries).toBe(p.counted.writes - before[i].writes);
    expect(await count(store, sql`select count(*) as n from tasks`)).toBe(12);
    expect(await count(store, sql`select count(*) as n from audit_log where entity = 'task' and action = 'create'`)).toBe(12);
  });

  it('gives two plans drawn up at the same moment numbers of their own', { timeout: 60_000 }, async () => {
    const { one, two, store } = await province();
    const t1 = await ok<TaskRow>(one.as('dispatcher'), 'tasks/save', { id: null, fields: task({ name: '甲', demand: [{ item: 'S09', quantity: 1 }] }) });
    const t2 = await ok<TaskRow>(one.as('dispatcher'), 'tasks/save', { id: null, fields: task({ name: '乙', demand: [{ item: 'S09', quantity: 1 }] }) });
    const [a, b] = await atOnce(
      { process: one, ctx: one.as('dispatcher'), name: 'plans/create', input: { taskIds: [t1.id] } },
      { process: two, ctx: two.as('dispatcher'), name: 'plans/create', input: { taskIds: [t2.id] } },
    );
    expect([...messages(a), ...messages(b)]).toEqual([]);
    expect([a, b].map((r) => (r.ok ? (r.value as PlanDetail).code : '')).sort()).toEqual(['DD-2026-0001', 'DD-2026-0002']);
    expect(await count(store, sql`select count(*) as n from plan_tasks`)).toBe(2);
  });

  it('approves a plan once when two bureau heads approve it at the same moment; the other is told it is approved already', { timeout: 60_000 }, async () => {
    const { one, two, store } = await province();
    const t = await ok<TaskRow>(one.as('dispatcher'), 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S09', quantity: 3 }] }) });
    const plan = await ok<PlanDetail>(one.as('dispatcher'), 'plans/create', { taskIds: [t.id] });
    expect(plan.units).toBe(3);
    const [a, b] = await atOnce(
      { process: one, ctx: one.as('head', null, '赵局长'), name: 'plans/approve', input: { id: plan.id, approvalRef: '环执调〔2026〕1号' } },
      { process: two, ctx: two.as('head', null, '钱局长'), name: 'plans/approve', input: { id: plan.id, approvalRef: '环执调〔2026〕2号' } },
    );
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const [won, lost] = a.ok ? [a, b] : [b, a];
    expect(messages(lost)).toEqual([`方案「${plan.code}」已批准,不能批准`]);
    const approved = (won as { value: PlanDetail }).value;
    const stored = await store.get<{ status: string; approvedBy: string; approvalRef: string }>(sql`select status, approved_by as "approvedBy",
      approval_ref as "approvalRef" from plans where id = ${plan.id}`);
    expect(stored).toEqual({ status: 'approved', approvedBy: approved.approvedBy, approvalRef: approved.approvalRef });
    expect(await count(store, sql`select count(*) as n from audit_log where entity = 'plan' and action = 'update'`)).toBe(1);
    expect(await count(store, sql`select count(*) as n from audit_log where entity = 'dispatch'`)).toBe(3);
  });

  it('commits a drone to one of two overlapping plans approved at the same moment, and refuses the other as overtaken', { timeout: 60_000 }, async () => {
    const { one, two, store } = await province();
    const dispatcher = one.as('dispatcher');
    const t1 = await ok<TaskRow>(dispatcher, 'tasks/save', { id: null, fields: task({ name: '甲', demand: [{ item: 'S09', quantity: 5 }] }) });
    const t2 = await ok<TaskRow>(dispatcher, 'tasks/save', { id: null, fields: task({ name: '乙', startDate: '2026-12-05', endDate: '2026-12-12', demand: [{ item: 'S09', quantity: 5 }] }) });
    // Drawn up before either is approved, the two plans send the same five drones on overlapping dates.
    const p1 = await ok<PlanDetail>(dispatcher, 'plans/create', { taskIds: [t1.id] });
    const p2 = await ok<PlanDetail>(dispatcher, 'plans/create', { taskIds: [t2.id] });
    expect([p1.units, p2.units]).toEqual([5, 5]);
    const [a, b] = await atOnce(
      { process: one, ctx: one.as('head'), name: 'plans/approve', input: { id: p1.id, approvalRef: null } },
      { process: two, ctx: two.as('head'), name: 'plans/approve', input: { id: p2.id, approvalRef: null } },
    );
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect(messages(a.ok ? b : a).join('; ')).toContain('已被方案');
    expect(await count(store, sql`select count(*) as n from plans where status = 'approved'`)).toBe(1);
  });

  it('takes one request and one approval of 报废 for an asset when two are made at the same moment', { timeout: 60_000 }, async () => {
    const { one, two, store, idOf } = await province();
    const car = await idOf('CAR-K1');
    const [r1, r2] = await atOnce(
      { process: one, ctx: one.as('manager', 'K1', '孙八'), name: 'disposals/request', input: { assetId: car, reason: '车况差' } },
      { process: two, ctx: two.as('manager', 'K1', '周九'), name: 'disposals/request', input: { assetId: car, reason: '事故损毁' } },
    );
    expect([r1.ok, r2.ok].filter(Boolean)).toHaveLength(1);
    expect(messages(r1.ok ? r2 : r1)).toEqual(['该装备已有未办结的报废申请']);
    expect(await count(store, sql`select count(*) as n from disposals where asset_id = ${car}`)).toBe(1);
    const d = ((r1.ok ? r1 : r2) as { value: DisposalRow }).value;

    const [a, b] = await atOnce(
      { process: one, ctx: one.as('head', 'K1', '县局长'), name: 'disposals/approve', input: { id: d.id, approvalRef: '示环执〔2026〕1号' } },
      { process: two, ctx: two.as('head', null, '省局长'), name: 'disposals/reject', input: { id: d.id, note: '可修复' } },
    );
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const [won, lost] = a.ok ? [a, b] : [b, a];
    const status = (won as { value: DisposalRow }).value.status;
    expect(messages(lost)).toEqual([`报废申请当前为「${status === 'approved' ? '已批准' : '未批准'}」,不能执行此操作`]);
    expect(await count(store, sql`select count(*) as n from audit_log where entity = 'disposal' and action = 'update'`)).toBe(1);
    if (status === 'rejected') return;

    const [c1, c2] = await atOnce(
      { process: one, ctx: one.as('manager', 'K1', '孙八'), name: 'disposals/complete', input: { id: d.id, disposedDate: '2026-11-23', residualValueFen: 500_000 } },
      { process: two, ctx: two.as('manager', 'K1', '周九'), name: 'disposals/complete', input: { id: d.id, disposedDate: '2026-11-23', residualValueFen: 800_000 } },
    );
    expect([c1.ok, c2.ok].filter(Boolean)).toHaveLength(1);
    expect(messages(c1.ok ? c2 : c1)).toEqual(['报废申请当前为「已报废」,不能执行此操作']);
    expect(await count(store, sql`select count(*) as n from audit_log where entity = 'asset' and action = 'update' and entity_key = 'CAR-K1'`)).toBe(1);
    expect(await store.get(sql`select status from assets where id = ${car}`)).toEqual({ status: 'scrapped' });
  });

  it('approves one disposal once when two bureau heads approve it at the same moment', { timeout: 60_000 }, async () => {
    const { one, two, store, idOf } = await province();
    const d = await ok<DisposalRow>(one.as('manager', 'K2'), 'disposals/request', { assetId: await idOf('UAV-K2A'), reason: '坠毁' });
    const [a, b] = await atOnce(
      { process: one, ctx: one.as('head', null, '赵局长'), name: 'disposals/approve', input: { id: d.id, approvalRef: 'A-1' } },
      { process: two, ctx: two.as('head', 'K2', '钱局长'), name: 'disposals/approve', input: { id: d.id, approvalRef: 'A-2' } },
    );
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect(messages(a.ok ? b : a)).toEqual(['报废申请当前为「已批准」,不能执行此操作']);
    const won = ((a.ok ? a : b) as { value: DisposalRow }).value;
    expect(await store.get(sql`select approval_ref as "approvalRef", approved_by as "approvedBy" from disposals where id = ${d.id}`))
      .toEqual({ approvalRef: won.approvalRef, approvedBy: won.approvedBy });
    expect(await count(store, sql`select count(*) as n from audit_log where entity = 'disposal' and action = 'update'`)).toBe(1);
  });
});
