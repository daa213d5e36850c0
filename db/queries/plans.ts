import { sql, type RawBuilder } from 'kysely';
import type {
  CommitmentRow, DispatchCount, PlanAssignmentRow, PlanDetail, PlanFlag, PlanStatus, PlanSummary, PlanUnmetRow, ReturnInput,
} from '../../lib/domain/dispatch';
import type { CandidateAsset, Interval, PlanOutcome } from '../../dispatch/plan';
import { UserError } from '../../lib/problems';
import { inList, type Tx } from '../store';
import { actorDay, appendAudit, type Actor, type AuditEntry } from './audit';
import { lockNumbering, nextCode, tasksByIds } from './tasks';

const LIVE = sql`('approved', 'dispatched')`;

/** Rows per multi-row insert of a plan's units (6 values each) and unmet lines. */
const PLAN_ROWS = 500;

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * Every unit of the items that is not scrapped and not on its way to 报废, with the dates it is
 * committed to tasks of live plans. A unit out on a task that has ended stays committed until it is back.
 */
export async function dispatchCandidates(tx: Tx, items: readonly string[], today: string): Promise<CandidateAsset[]> {
  if (!items.length) return [];
  const rows = await tx.all<Omit<CandidateAsset, 'commitments' | 'needsCalibration'> & { needsCalibration: number }>(sql`select s.id, s.asset_tag as tag,
      a.code as agency, s.item_code as item, s.status, i.needs_calibration as "needsCalibration", s.calibration_valid_until as "calibrationValidUntil",
      s.odometer_km as "odometerKm"
    from assets s join agencies a on a.id = s.agency_id join catalog_items i on i.code = s.item_code
    where ${inList(tx, sql.ref('s.item_code'), items)} and s.status <> 'scrapped'
      and not exists (select 1 from disposals d where d.asset_id = s.id and d.status in ('requested', 'approved'))
    order by s.id`);
  const commitments = new Map<number, Interval[]>();
  for (const r of await tx.all<Interval & { assetId: number; status: PlanStatus }>(sql`select pa.asset_id as "assetId", t.start_date as start,
      t.end_date as "end", p.status
    from plan_assignments pa join plans p on p.id = pa.plan_id join tasks t on t.id = pa.task_id
    where p.status in ${LIVE} and pa.returned_at is null and ${inList(tx, sql.ref('pa.item_code'), items)}
    order by pa.asset_id, t.start_date, pa.id`)) {
    const end = r.status === 'dispatched' && r.end < today ? today : r.end;
    let list = commitments.get(r.assetId);
    if (!list) commitments.set(r.assetId, (list = []));
    list.push({ start: r.start, end });
  }
  return rows.map((r) => ({ ...r, needsCalibration: r.needsCalibration === 1, commitments: commitments.get(r.id) ?? [] }));
}

/**
 * Stores a solved plan as a draft: its tasks, the units it would send and the demand it leaves unmet. Its own
 * write transaction (it numbers the plan, see `lockNumbering`): the tasks are read again in it, and a task gone
 * or taken by a live plan since it was solved is refused.
 */
export async function storeDraftPlan(tx: Tx, who: Actor, taskIds: readonly number[], reserveRatio: number, outcome: PlanOutcome): Promise<number> {
  await lockNumbering(tx, 'plans');
  const tasks = await tasksByIds(tx, taskIds);
  const missing = taskIds.find((id) => !tasks.some((t) => t.id === id));
  if (missing !== undefined) throw new UserError([{ field: 'taskIds', message: `任务 #${missing} 不存在` }]);
  const held = tasks.find((t) => t.livePlan);
  if (held) throw new UserError([{ field: held.code, message: `任务「${held.code}」已由方案「${held.livePlan!.code}」调度;请先取消该方案` }]);
  const prefix = `DD-${actorDay(who).slice(0, 4)}`;
  const tried = new Set<string>();
  let code = await nextCode(tx, 'plans', prefix, 4);
  let id: number;
  for (;;) {
    const row = await tx.get<{ id: number }>(sql`insert into plans (code, status, reserve_ratio, solver_status, objective, created_by, created_at)
      values (${code}, 'draft', ${reserveRatio}, ${outcome.status}, ${outcome.objective}, ${who.actor}, ${who.at}) on conflict (code) do nothing returning id`);
    if (row) {
      id = row.id;
      break;
    }
    tried.add(code);
    code = await nextCode(tx, 'plans', prefix, 4, tried);
  }
  const taskId = new Map(tasks.map((t) => [t.code, t.id]));
  await tx.run(sql`insert into plan_tasks (plan_id, task_id) values ${sql.join([...new Set(taskIds)].map((t) => sql`(${id}, ${t})`))}`);
  const sources = [...new Set(outcome.assignments.map((a) => a.from))];
  const agencyIds = new Map(sources.length
    ? (await tx.all<{ id: number; code: string }>(sql`select id, code from agencies where ${inList(tx, sql.ref('code'), sources)}`)).map((a) => [a.code, a.id])
    : []);
  for (const part of chunks(outcome.assignments, PLAN_ROWS)) {
    await tx.run(sql`insert into plan_assignments (plan_id, task_id, asset_id, from_agency_id, item_code, km)
      values ${sql.join(part.map((a) => sql`(${id}, ${taskId.get(a.task)}, ${a.assetId}, ${agencyIds.get(a.from)}, ${a.item}, ${a.km})`))}`);
  }
  for (const part of chunks(outcome.unmet, PLAN_ROWS)) {
    await tx.run(sql`insert into plan_unmet (plan_id, task_id, item_code, quantity, reason, detail)
      values ${sql.join(part.map((u) => sql`(${id}, ${taskId.get(u.task)}, ${u.item}, ${u.quantity}, ${u.reason}, ${u.detail})`))}`);
  }
  await appendAudit(tx, who, [{
    action: 'create', entity: 'plan', entityKey: code,
    after: { status: 'draft', tasks: tasks.map((t) => t.code), units: outcome.assignments.length, unmet: outcome.unmet.reduce((s, u) => s + u.quantity, 0), objective: outcome.objective },
    agencies: (await planAgencies(tx, id)).all,
  }]);
  return id;
}

const SUMMARY_SELECT = sql`select p.id, p.code, p.status, p.objective, p.solver_status as "solverStatus", p.created_by as "createdBy", p.created_at as "createdAt",
    p.approved_by as "approvedBy", p.approved_at as "approvedAt", p.reserve_ratio as "reserveRatio", p.approval_ref as "approvalRef",
    p.dispatched_at as "dispatchedAt",
    (select count(*) from plan_assignments pa where pa.plan_id = p.id) as units,
    (select coalesce(sum(quantity), 0) from plan_unmet u where u.plan_id = p.id) as unmet
  from plans p`;

type StoredSummary = Omit<PlanSummary, 'tasks' | 'flags'> & { reserveRatio: number; approvalRef: string | null; dispatchedAt: string | null };

/**
 * What no longer holds for the units of a plan that are not back: the ledger changed under it (a
 * unit scrapped, sent to repair, moved, on its way to 报废, out of calibration before the task
 * ends) or another live plan took the unit for overlapping dates.
 */
export async function planFlags(tx: Tx, planId: number): Promise<PlanFlag[]> {
  const rows = await tx.all<{
    assetTag: string; taskCode: string; status: string; moved: number; needsCalibration: number; validUntil: string | null; taskEnd: string;
    planStatus: PlanStatus; disposing: number; takenBy: string | null;
  }>(sql`select s.asset_tag as "assetTag", t.code as "taskCode", s.status, case when s.agency_id <> pa.from_agency_id then 1 else 0 end as moved,
       i.needs_calibration as "needsCalibration", s.calibration_valid_until as "validUntil", t.end_date as "taskEnd", p.status as "planStatus",
       case when exists (select 1 from disposals d where d.asset_id = s.id and d.status in ('requested', 'approved')) then 1 else 0 end as disposing,
       (select o.code from plan_assignments x join plans o on o.id = x.plan_id join tasks ot on ot.id = x.task_id
         where x.asset_id = pa.asset_id and x.plan_id <> pa.plan_id and o.status in ${LIVE} and x.returned_at is null
           and ot.start_date <= t.end_date and t.start_date <= ot.end_date order by o.id limit 1) as "takenBy"
     from plan_assignments pa join assets s on s.id = pa.asset_id join tasks t on t.id = pa.task_id join plans p on p.id = pa.plan_id
     join catalog_items i on i.code = s.item_code
     where pa.plan_id = ${planId} and pa.returned_at is null order by t.code, s.asset_tag`);
  const flags: PlanFlag[] = [];
  for (const r of rows) {
    const problems: string[] = [];
    if (r.status === 'scrapped') problems.push('已报废');
    else if (r.status === 'under_repair') problems.push('在维修');
    if (r.disposing) problems.push('已申请报废');
    if (r.moved) problems.push('已调拨到其他机构');
    if (r.needsCalibration && (r.validUntil === null || r.validUntil < r.taskEnd)) problems.push(`检定有效期(${r.validUntil ?? '无'})不足以覆盖任务结束日 ${r.taskEnd}`);
    if (r.takenBy) problems.push(`已被方案「${r.takenBy}」占用于日期重叠的任务`);
    for (const message of problems) flags.push({ assetTag: r.assetTag, taskCode: r.taskCode, message });
  }
  return flags;
}

const isLive = (status: PlanStatus) => status === 'approved' || status === 'dispatched';

/** Plans' summaries with the codes of their tasks (one statement for the plans, one for all their tasks). */
async function summaries(tx: Tx, where: RawBuilder<unknown>): Promise<(StoredSummary & { tasks: string[] })[]> {
  const rows = await tx.all<StoredSummary>(sql`${SUMMARY_SELECT} ${where}`);
  if (!rows.length) return [];
  const tasks = new Map<number, string[]>();
  for (const r of await tx.all<{ planId: number; code: string }>(sql`select pt.plan_id as "planId", t.code from plan_tasks pt join tasks t on t.id = pt.task_id
    where ${inList(tx, sql.ref('pt.plan_id'), rows.map((r) => r.id))} order by pt.plan_id, pt.task_id`)) {
    let list = tasks.get(r.planId);
    if (!list) tasks.set(r.planId, (list = []));
    list.push(r.code);
  }
  return rows.map((r) => ({ ...r, tasks: tasks.get(r.id) ?? [] }));
}

/** Plans, newest first; `agencies` limits them to plans whose tasks are all led from those agencies. */
export async function listPlans(tx: Tx, agencies: ReadonlySet<string> | null): Promise<PlanSummary[]> {
  const all: PlanSummary[] = [];
  for (const { reserveRatio: _r, approvalRef: _a, dispatchedAt: _d, ...s } of await summaries(tx, sql`order by p.id desc`)) {
    all.push({ ...s, flags: isLive(s.status) ? (await planFlags(tx, s.id)).length : 0 });
  }
  if (agencies === null) return all;
  const leads = await planLeads(tx);
  return all.filter((p) => (leads.get(p.id) ?? []).every((code) => agencies.has(code)));
}

/** The agencies a plan concerns: those leading its tasks, those its units come from, and both. */
export async function planAgencies(tx: Tx, planId: number): Promise<{ leads: string[]; sources: string[]; all: string[] }> {
  const leads = (await tx.all<{ code: string }>(sql`select distinct a.code from plan_tasks pt join tasks t on t.id = pt.task_id
    join agencies a on a.id = t.lead_agency_id where pt.plan_id = ${planId} order by a.code`)).map((r) => r.code);
  const sources = (await tx.all<{ code: string }>(sql`select distinct a.code from plan_assignments pa join agencies a on a.id = pa.from_agency_id
    where pa.plan_id = ${planId} order by a.code`)).map((r) => r.code);
  return { leads, sources, all: [...new Set([...leads, ...sources])] };
}

/** The lead agencies of each plan's tasks. */
export async function planLeads(tx: Tx, planId?: number): Promise<Map<number, string[]>> {
  const rows = await tx.all<{ planId: number; code: string }>(sql`select pt.plan_id as "planId", a.code from plan_tasks pt join tasks t on t.id = pt.task_id
    join agencies a on a.id = t.lead_agency_id ${planId === undefined ? sql`` : sql`where pt.plan_id = ${planId}`} order by pt.plan_id, pt.task_id`);
  const out = new Map<number, string[]>();
  for (const r of rows) out.set(r.planId, [...(out.get(r.planId) ?? []), r.code]);
  return out;
}

export async function planDetail(tx: Tx, id: number): Promise<PlanDetail> {
  const [summary] = await summaries(tx, sql`where p.id = ${id}`);
  if (!summary) throw new UserError([{ field: 'id', message: `调度方案 #${id} 不存在` }]);
  const taskIds = (await tx.all<{ taskId: number }>(sql`select task_id as "taskId" from plan_tasks where plan_id = ${id}`)).map((r) => r.taskId);
  const assignments = await tx.all<PlanAssignmentRow>(sql`select pa.id, t.code as "taskCode", t.name as "taskName", pa.item_code as "itemCode",
      i.name as "itemName", s.id as "assetId", s.asset_tag as "assetTag", s.model, s.plate_number as "plateNumber", a.code as "fromCode", a.name as "fromName",
      pa.km, pa.returned_at as "returnedAt", pa.return_odometer_km as "returnOdometerKm", pa.damage_note as "damageNote"
    from plan_assignments pa join tasks t on t.id = pa.task_id join assets s on s.id = pa.asset_id join agencies a on a.id = pa.from_agency_id
    join catalog_items i on i.code = pa.item_code where pa.plan_id = ${id} order by t.start_date, t.code, pa.item_code, pa.km, s.asset_tag`);
  const unmetRows = await tx.all<PlanUnmetRow>(sql`select t.code as "taskCode", t.name as "taskName", u.item_code as "itemCode", i.name as "itemName",
      u.quantity, u.reason, u.detail
    from plan_unmet u join tasks t on t.id = u.task_id join catalog_items i on i.code = u.item_code
    where u.plan_id = ${id} order by t.start_date, t.code, u.item_code`);
  const flagRows = isLive(summary.status) ? await planFlags(tx, id) : [];
  return { ...summary, flags: flagRows.length, taskRows: await tasksByIds(tx, taskIds), assignments, unmetRows, flagRows };
}

async function planState(tx: Tx, id: number): Promise<{ code: string; status: PlanStatus }> {
  const row = await tx.get<{ code: string; status: PlanStatus }>(sql`select code, status from plans where id = ${id}`);
  if (!row) throw new UserError([{ field: 'id', message: `调度方案 #${id} 不存在` }]);
  return row;
}

const STATUS_WORDS: Record<PlanStatus, string> = { draft: '草稿', approved: '已批准', dispatched: '已出发', returned: '已归还', cancelled: '已取消' };

async function requireStatus(tx: Tx, id: number, allowed: PlanStatus[], verb: string): Promise<{ code: string; status: PlanStatus }> {
  const plan = await planState(tx, id);
  if (!allowed.includes(plan.status)) throw new UserError([{ field: 'id', message: `方案「${plan.code}」${STATUS_WORDS[plan.status]},不能${verb}` }]);
  return plan;
}

interface UnitRef {
  id: number;
  assetId: number;
  assetTag: string;
  taskCode: string;
  taskName: string;
  leadAgencyId: number;
  leadAgencyName: string;
  leadCode: string;
  fromCode: string;
  start: string;
  end: string;
  custodyId: number | null;
  returnedAt: string | null;
}

function planUnits(tx: Tx, planId: number): Promise<UnitRef[]> {
  return tx.all<UnitRef>(sql`select pa.id, pa.asset_id as "assetId", s.asset_tag as "assetTag", t.code as "taskCode", t.name as "taskName",
      t.lead_agency_id as "leadAgencyId", l.name as "leadAgencyName", l.code as "leadCode", f.code as "fromCode", t.start_date as start, t.end_date as "end",
      pa.custody_id as "custodyId", pa.returned_at as "returnedAt"
    from plan_assignments pa join assets s on s.id = pa.asset_id join tasks t on t.id = pa.task_id join agencies l on l.id = t.lead_agency_id
      join agencies f on f.id = pa.from_agency_id
    where pa.plan_id = ${planId} order by pa.id`);
}

/**
 * Approves a draft: its units become commitments. Refused when another plan already holds one of
 * its tasks, or when the ledger or another approval has changed what the plan relied on. Call inside a
 * write transaction: the checks and the change are one step, so of two approvals at once the second sees the first.
 */
export async function approvePlan(tx: Tx, who: Actor, id: number, approvalRef: string | null): Promise<void> {
  const plan = await requireStatus(tx, id, ['draft'], '批准');
  const held = await tx.get<{ code: string; plan: string }>(sql`select t.code, p.code as plan from plan_tasks mine
    join plan_tasks other on other.task_id = mine.task_id and other.plan_id <> mine.plan_id
    join plans p on p.id = other.plan_id join tasks t on t.id = mine.task_id where mine.plan_id = ${id} and p.status in ${LIVE} order by t.code limit 1`);
  if (held) throw new UserError([{ field: 'id', message: `任务「${held.code}」已由方案「${held.plan}」调度;请先取消该方案` }]);
  const flags = await planFlags(tx, id);
  if (flags.length > 0) {
    throw new UserError([
      { field: 'id', message: `方案「${plan.code}」计算后台账已有变化,请重新计算方案:` },
      ...flags.slice(0, 10).map((f) => ({ field: f.assetTag, message: `装备「${f.assetTag}」(任务 ${f.taskCode}):${f.message}` })),
    ]);
  }
  await tx.run(sql`update plans set status = 'approved', approval_ref = ${approvalRef}, approved_by = ${who.actor}, approved_at = ${who.at} where id = ${id}`);
  const units = await planUnits(tx, id);
  await appendAudit(tx, who, [
    { action: 'update', entity: 'plan', entityKey: plan.code, before: { status: 'draft' }, after: { status: 'approved', approvedBy: who.actor, approvalRef, units: units.length }, agencies: (await planAgencies(tx, id)).all },
    ...units.map((u): AuditEntry => ({
      action: 'create', entity: 'dispatch', entityKey: u.assetTag, after: { plan: plan.code, task: u.taskCode, start: u.start, end: u.end, state: 'committed' },
      agencies: [u.fromCode, u.leadCode],
    })),
  ]);
}

/** The units leave: each gets an open custody record with the task's lead agency. Call inside a write transaction. */
export async function dispatchPlan(tx: Tx, who: Actor, id: number, date: string): Promise<void> {
  const plan = await requireStatus(tx, id, ['approved'], '出发');
  const units = await planUnits(tx, id);
  for (const u of units) {
    const { id: custody } = (await tx.get<{ id: number }>(sql`insert into custody_records (asset_id, agency_id, custodian, from_date, purpose)
      values (${u.assetId}, ${u.leadAgencyId}, ${u.leadAgencyName}, ${date}, ${`调度单 ${plan.code}:${u.taskCode} ${u.taskName}`}) returning id`))!;
    await tx.run(sql`update plan_assignments set custody_id = ${custody} where id = ${u.id}`);
  }
  await tx.run(sql`update plans set status = 'dispatched', dispatched_by = ${who.actor}, dispatched_at = ${date} where id = ${id}`);
  await appendAudit(tx, who, [
    { action: 'update', entity: 'plan', entityKey: plan.code, before: { status: 'approved' }, after: { status: 'dispatched', date }, agencies: (await planAgencies(tx, id)).all },
    ...units.map((u): AuditEntry => ({
      action: 'update', entity: 'dispatch', entityKey: u.assetTag, after: { plan: plan.code, task: u.taskCode, state: 'out', date }, agencies: [u.fromCode, u.leadCode],
    })),
  ]);
}

/**
 * Units come back: custody closes, the odometer reading is kept, a damage note can open a repair
 * record and send the unit to repair. When the last unit is back the plan is returned. Call inside a write transaction.
 */
export async function returnUnits(tx: Tx, who: Actor, input: ReturnInput): Promise<void> {
  const plan = await requireStatus(tx, input.id, ['dispatched'], '归还');
  const today = actorDay(who);
  if (input.date > today) throw new UserError([{ field: 'date', message: `归还日期 ${input.date} 晚于今天(${today}),不能登记尚未发生的归还` }]);
  const units = new Map((await planUnits(tx, input.id)).map((u) => [u.id, u]));
  const entries: AuditEntry[] = [];
  for (const r of input.units) {
    const u = units.get(r.assignmentId);
    if (!u) throw new UserError([{ field: 'assignmentId', message: `调度记录 #${r.assignmentId} 不属于方案「${plan.code}」` }]);
    if (u.returnedAt) throw new UserError([{ field: u.assetTag, message: `装备「${u.assetTag}」已于 ${u.returnedAt} 归还` }]);
    if (input.date < u.start) throw new UserError([{ field: 'date', message: `归还日期早于任务「${u.taskCode}」开始日 ${u.start}` }]);
    const { agencyCode, ...asset } = (await tx.get<{ odometerKm: number | null; status: string; agencyCode: string }>(sql`select s.odometer_km as "odometerKm",
      s.status, a.code as "agencyCode" from assets s join agencies a on a.id = s.agency_id where s.id = ${u.assetId}`))!;
    if (r.odometerKm !== null && asset.odometerKm !== null && r.odometerKm < asset.odometerKm) {
      throw new UserError([{ field: u.assetTag, message: `装备「${u.assetTag}」归还里程 ${r.odometerKm} km 小于出发前的 ${asset.odometerKm} km` }]);
    }
    let maintenanceId: number | null = null;
    if (r.toRepair) {
      maintenanceId = (await tx.get<{ id: number }>(sql`insert into maintenance_records (asset_id, date, kind, description, odometer_km)
        values (${u.assetId}, ${input.date}, 'repair', ${`调度归还(${plan.code} ${u.taskCode})${r.damageNote ? `:${r.damageNote}` : ''}`}, ${r.odometerKm}) returning id`))!.id;
    }
    await tx.run(sql`update plan_assignments set returned_at = ${input.date}, return_odometer_km = ${r.odometerKm}, damage_note = ${r.damageNote},
      maintenance_id = ${maintenanceId} where id = ${u.id}`);
    // Marked back here too, so the same unit listed twice in one return is refused as already back.
    u.returnedAt = input.date;
    if (u.custodyId !== null) await tx.run(sql`update custody_records set to_date = ${input.date} where id = ${u.custodyId}`);
    const next = { odometerKm: r.odometerKm ?? asset.odometerKm, status: r.toRepair ? 'under_repair' : asset.status };
    if (next.odometerKm !== asset.odometerKm || next.status !== asset.status) {
      await tx.run(sql`update assets set odometer_km = ${next.odometerKm}, status = ${next.status} where id = ${u.assetId}`);
      entries.push({ action: 'update', entity: 'asset', entityKey: u.assetTag, before: asset, after: next, agencies: [agencyCode] });
    }
    entries.push({
      action: 'update', entity: 'dispatch', entityKey: u.assetTag, after: { plan: plan.code, task: u.taskCode, state: 'returned', date: input.date, odometerKm: r.odometerKm, damageNote: r.damageNote },
      agencies: [u.fromCode, u.leadCode],
    });
  }
  const out = (await tx.get<{ n: number }>(sql`select count(*) as n from plan_assignments where plan_id = ${input.id} and returned_at is null`))!.n;
  if (Number(out) === 0) {
    await tx.run(sql`update plans set status = 'returned', closed_at = ${input.date} where id = ${input.id}`);
    entries.push({ action: 'update', entity: 'plan', entityKey: plan.code, before: { status: 'dispatched' }, after: { status: 'returned', date: input.date }, agencies: (await planAgencies(tx, input.id)).all });
  }
  await appendAudit(tx, who, entries);
}

/** A draft is dropped, an approved plan releases its units; a plan whose units are out must be returned instead. Call inside a write transaction. */
export async function cancelPlan(tx: Tx, who: Actor, id: number): Promise<void> {
  const plan = await requireStatus(tx, id, ['draft', 'approved'], '取消');
  await tx.run(sql`update plans set status = 'cancelled', closed_at = ${who.at} where id = ${id}`);
  await appendAudit(tx, who, [{ action: 'update', entity: 'plan', entityKey: plan.code, before: { status: plan.status }, after: { status: 'cancelled' }, agencies: (await planAgencies(tx, id)).all }]);
}

/** Commitments of approved, dispatched and returned plans whose tasks fall in a window, for the timeline. */
export function commitments(tx: Tx, from: string, to: string): Promise<CommitmentRow[]> {
  return tx.all<CommitmentRow>(sql`select s.id as "assetId", s.asset_tag as "assetTag", s.item_code as "itemCode", i.name as "itemName", a.code as "agencyCode",
      t.code as "taskCode", t.name as "taskName", p.code as "planCode", p.status as "planStatus", t.start_date as start, t.end_date as "end",
      pa.returned_at as "returnedAt"
    from plan_assignments pa join plans p on p.id = pa.plan_id join tasks t on t.id = pa.task_id join assets s on s.id = pa.asset_id
    join agencies a on a.id = pa.from_agency_id join catalog_items i on i.code = s.item_code
    where p.status in ('approved', 'dispatched', 'returned') and t.start_date <= ${to} and t.end_date >= ${from}
    order by s.item_code, s.asset_tag, t.start_date, pa.id`);
}

/** Units sent to key tasks (台次) per source agency and item, for tasks starting in a window: dispatched and returned plans only. */
export function dispatchCounts(tx: Tx, from: string | undefined, to: string | undefined): Promise<DispatchCount[]> {
  return tx.all<DispatchCount>(sql`select a.code as "agencyCode", a.name as "agencyName", pa.item_code as "itemCode", i.name as "itemName", i.kind,
      count(*) as units
    from plan_assignments pa join plans p on p.id = pa.plan_id join tasks t on t.id = pa.task_id join agencies a on a.id = pa.from_agency_id
    join catalog_items i on i.code = pa.item_code
    where p.status in ('dispatched', 'returned') and t.start_date >= ${from ?? '0000-00-00'} and t.start_date <= ${to ?? '9999-99-99'}
    group by a.code, a.name, pa.item_code, i.name, i.kind order by a.code, pa.item_code`);
}
