import type {
  CommitmentRow, DispatchCount, PlanAssignmentRow, PlanDetail, PlanFlag, PlanStatus, PlanSummary, PlanUnmetRow, ReturnInput,
} from '../../lib/domain/dispatch';
import type { CandidateAsset, Interval, PlanOutcome } from '../../dispatch/plan';
import { UserError } from '../../lib/problems';
import type { Db } from '../types';
import { actorDay, appendAuditSync, type Actor, type AuditEntry } from './audit';
import { nextCode, tasksByIds } from './tasks';
import { sql } from 'kysely';
import type { Tx } from '../store';

const LIVE = `('approved', 'dispatched')`;

/**
 * Every unit of the items that is not scrapped and not on its way to 报废, with the dates it is
 * committed to tasks of live plans. A unit out on a task that has ended stays committed until it is back.
 */
export function dispatchCandidates(db: Db, items: readonly string[], today: string): CandidateAsset[] {
  const c = db.$client;
  const rows = c.prepare(
    `select s.id, s.asset_tag as tag, a.code as agency, s.item_code as item, s.status, i.needs_calibration as needsCalibration,
       s.calibration_valid_until as calibrationValidUntil, s.odometer_km as odometerKm
     from assets s join agencies a on a.id = s.agency_id join catalog_items i on i.code = s.item_code
     where s.item_code in (select value from json_each(?)) and s.status <> 'scrapped'
       and not exists (select 1 from disposals d where d.asset_id = s.id and d.status in ('requested', 'approved'))`,
  ).all(JSON.stringify(items)) as (Omit<CandidateAsset, 'commitments' | 'needsCalibration'> & { needsCalibration: number })[];
  const commitments = new Map<number, Interval[]>();
  for (const r of c.prepare(
    `select pa.asset_id as assetId, t.start_date as start, t.end_date as end, p.status from plan_assignments pa
     join plans p on p.id = pa.plan_id join tasks t on t.id = pa.task_id
     where p.status in ${LIVE} and pa.returned_at is null and pa.item_code in (select value from json_each(?))`,
  ).all(JSON.stringify(items)) as (Interval & { assetId: number; status: PlanStatus })[]) {
    const end = r.status === 'dispatched' && r.end < today ? today : r.end;
    let list = commitments.get(r.assetId);
    if (!list) commitments.set(r.assetId, (list = []));
    list.push({ start: r.start, end });
  }
  return rows.map((r) => ({ ...r, needsCalibration: r.needsCalibration === 1, commitments: commitments.get(r.id) ?? [] }));
}

/** Stores a solved plan as a draft: its tasks, the units it would send and the demand it leaves unmet. */
export function storeDraftPlan(db: Db, who: Actor, taskIds: readonly number[], reserveRatio: number, outcome: PlanOutcome): number {
  return db.$client.transaction(() => {
    const c = db.$client;
    const code = nextCode(db, 'plans', `DD-${actorDay(who).slice(0, 4)}`, 4);
    const id = Number(c.prepare(`insert into plans (code, status, reserve_ratio, solver_status, objective, created_by, created_at)
      values (?, 'draft', ?, ?, ?, ?, ?)`).run(code, reserveRatio, outcome.status, outcome.objective, who.actor, who.at).lastInsertRowid);
    const taskId = new Map(tasksByIds(db, taskIds).map((t) => [t.code, t.id]));
    const addTask = c.prepare('insert into plan_tasks (plan_id, task_id) values (?, ?)');
    for (const t of taskIds) addTask.run(id, t);
    const addUnit = c.prepare(`insert into plan_assignments (plan_id, task_id, asset_id, from_agency_id, item_code, km)
      values (?, ?, ?, (select id from agencies where code = ?), ?, ?)`);
    for (const a of outcome.assignments) addUnit.run(id, taskId.get(a.task), a.assetId, a.from, a.item, a.km);
    const addUnmet = c.prepare('insert into plan_unmet (plan_id, task_id, item_code, quantity, reason, detail) values (?, ?, ?, ?, ?, ?)');
    for (const u of outcome.unmet) addUnmet.run(id, taskId.get(u.task), u.item, u.quantity, u.reason, u.detail);
    appendAuditSync(db, who, [{
      action: 'create', entity: 'plan', entityKey: code,
      after: { status: 'draft', tasks: [...taskId.keys()], units: outcome.assignments.length, unmet: outcome.unmet.reduce((s, u) => s + u.quantity, 0), objective: outcome.objective },
      agencies: planAgenciesSync(db, id).all,
    }]);
    return id;
  })();
}

const SUMMARY_SELECT = `select p.id, p.code, p.status, p.objective, p.solver_status as solverStatus, p.created_by as createdBy, p.created_at as createdAt,
    p.approved_by as approvedBy, p.approved_at as approvedAt, p.reserve_ratio as reserveRatio, p.approval_ref as approvalRef, p.dispatched_at as dispatchedAt,
    (select json_group_array(t.code) from plan_tasks pt join tasks t on t.id = pt.task_id where pt.plan_id = p.id) as tasks,
    (select count(*) from plan_assignments pa where pa.plan_id = p.id) as units,
    (select coalesce(sum(quantity), 0) from plan_unmet u where u.plan_id = p.id) as unmet
  from plans p`;

type StoredSummary = Omit<PlanSummary, 'tasks' | 'flags'> & { tasks: string; reserveRatio: number; approvalRef: string | null; dispatchedAt: string | null };

/**
 * What no longer holds for the units of a plan that are not back: the ledger changed under it (a
 * unit scrapped, sent to repair, moved, on its way to 报废, out of calibration before the task
 * ends) or another live plan took the unit for overlapping dates.
 */
export function planFlags(db: Db, planId: number): PlanFlag[] {
  const rows = db.$client.prepare(
    `select s.asset_tag as assetTag, t.code as taskCode, s.status, s.agency_id <> pa.from_agency_id as moved, i.needs_calibration as needsCalibration,
       s.calibration_valid_until as validUntil, t.end_date as taskEnd, p.status as planStatus,
       exists (select 1 from disposals d where d.asset_id = s.id and d.status in ('requested', 'approved')) as disposing,
       (select o.code from plan_assignments x join plans o on o.id = x.plan_id join tasks ot on ot.id = x.task_id
         where x.asset_id = pa.asset_id and x.plan_id <> pa.plan_id and o.status in ${LIVE} and x.returned_at is null
           and ot.start_date <= t.end_date and t.start_date <= ot.end_date limit 1) as takenBy
     from plan_assignments pa join assets s on s.id = pa.asset_id join tasks t on t.id = pa.task_id join plans p on p.id = pa.plan_id
     join catalog_items i on i.code = s.item_code
     where pa.plan_id = ? and pa.returned_at is null order by t.code, s.asset_tag`,
  ).all(planId) as {
    assetTag: string; taskCode: string; status: string; moved: number; needsCalibration: number; validUntil: string | null; taskEnd: string;
    planStatus: PlanStatus; disposing: number; takenBy: string | null;
  }[];
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

function summaries(db: Db, where: string, params: unknown[]): (Omit<StoredSummary, 'tasks'> & { tasks: string[] })[] {
  return (db.$client.prepare(`${SUMMARY_SELECT} ${where}`).all(...params) as StoredSummary[]).map((r) => ({ ...r, tasks: JSON.parse(r.tasks) as string[] }));
}

/** Plans, newest first; `agencies` limits them to plans whose tasks are all led from those agencies. */
export function listPlans(db: Db, agencies: ReadonlySet<string> | null): PlanSummary[] {
  const all = summaries(db, 'order by p.id desc', []).map(({ reserveRatio: _r, approvalRef: _a, dispatchedAt: _d, ...s }) => ({
    ...s, flags: isLive(s.status) ? planFlags(db, s.id).length : 0,
  }));
  if (agencies === null) return all;
  const leads = planLeads(db);
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

export function planAgenciesSync(db: Db, planId: number): { leads: string[]; sources: string[]; all: string[] } {
  const c = db.$client;
  const leads = c.prepare(`select distinct a.code from plan_tasks pt join tasks t on t.id = pt.task_id join agencies a on a.id = t.lead_agency_id
    where pt.plan_id = ? order by a.code`).pluck().all(planId) as string[];
  const sources = c.prepare(`select distinct a.code from plan_assignments pa join agencies a on a.id = pa.from_agency_id where pa.plan_id = ? order by a.code`)
    .pluck().all(planId) as string[];
  return { leads, sources, all: [...new Set([...leads, ...sources])] };
}

/** The lead agencies of each plan's tasks. */
export function planLeads(db: Db, planId?: number): Map<number, string[]> {
  const rows = db.$client.prepare(`select pt.plan_id as planId, a.code from plan_tasks pt join tasks t on t.id = pt.task_id join agencies a on a.id = t.lead_agency_id
    ${planId === undefined ? '' : 'where pt.plan_id = ?'}`).all(...(planId === undefined ? [] : [planId])) as { planId: number; code: string }[];
  const out = new Map<number, string[]>();
  for (const r of rows) out.set(r.planId, [...(out.get(r.planId) ?? []), r.code]);
  return out;
}

export function planDetail(db: Db, id: number): PlanDetail {
  const [summary] = summaries(db, 'where p.id = ?', [id]);
  if (!summary) throw new UserError([{ field: 'id', message: `调度方案 #${id} 不存在` }]);
  const c = db.$client;
  const taskIds = c.prepare('select task_id from plan_tasks where plan_id = ?').pluck().all(id) as number[];
  const assignments = c.prepare(
    `select pa.id, t.code as taskCode, t.name as taskName, pa.item_code as itemCode, i.name as itemName, s.id as assetId, s.asset_tag as assetTag, s.model,
       s.plate_number as plateNumber, a.code as fromCode, a.name as fromName, pa.km, pa.returned_at as returnedAt,
       pa.return_odometer_km as returnOdometerKm, pa.damage_note as damageNote
     from plan_assignments pa join tasks t on t.id = pa.task_id join assets s on s.id = pa.asset_id join agencies a on a.id = pa.from_agency_id
     join catalog_items i on i.code = pa.item_code where pa.plan_id = ? order by t.start_date, t.code, pa.item_code, pa.km, s.asset_tag`,
  ).all(id) as PlanAssignmentRow[];
  const unmetRows = c.prepare(
    `select t.code as taskCode, t.name as taskName, u.item_code as itemCode, i.name as itemName, u.quantity, u.reason, u.detail
     from plan_unmet u join tasks t on t.id = u.task_id join catalog_items i on i.code = u.item_code where u.plan_id = ? order by t.start_date, t.code, u.item_code`,
  ).all(id) as PlanUnmetRow[];
  const flagRows = isLive(summary.status) ? planFlags(db, id) : [];
  return { ...summary, flags: flagRows.length, taskRows: tasksByIds(db, taskIds), assignments, unmetRows, flagRows };
}

function planState(db: Db, id: number): { code: string; status: PlanStatus } {
  const row = db.$client.prepare('select code, status from plans where id = ?').get(id) as { code: string; status: PlanStatus } | undefined;
  if (!row) throw new UserError([{ field: 'id', message: `调度方案 #${id} 不存在` }]);
  return row;
}

const STATUS_WORDS: Record<PlanStatus, string> = { draft: '草稿', approved: '已批准', dispatched: '已出发', returned: '已归还', cancelled: '已取消' };

function requireStatus(db: Db, id: number, allowed: PlanStatus[], verb: string): { code: string; status: PlanStatus } {
  const plan = planState(db, id);
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

function planUnits(db: Db, planId: number): UnitRef[] {
  return db.$client.prepare(
    `select pa.id, pa.asset_id as assetId, s.asset_tag as assetTag, t.code as taskCode, t.name as taskName, t.lead_agency_id as leadAgencyId,
       l.name as leadAgencyName, l.code as leadCode, f.code as fromCode, t.start_date as start, t.end_date as end, pa.custody_id as custodyId,
       pa.returned_at as returnedAt
     from plan_assignments pa join assets s on s.id = pa.asset_id join tasks t on t.id = pa.task_id join agencies l on l.id = t.lead_agency_id
       join agencies f on f.id = pa.from_agency_id
     where pa.plan_id = ? order by pa.id`,
  ).all(planId) as UnitRef[];
}

/**
 * Approves a draft: its units become commitments. Refused when another plan already holds one of
 * its tasks, or when the ledger or another approval has changed what the plan relied on.
 */
export function approvePlan(db: Db, who: Actor, id: number, approvalRef: string | null): void {
  db.$client.transaction(() => {
    const plan = requireStatus(db, id, ['draft'], '批准');
    const held = db.$client.prepare(
      `select t.code, p.code as plan from plan_tasks mine join plan_tasks other on other.task_id = mine.task_id and other.plan_id <> mine.plan_id
       join plans p on p.id = other.plan_id join tasks t on t.id = mine.task_id where mine.plan_id = ? and p.status in ${LIVE} limit 1`,
    ).get(id) as { code: string; plan: string } | undefined;
    if (held) throw new UserError([{ field: 'id', message: `任务「${held.code}」已由方案「${held.plan}」调度;请先取消该方案` }]);
    const flags = planFlags(db, id);
    if (flags.length > 0) {
      throw new UserError([
        { field: 'id', message: `方案「${plan.code}」计算后台账已有变化,请重新计算方案:` },
        ...flags.slice(0, 10).map((f) => ({ field: f.assetTag, message: `装备「${f.assetTag}」(任务 ${f.taskCode}):${f.message}` })),
      ]);
    }
    db.$client.prepare(`update plans set status = 'approved', approval_ref = ?, approved_by = ?, approved_at = ? where id = ?`).run(approvalRef, who.actor, who.at, id);
    const units = planUnits(db, id);
    appendAuditSync(db, who, [
      { action: 'update', entity: 'plan', entityKey: plan.code, before: { status: 'draft' }, after: { status: 'approved', approvedBy: who.actor, approvalRef, units: units.length }, agencies: planAgenciesSync(db, id).all },
      ...units.map((u): AuditEntry => ({
        action: 'create', entity: 'dispatch', entityKey: u.assetTag, after: { plan: plan.code, task: u.taskCode, start: u.start, end: u.end, state: 'committed' },
        agencies: [u.fromCode, u.leadCode],
      })),
    ]);
  })();
}

/** The units leave: each gets an open custody record with the task's lead agency. */
export function dispatchPlan(db: Db, who: Actor, id: number, date: string): void {
  db.$client.transaction(() => {
    const plan = requireStatus(db, id, ['approved'], '出发');
    const c = db.$client;
    const custody = c.prepare('insert into custody_records (asset_id, agency_id, custodian, from_date, purpose) values (?, ?, ?, ?, ?)');
    const link = c.prepare('update plan_assignments set custody_id = ? where id = ?');
    const units = planUnits(db, id);
    for (const u of units) {
      const rid = custody.run(u.assetId, u.leadAgencyId, u.leadAgencyName, date, `调度单 ${plan.code}:${u.taskCode} ${u.taskName}`).lastInsertRowid;
      link.run(Number(rid), u.id);
    }
    c.prepare(`update plans set status = 'dispatched', dispatched_by = ?, dispatched_at = ? where id = ?`).run(who.actor, date, id);
    appendAuditSync(db, who, [
      { action: 'update', entity: 'plan', entityKey: plan.code, before: { status: 'approved' }, after: { status: 'dispatched', date }, agencies: planAgenciesSync(db, id).all },
      ...units.map((u): AuditEntry => ({
        action: 'update', entity: 'dispatch', entityKey: u.assetTag, after: { plan: plan.code, task: u.taskCode, state: 'out', date }, agencies: [u.fromCode, u.leadCode],
      })),
    ]);
  })();
}

/**
 * Units come back: custody closes, the odometer reading is kept, a damage note can open a repair
 * record and send the unit to repair. When the last unit is back the plan is returned.
 */
export function returnUnits(db: Db, who: Actor, input: ReturnInput): void {
  db.$client.transaction(() => {
    const plan = requireStatus(db, input.id, ['dispatched'], '归还');
    const c = db.$client;
    const today = actorDay(who);
    if (input.date > today) throw new UserError([{ field: 'date', message: `归还日期 ${input.date} 晚于今天(${today}),不能登记尚未发生的归还` }]);
    const units = new Map(planUnits(db, input.id).map((u) => [u.id, u]));
    const entries: AuditEntry[] = [];
    for (const r of input.units) {
      const u = units.get(r.assignmentId);
      if (!u) throw new UserError([{ field: 'assignmentId', message: `调度记录 #${r.assignmentId} 不属于方案「${plan.code}」` }]);
      if (u.returnedAt) throw new UserError([{ field: u.assetTag, message: `装备「${u.assetTag}」已于 ${u.returnedAt} 归还` }]);
      if (input.date < u.start) throw new UserError([{ field: 'date', message: `归还日期早于任务「${u.taskCode}」开始日 ${u.start}` }]);
      const { agencyCode, ...asset } = c.prepare(`select s.odometer_km as odometerKm, s.status, a.code as agencyCode from assets s join agencies a on a.id = s.agency_id
        where s.id = ?`).get(u.assetId) as { odometerKm: number | null; status: string; agencyCode: string };
      if (r.odometerKm !== null && asset.odometerKm !== null && r.odometerKm < asset.odometerKm) {
        throw new UserError([{ field: u.assetTag, message: `装备「${u.assetTag}」归还里程 ${r.odometerKm} km 小于出发前的 ${asset.odometerKm} km` }]);
      }
      let maintenanceId: number | null = null;
      if (r.toRepair) {
        maintenanceId = Number(c.prepare(`insert into maintenance_records (asset_id, date, kind, description, odometer_km) values (?, ?, 'repair', ?, ?)`)
          .run(u.assetId, input.date, `调度归还(${plan.code} ${u.taskCode})${r.damageNote ? `:${r.damageNote}` : ''}`, r.odometerKm).lastInsertRowid);
      }
      c.prepare(`update plan_assignments set returned_at = ?, return_odometer_km = ?, damage_note = ?, maintenance_id = ? where id = ?`)
        .run(input.date, r.odometerKm, r.damageNote, maintenanceId, u.id);
      if (u.custodyId !== null) c.prepare('update custody_records set to_date = ? where id = ?').run(input.date, u.custodyId);
      const next = { odometerKm: r.odometerKm ?? asset.odometerKm, status: r.toRepair ? 'under_repair' : asset.status };
      if (next.odometerKm !== asset.odometerKm || next.status !== asset.status) {
        c.prepare('update assets set odometer_km = ?, status = ? where id = ?').run(next.odometerKm, next.status, u.assetId);
        entries.push({ action: 'update', entity: 'asset', entityKey: u.assetTag, before: asset, after: next, agencies: [agencyCode] });
      }
      entries.push({
        action: 'update', entity: 'dispatch', entityKey: u.assetTag, after: { plan: plan.code, task: u.taskCode, state: 'returned', date: input.date, odometerKm: r.odometerKm, damageNote: r.damageNote },
        agencies: [u.fromCode, u.leadCode],
      });
    }
    const out = c.prepare('select count(*) from plan_assignments where plan_id = ? and returned_at is null').pluck().get(input.id) as number;
    if (out === 0) {
      c.prepare(`update plans set status = 'returned', closed_at = ? where id = ?`).run(input.date, input.id);
      entries.push({ action: 'update', entity: 'plan', entityKey: plan.code, before: { status: 'dispatched' }, after: { status: 'returned', date: input.date }, agencies: planAgenciesSync(db, input.id).all });
    }
    appendAuditSync(db, who, entries);
  })();
}

/** A draft is dropped, an approved plan releases its units; a plan whose units are out must be returned instead. */
export function cancelPlan(db: Db, who: Actor, id: number): void {
  db.$client.transaction(() => {
    const plan = requireStatus(db, id, ['draft', 'approved'], '取消');
    db.$client.prepare(`update plans set status = 'cancelled', closed_at = ? where id = ?`).run(who.at, id);
    appendAuditSync(db, who, [{ action: 'update', entity: 'plan', entityKey: plan.code, before: { status: plan.status }, after: { status: 'cancelled' }, agencies: planAgenciesSync(db, id).all }]);
  })();
}

/** Commitments of approved, dispatched and returned plans whose tasks fall in a window, for the timeline. */
export function commitments(db: Db, from: string, to: string): CommitmentRow[] {
  return db.$client.prepare(
    `select s.id as assetId, s.asset_tag as assetTag, s.item_code as itemCode, i.name as itemName, a.code as agencyCode, t.code as taskCode, t.name as taskName,
       p.code as planCode, p.status as planStatus, t.start_date as start, t.end_date as end, pa.returned_at as returnedAt
     from plan_assignments pa join plans p on p.id = pa.plan_id join tasks t on t.id = pa.task_id join assets s on s.id = pa.asset_id
     join agencies a on a.id = pa.from_agency_id join catalog_items i on i.code = s.item_code
     where p.status in ('approved', 'dispatched', 'returned') and t.start_date <= ? and t.end_date >= ?
     order by s.item_code, s.asset_tag, t.start_date`,
  ).all(to, from) as CommitmentRow[];
}

/** Units sent to key tasks (台次) per source agency and item, for tasks starting in a window: dispatched and returned plans only. */
export function dispatchCounts(db: Db, from: string | undefined, to: string | undefined): DispatchCount[] {
  return db.$client.prepare(
    `select a.code as agencyCode, a.name as agencyName, pa.item_code as itemCode, i.name as itemName, i.kind, count(*) as units
     from plan_assignments pa join plans p on p.id = pa.plan_id join tasks t on t.id = pa.task_id join agencies a on a.id = pa.from_agency_id
     join catalog_items i on i.code = pa.item_code
     where p.status in ('dispatched', 'returned') and t.start_date >= ? and t.start_date <= ?
     group by a.code, pa.item_code order by a.code, pa.item_code`,
  ).all(from ?? '0000-00-00', to ?? '9999-99-99') as DispatchCount[];
}
