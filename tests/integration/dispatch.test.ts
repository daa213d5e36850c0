import * as XLSX from 'xlsx';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Input, OpName, Output, PlanDetail, TaskFields } from '../../api/contract';
import type { Role, SessionUser } from '../../api/roles';
import type { Context, Ledger } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import type { Clock } from '../../lib/clock';
import { testClock } from '../fixtures/context';
import { as as asUser, rows, seededLedger, snapshotOf, value, type TestLedger } from '../fixtures/engine';
import { agency, asset, templateBuffer, units } from '../fixtures/factories';

/** The tasks below lie in December 2026; the ledger's clock stands at 09:00 on 23 November (Shanghai) unless a test moves it. */
const NOV_23 = '2026-11-23T01:00:00Z';

/** The same ledger seen through a clock standing at another instant. */
const onClock = (l: TestLedger, clock: Clock): TestLedger => ({ ...l, ledger: Object.assign(Object.create(l.ledger) as Ledger, { clock }) });

/**
 * A province (P, at 30.0 N) with two counties on its meridian: K1 11 km north, K2 33 km north.
 * Each county holds drones, detectors and vehicles; the province holds two drones.
 */
async function province() {
  const l = await seededLedger(templateBuffer(
    [
      agency({ code: 'P', level: 'province', staff: 0, latitude: 30.0, longitude: 120 }),
      agency({ code: 'K1', parentCode: 'P', staff: 0, latitude: 30.1, longitude: 120 }),
      agency({ code: 'K2', parentCode: 'P', staff: 0, latitude: 30.3, longitude: 120 }),
    ],
    [
      ...units(2, { itemCode: 'S09', agencyCode: 'P' }),
      ...units(2, { itemCode: 'S09', agencyCode: 'K1' }),
      ...units(3, { itemCode: 'S09', agencyCode: 'K2' }),
      asset({ assetTag: 'GAS-K1-A', itemCode: 'S15', agencyCode: 'K1', calibrationValidUntil: '2027-06-30' }),
      asset({ assetTag: 'GAS-K1-B', itemCode: 'S15', agencyCode: 'K1', calibrationValidUntil: '2026-12-05' }),
      asset({ assetTag: 'CAR-K2', itemCode: 'S01', agencyCode: 'K2', odometerKm: 120_000, plateNumber: '浙A12345' }),
      ...units(2, { itemCode: 'O06', agencyCode: 'K1' }),
    ],
  ), testClock(NOV_23, 'Asia/Shanghai'));
  const as = (role: Role, over: Partial<SessionUser> = {}, clock: Clock = testClock(NOV_23, 'Asia/Shanghai')) => asUser(onClock(l, clock), role, { username: role, ...over });
  return { l, as, dispatcher: as('dispatcher'), head: as('head'), manager: as('manager') };
}

async function call<N extends OpName>(ctx: Context, name: N, input: Input<N>): Promise<Output<N>> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.value as Output<N>;
}

async function refused(ctx: Context, name: OpName, input: unknown): Promise<string> {
  const r = await dispatch(ctx, name, input);
  expect(r.ok, name).toBe(false);
  return r.ok ? '' : r.problems.map((p) => p.message).join('; ');
}

function task(over: Partial<TaskFields> = {}): TaskFields {
  return {
    code: null, name: '秋冬季大气专项', type: 'special', leadAgency: 'P', locationAgency: null, latitude: null, longitude: null,
    startDate: '2026-12-01', endDate: '2026-12-10', priority: 3, teamSize: null, notes: null, demand: [{ item: 'S09', quantity: 2 }], ...over,
  };
}

const sources = (plan: PlanDetail) => plan.assignments.map((a) => `${a.taskCode}:${a.itemCode}<-${a.fromCode}`);

describe('tasks and dispatch plans through the api', () => {
  it('plans a task from the nearest agencies, keeping half of each agency’s own requirement at home', async () => {
    const { dispatcher } = await province();
    // The reserve: ceil(0.5 x 1 drone required) = 1 kept home by each agency. P can send 1, K1 1, K2 2.
    const t = await call(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S09', quantity: 3 }] }) });
    expect(t.code).toBe('RW-2026-001');
    const plan = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    expect(plan).toMatchObject({ status: 'draft', solverStatus: 'optimal', units: 3, unmet: 0 });
    expect(sources(plan)).toEqual(['RW-2026-001:S09<-P', 'RW-2026-001:S09<-K1', 'RW-2026-001:S09<-K2']);
    expect(plan.objective).toBeCloseTo(11.1 + 33.4, 0);
  });

  it('derives a team’s demand from the standard’s per-person ratios', async () => {
    const { dispatcher } = await province();
    expect(await call(dispatcher, 'tasks/teamDemand', { leadAgency: 'K1', teamSize: 12 })).toEqual({ S01: 3, S02: 3, S04: 12 });
  });

  it('uses a new reserve ratio once a bureau head sets it, and refuses it to the dispatcher', async () => {
    const { dispatcher, head } = await province();
    await refused(dispatcher, 'dispatch/saveSettings', { reserveRatio: 0, optionalReserve: {} });
    await call(head, 'dispatch/saveSettings', { reserveRatio: 0, optionalReserve: {} });
    const t = await call(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S09', quantity: 7 }] }) });
    const plan = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    expect(plan).toMatchObject({ units: 7, unmet: 0, reserveRatio: 0 });
  });

  it('keeps no optional item at home unless a count is set for it', async () => {
    const { dispatcher, head } = await province();
    const t = await call(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'O06', quantity: 2 }] }) });
    expect((await call(dispatcher, 'plans/create', { taskIds: [t.id] })).units).toBe(2);
    // Only an optional item's count is set by hand; a basic item's follows the ratio.
    expect(await refused(head, 'dispatch/saveSettings', { reserveRatio: 0.5, optionalReserve: { S01: 1, Z99: 1 } })).toBe(
      '「S01」是标配品目:标配装备的留守数量按留守比例计算,只能为选配品目设置留守数量; 装备代码「Z99」不在装备目录中');
    await call(head, 'dispatch/saveSettings', { reserveRatio: 0.5, optionalReserve: { O06: 1 } });
    const kept = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    expect(kept.units).toBe(1);
    expect(kept.unmetRows[0]).toMatchObject({ itemCode: 'O06', quantity: 1, reason: 'reserve' });
  });

  it('explains unmet demand: none held, calibration lapsing before the last day, reserve', async () => {
    const { as, dispatcher } = await province();
    const t = await call(dispatcher, 'tasks/save', {
      id: null, fields: task({ demand: [{ item: 'S15', quantity: 2 }, { item: 'O07', quantity: 1 }, { item: 'S09', quantity: 5 }] }),
    });
    const plan = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    // GAS-K1-B lapses on 12-05, before the task ends on 12-10; GAS-K1-A can go but K1 keeps ceil(0.5 x 3) = 2 at home.
    expect(plan.unmetRows.map((u) => [u.itemCode, u.quantity, u.reason])).toEqual([['O07', 1, 'none'], ['S09', 1, 'reserve'], ['S15', 2, 'reserve']]);
    // With no reserve, only the detector calibrated through the last day goes.
    await call(as('head'), 'dispatch/saveSettings', { reserveRatio: 0, optionalReserve: {} });
    const again = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    expect(again.assignments.filter((a) => a.itemCode === 'S15').map((a) => a.assetTag)).toEqual(['GAS-K1-A']);
    expect(again.unmetRows.find((u) => u.itemCode === 'S15')).toMatchObject({ quantity: 1, reason: 'unusable' });
  });

  it('takes a bureau head to approve; approved units are committed and a later plan for overlapping dates leaves them alone', async () => {
    const { l, dispatcher, head } = await province();
    const t1 = await call(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S09', quantity: 4 }] }) });
    const p1 = await call(dispatcher, 'plans/create', { taskIds: [t1.id] });
    const before = await snapshotOf(l);
    expect(await refused(dispatcher, 'plans/approve', { id: p1.id, approvalRef: null })).toContain('无权');
    expect(await snapshotOf(l)).toEqual(before);
    const approved = await call(head, 'plans/approve', { id: p1.id, approvalRef: '环执调〔2026〕3号' });
    expect(approved).toMatchObject({ status: 'approved', approvedBy: 'head', approvalRef: '环执调〔2026〕3号', flags: 0 });
    expect(await value(l, sql<{ n: number }>`select count(*) as n from audit_log where entity = 'dispatch'`)).toBe(4);

    const t2 = await call(dispatcher, 'tasks/save', { id: null, fields: task({ name: '交叉检查', type: 'cross', startDate: '2026-12-08', endDate: '2026-12-12' }) });
    const p2 = await call(dispatcher, 'plans/create', { taskIds: [t2.id] });
    expect(p2.assignments).toEqual([]);
    expect(p2.unmetRows).toEqual([expect.objectContaining({ itemCode: 'S09', quantity: 2, reason: 'reserve' })]);
    // The same task after the first has ended can reuse the committed units.
    await call(dispatcher, 'tasks/save', { id: t2.id, fields: task({ name: '交叉检查', type: 'cross', startDate: '2026-12-11', endDate: '2026-12-15' }) });
    expect(await call(dispatcher, 'plans/list', {})).toHaveLength(1);
    const p3 = await call(dispatcher, 'plans/create', { taskIds: [t2.id] });
    expect(p3.units).toBe(2);
    // A second plan cannot take a task that an approved plan holds, nor may the task change under it.
    expect(await refused(dispatcher, 'plans/create', { taskIds: [t1.id] })).toContain('已由方案');
    expect(await refused(dispatcher, 'tasks/save', { id: t1.id, fields: task({ priority: 5 }) })).toContain('不能修改');
    expect(await refused(dispatcher, 'tasks/delete', { id: t1.id })).toContain('不能删除');
    // Once its plan is cancelled the task can change and be planned again.
    await call(dispatcher, 'plans/cancel', { id: p1.id });
    await call(dispatcher, 'tasks/save', { id: t1.id, fields: task({ priority: 5 }) });
    expect((await call(dispatcher, 'plans/create', { taskIds: [t1.id] })).status).toBe('draft');
  });

  it('numbers a new plan past every stored one after an edited task drops its draft', async () => {
    const { dispatcher } = await province();
    const a = await call(dispatcher, 'tasks/save', { id: null, fields: task() });
    const b = await call(dispatcher, 'tasks/save', { id: null, fields: task({ name: '交叉检查' }) });
    await call(dispatcher, 'plans/create', { taskIds: [a.id] });
    const second = await call(dispatcher, 'plans/create', { taskIds: [b.id] });
    await call(dispatcher, 'tasks/save', { id: a.id, fields: task({ priority: 4 }) });
    const third = await call(dispatcher, 'plans/create', { taskIds: [a.id] });
    expect(third.code).not.toBe(second.code);
    expect((await call(dispatcher, 'plans/list', {})).map((p) => p.code)).toEqual([third.code, second.code]);
  });

  it('refuses to approve a draft the ledger has overtaken, and changes nothing', async () => {
    const { l, dispatcher, head, manager } = await province();
    const t = await call(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S01', quantity: 1 }] }) });
    const plan = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    const car = plan.assignments[0];
    await call(manager, 'maintenance/create', {
      assetId: car.assetId, date: '2026-11-24', kind: 'repair', description: '发动机故障', costFen: null, vendor: null, odometerKm: null, nextDueDate: null, setStatus: 'under_repair',
    });
    const before = await snapshotOf(l);
    expect(await refused(head, 'plans/approve', { id: plan.id, approvalRef: null })).toContain('在维修');
    expect(await snapshotOf(l)).toEqual(before);
  });

  it('flags an approved plan when the ledger changes under it', async () => {
    const { dispatcher, head, manager } = await province();
    const t = await call(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S01', quantity: 1 }] }) });
    const plan = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    await call(head, 'plans/approve', { id: plan.id, approvalRef: null });
    await call(manager, 'disposals/request', { assetId: plan.assignments[0].assetId, reason: '事故' });
    const after = await call(dispatcher, 'plans/get', { id: plan.id });
    expect(after.flagRows).toEqual([{ assetTag: 'CAR-K2', taskCode: t.code, message: '已申请报废' }]);
    expect((await call(dispatcher, 'plans/list', {}))[0].flags).toBe(1);
  });

  it('sends units out with custody records, takes them back with odometer and damage, and counts them for the score', async () => {
    const { l, as, dispatcher: planner, head } = await province();
    // The units leave on 1 December and the dispatcher books them back in on the evening of the 11th.
    const dispatcher = as('dispatcher', {}, testClock('2026-12-11T10:00:00Z', 'Asia/Shanghai'));
    const t = await call(planner, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S01', quantity: 1 }, { item: 'S09', quantity: 1 }] }) });
    const plan = await call(planner, 'plans/create', { taskIds: [t.id] });
    await call(head, 'plans/approve', { id: plan.id, approvalRef: null });
    const out = await call(planner, 'plans/dispatch', { id: plan.id, date: '2026-12-01' });
    expect(out.status).toBe('dispatched');
    const openCustody = () => value(l, sql<{ n: number }>`select count(*) as n from custody_records where to_date is null and purpose like ${`调度单 ${plan.code}%`}`);
    const open = await openCustody();
    expect(open).toBe(2);
    const [car, drone] = [out.assignments.find((a) => a.itemCode === 'S01')!, out.assignments.find((a) => a.itemCode === 'S09')!];
    expect(await refused(dispatcher, 'plans/return', { id: plan.id, date: '2026-12-10', units: [{ assignmentId: car.id, odometerKm: 100, damageNote: null, toRepair: false }] }))
      .toContain('小于出发前');
    await call(dispatcher, 'plans/return', { id: plan.id, date: '2026-12-10', units: [{ assignmentId: car.id, odometerKm: 121_350, damageNote: null, toRepair: false }] });
    expect((await call(dispatcher, 'plans/get', { id: plan.id })).status).toBe('dispatched');
    const back = await call(dispatcher, 'plans/return', { id: plan.id, date: '2026-12-11', units: [{ assignmentId: drone.id, odometerKm: null, damageNote: '螺旋桨断裂', toRepair: true }] });
    expect(back.status).toBe('returned');
    expect(await rows(l, sql`select odometer_km as "odometerKm" from assets where asset_tag = 'CAR-K2'`)).toEqual([{ odometerKm: 121_350 }]);
    expect(await rows(l, sql`select status from assets where id = ${drone.assetId}`)).toEqual([{ status: 'under_repair' }]);
    expect((await rows<{ description: string }>(l, sql`select description from maintenance_records where asset_id = ${drone.assetId} order by id`))[0].description).toContain('螺旋桨断裂');
    expect(await openCustody()).toBe(0);
    const counts = await call(dispatcher, 'dispatch/counts', {});
    expect(counts.map((c) => [c.agencyCode, c.itemCode, c.units])).toEqual([[drone.fromCode, 'S09', 1], ['K2', 'S01', 1]].sort());
  });

  it('refuses a return dated after today at the date field, and takes one dated today', async () => {
    const { as, dispatcher: planner, head } = await province();
    const t = await call(planner, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S09', quantity: 1 }] }) });
    const plan = await call(planner, 'plans/create', { taskIds: [t.id] });
    await call(head, 'plans/approve', { id: plan.id, approvalRef: null });
    const out = await call(planner, 'plans/dispatch', { id: plan.id, date: '2026-12-01' });
    // 23:30 UTC on 4 December is 07:30 on the 5th in Shanghai: the 5th is today, the 6th is not yet.
    const dispatcher = as('dispatcher', {}, testClock('2026-12-04T23:30:00Z', 'Asia/Shanghai'));
    const units = [{ assignmentId: out.assignments[0].id, odometerKm: null, damageNote: null, toRepair: false }];
    const r = await dispatch(dispatcher, 'plans/return', { id: plan.id, date: '2026-12-06', units });
    expect(r.ok ? [] : r.problems).toEqual([{ field: 'date', message: expect.stringContaining('晚于今天(2026-12-05)') }]);
    expect((await call(dispatcher, 'plans/get', { id: plan.id })).assignments[0].returnedAt).toBeNull();
    expect((await call(dispatcher, 'plans/return', { id: plan.id, date: dispatcher.today(), units })).status).toBe('returned');
  });

  it('numbers a plan made at 00:20 on New Year’s Day in Shanghai (still 31 December in UTC) in the new year', async () => {
    const { as, dispatcher: planner } = await province();
    const t = await call(planner, 'tasks/save', { id: null, fields: task() });
    const dispatcher = as('dispatcher', {}, testClock('2026-12-31T16:20:00Z', 'Asia/Shanghai'));
    expect(dispatcher.today()).toBe('2027-01-01');
    expect((await call(dispatcher, 'plans/create', { taskIds: [t.id] })).code).toBe('DD-2027-0001');
  });

  it('exports the dispatch order as a workbook with a row per unit and the unmet demand with its reason', async () => {
    const { dispatcher } = await province();
    const t = await call(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S01', quantity: 2 }] }) });
    const plan = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    const file = await call(dispatcher, 'plans/export', { id: plan.id });
    expect(file.fileName).toBe(`调度单-${plan.code}.xlsx`);
    const wb = XLSX.read(Buffer.from(file.base64, 'base64'));
    expect(wb.SheetNames).toEqual(['调度单', '任务', '调出装备', '未满足需求']);
    const units = XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets['调出装备']);
    expect(units).toEqual([expect.objectContaining({ 任务编号: t.code, 资产编号: 'CAR-K2', 车牌号: '浙A12345', 调出单位编码: 'K2', '距离(km)': 33.4 })]);
    const unmet = XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets['未满足需求']);
    expect(unmet).toEqual([expect.objectContaining({ 装备代码: 'S01', 缺口数量: 1, 原因: expect.stringContaining('维修') })]);
  });

  it('dates the dispatch order in Shanghai time: a plan drawn up at 07:30 there (23:30 UTC) says 07:30 on its day', async () => {
    const { as, dispatcher: planner } = await province();
    const t = await call(planner, 'tasks/save', { id: null, fields: task() });
    const dispatcher = as('dispatcher', {}, testClock('2026-11-24T23:30:00Z', 'Asia/Shanghai'));
    const plan = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    const wb = XLSX.read(Buffer.from((await call(dispatcher, 'plans/export', { id: plan.id })).base64, 'base64'));
    const header = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['调度单'], { header: 1 });
    expect(header).toContainEqual(['编制时间', expect.stringMatching(/^2026-11-25 07:[3-5]\d$/)]);
  });

  it('keeps a county dispatcher to tasks led from its county and to its own units', async () => {
    const { as, dispatcher } = await province();
    const k1 = as('dispatcher', { agencyCode: 'K1' });
    const other = await call(dispatcher, 'tasks/save', { id: null, fields: task() });
    expect(await refused(k1, 'tasks/save', { id: null, fields: task() })).toContain('管辖范围');
    expect(await refused(k1, 'plans/create', { taskIds: [other.id] })).toContain('管辖范围');
    const own = await call(k1, 'tasks/save', { id: null, fields: task({ leadAgency: 'K1', demand: [{ item: 'S09', quantity: 3 }] }) });
    expect((await call(k1, 'tasks/list', {})).map((t) => t.code)).toEqual([own.code]);
    const plan = await call(k1, 'plans/create', { taskIds: [own.id] });
    expect(new Set(plan.assignments.map((a) => a.fromCode))).toEqual(new Set(['K1']));
    expect(plan.unmetRows[0]).toMatchObject({ quantity: 2, reason: 'reserve' });
  });

  it('refuses a county account every change to a task and plan led from the province, changing nothing', async () => {
    const { l, as, dispatcher, head } = await province();
    const k1 = as('dispatcher', { agencyCode: 'K1' });
    const headK1 = as('head', { agencyCode: 'K1' });
    const t = await call(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S01', quantity: 1 }] }) });
    const outside = async (ctx: Context, name: OpName, input: unknown, why = '管辖范围') => {
      const before = await snapshotOf(l);
      expect(await refused(ctx, name, input)).toContain(why);
      expect(await snapshotOf(l)).toEqual(before);
    };
    await outside(k1, 'tasks/save', { id: t.id, fields: task({ leadAgency: 'K1', demand: [{ item: 'S01', quantity: 1 }] }) });
    await outside(k1, 'tasks/delete', { id: t.id });
    const plan = await call(dispatcher, 'plans/create', { taskIds: [t.id] });
    await outside(headK1, 'plans/approve', { id: plan.id, approvalRef: null });
    await outside(k1, 'plans/cancel', { id: plan.id });
    await call(head, 'plans/approve', { id: plan.id, approvalRef: null });
    await outside(k1, 'plans/dispatch', { id: plan.id, date: '2026-12-01' });
    const out = await call(dispatcher, 'plans/dispatch', { id: plan.id, date: '2026-12-01' });
    const dispatcherLater = as('dispatcher', { agencyCode: 'K1' }, testClock('2026-12-11T10:00:00Z', 'Asia/Shanghai'));
    await outside(dispatcherLater, 'plans/return', { id: plan.id, date: '2026-12-10', units: [{ assignmentId: out.assignments[0].id, odometerKm: null, damageNote: null, toRepair: false }] });
    await outside(as('head', { agencyCode: 'K2' }), 'dispatch/saveSettings', { reserveRatio: 1, optionalReserve: {} }, '全台账');
  });

  it('refuses tasks and plans to managers and read-only users', async () => {
    const { l, as, dispatcher } = await province();
    const t = await call(dispatcher, 'tasks/save', { id: null, fields: task() });
    const before = await snapshotOf(l);
    for (const role of ['manager', 'readonly', 'head'] as Role[]) {
      await refused(as(role), 'tasks/save', { id: null, fields: task() });
      await refused(as(role), 'plans/create', { taskIds: [t.id] });
    }
    expect(await snapshotOf(l)).toEqual(before);
  });

  it('refuses bad tasks with the field named', async () => {
    const { dispatcher } = await province();
    expect(await refused(dispatcher, 'tasks/save', { id: null, fields: task({ endDate: '2026-11-01' }) })).toContain('结束日期不能早于开始日期');
    expect(await refused(dispatcher, 'tasks/save', { id: null, fields: task({ latitude: 30 }) })).toContain('经纬度须同时填写');
    expect(await refused(dispatcher, 'tasks/save', { id: null, fields: task({ demand: [{ item: 'S99', quantity: 1 }] }) })).toContain('未知装备代码');
    expect(await refused(dispatcher, 'tasks/save', { id: null, fields: task({ leadAgency: 'NOPE' }) })).toContain('不存在');
    expect(await refused(dispatcher, 'tasks/save', { id: null, fields: task({ priority: 9 }) })).toContain('优先级');
  });
});
