import type { DispatchSettings, PlanStatus, TaskFields, TaskRow } from '../../lib/domain/dispatch';
import { UserError } from '../../lib/problems';
import type { Db } from '../types';
import { appendAuditSync, type Actor } from './audit';
import { agencyIdSync, checkItemSync } from './asset-writes';

const TASK_SELECT = `select t.id, t.code, t.name, t.type, l.code as leadAgency, l.name as leadAgencyName, loc.code as locationAgency,
    t.latitude, t.longitude, t.start_date as startDate, t.end_date as endDate, t.priority, t.team_size as teamSize, t.notes,
    t.created_by as createdBy, t.created_at as createdAt,
    (select json_object('code', p.code, 'status', p.status) from plan_tasks pt join plans p on p.id = pt.plan_id
      where pt.task_id = t.id and p.status in ('approved', 'dispatched')) as livePlan,
    (select json_group_array(json_object('item', d.item_code, 'quantity', d.quantity)) from (select * from task_demands d where d.task_id = t.id order by d.item_code) d) as demand
  from tasks t join agencies l on l.id = t.lead_agency_id left join agencies loc on loc.id = t.location_agency_id`;

type StoredTask = Omit<TaskRow, 'livePlan' | 'demand'> & { livePlan: string | null; demand: string };
const parsed = (r: StoredTask): TaskRow => ({ ...r, livePlan: r.livePlan ? JSON.parse(r.livePlan) : null, demand: JSON.parse(r.demand) });

/** Tasks, the latest start first; `agencies` limits them to those led from a set of agencies. */
export function listTasks(db: Db, agencies: ReadonlySet<string> | null): TaskRow[] {
  const rows = (db.$client.prepare(`${TASK_SELECT} order by t.start_date desc, t.id desc`).all() as StoredTask[]).map(parsed);
  return agencies === null ? rows : rows.filter((t) => agencies.has(t.leadAgency));
}

export function tasksByIds(db: Db, ids: readonly number[]): TaskRow[] {
  return (db.$client.prepare(`${TASK_SELECT} where t.id in (select value from json_each(?)) order by t.start_date, t.id`).all(JSON.stringify(ids)) as StoredTask[]).map(parsed);
}

export function taskById(db: Db, id: number): TaskRow {
  const [task] = tasksByIds(db, [id]);
  if (!task) throw new UserError([{ field: 'id', message: `任务 #${id} 不存在` }]);
  return task;
}

/** Plans holding the task, by status. */
function plansOf(db: Db, taskId: number): { id: number; code: string; status: PlanStatus }[] {
  return db.$client.prepare(`select p.id, p.code, p.status from plan_tasks pt join plans p on p.id = pt.plan_id where pt.task_id = ?`).all(taskId) as {
    id: number; code: string; status: PlanStatus;
  }[];
}

/** Draft plans holding the task are dropped when it changes: they were computed for what it was. */
function dropDrafts(db: Db, who: Actor, taskId: number): void {
  for (const p of plansOf(db, taskId).filter((p) => p.status === 'draft')) {
    const leads = db.$client.prepare(`select distinct a.code from plan_tasks pt join tasks t on t.id = pt.task_id join agencies a on a.id = t.lead_agency_id
      where pt.plan_id = ?`).pluck().all(p.id) as string[];
    db.$client.prepare('delete from plans where id = ?').run(p.id);
    appendAuditSync(db, who, [{ action: 'delete', entity: 'plan', entityKey: p.code, before: { status: 'draft' }, agencies: leads }]);
  }
}

/**
 * A task that a plan has sent units to keeps its record: it cannot change (nor be deleted while
 * any plan but a draft names it). After a cancelled plan it can change and be planned again.
 */
function refuseIfCommitted(db: Db, taskId: number, verb: '修改' | '删除'): void {
  const held = plansOf(db, taskId).find((p) => p.status !== 'draft' && (verb === '删除' || p.status !== 'cancelled'));
  if (held) throw new UserError([{ field: 'id', message: `任务已在调度方案「${held.code}」(${held.status === 'cancelled' ? '已取消' : '已批准或执行'})中,不能${verb};请另建任务` }]);
}

/**
 * The next free number `PREFIX-NNN` in a table's `code` column: past the highest stored (counting
 * would reuse the number of a dropped draft), skipping any a user gave by hand.
 */
export function nextCode(db: Db, table: 'tasks' | 'plans', prefix: string, digits: number): string {
  const highest = db.$client.prepare(`select max(cast(substr(code, ?) as integer)) from ${table} where code like ?`).pluck()
    .get(prefix.length + 2, `${prefix}-%`) as number | null;
  for (let n = (highest ?? 0) + 1; ; n++) {
    const code = `${prefix}-${String(n).padStart(digits, '0')}`;
    if (!db.$client.prepare(`select 1 from ${table} where code = ?`).get(code)) return code;
  }
}

/** Creates a task (id null) or changes one that no approved plan holds; drafts that held it are dropped. */
export function saveTask(db: Db, who: Actor, id: number | null, f: TaskFields): TaskRow {
  return db.$client.transaction(() => {
    const before = id === null ? null : taskById(db, id);
    if (id !== null) refuseIfCommitted(db, id, '修改');
    const code = f.code ?? before?.code ?? nextCode(db, 'tasks', `RW-${f.startDate.slice(0, 4)}`, 3);
    const clash = db.$client.prepare('select id from tasks where code = ?').pluck().get(code) as number | undefined;
    if (clash !== undefined && clash !== id) throw new UserError([{ field: 'code', message: `任务编号「${code}」已存在` }]);
    for (const d of f.demand) checkItemSync(db, d.item, 'demand');
    const values = {
      code, name: f.name, type: f.type, lead: agencyIdSync(db, f.leadAgency, 'leadAgency'),
      location: f.locationAgency === null ? null : agencyIdSync(db, f.locationAgency, 'locationAgency'),
      latitude: f.latitude, longitude: f.longitude, startDate: f.startDate, endDate: f.endDate, priority: f.priority, teamSize: f.teamSize, notes: f.notes,
    };
    let taskId: number;
    if (id === null) {
      taskId = Number(db.$client.prepare(`insert into tasks (code, name, type, lead_agency_id, location_agency_id, latitude, longitude, start_date, end_date,
          priority, team_size, notes, created_by, created_at)
        values (@code, @name, @type, @lead, @location, @latitude, @longitude, @startDate, @endDate, @priority, @teamSize, @notes, @createdBy, @createdAt)`)
        .run({ ...values, createdBy: who.actor, createdAt: who.at }).lastInsertRowid);
    } else {
      taskId = id;
      dropDrafts(db, who, id);
      db.$client.prepare(`update tasks set code = @code, name = @name, type = @type, lead_agency_id = @lead, location_agency_id = @location,
          latitude = @latitude, longitude = @longitude, start_date = @startDate, end_date = @endDate, priority = @priority, team_size = @teamSize, notes = @notes
        where id = @id`).run({ ...values, id });
      db.$client.prepare('delete from task_demands where task_id = ?').run(id);
    }
    const insert = db.$client.prepare('insert into task_demands (task_id, item_code, quantity) values (?, ?, ?)');
    for (const d of f.demand) insert.run(taskId, d.item, d.quantity);
    const after = taskById(db, taskId);
    const state = ({ livePlan: _l, createdAt: _c, createdBy: _b, leadAgencyName: _n, ...rest }: TaskRow) => rest;
    appendAuditSync(db, who, [{ action: before ? 'update' : 'create', entity: 'task', entityKey: code, before: before ? state(before) : undefined, after: state(after),
      agencies: [before?.leadAgency, before?.locationAgency, after.leadAgency, after.locationAgency] }]);
    return after;
  })();
}

/** Removes a task that no approved, dispatched or past plan holds. */
export function deleteTask(db: Db, who: Actor, id: number): void {
  db.$client.transaction(() => {
    const task = taskById(db, id);
    refuseIfCommitted(db, id, '删除');
    dropDrafts(db, who, id);
    db.$client.prepare('delete from tasks where id = ?').run(id);
    appendAuditSync(db, who, [{ action: 'delete', entity: 'task', entityKey: task.code, before: { name: task.name, startDate: task.startDate, endDate: task.endDate }, agencies: [task.leadAgency, task.locationAgency] }]);
  })();
}

export const DEFAULT_DISPATCH_SETTINGS: DispatchSettings = { reserveRatio: 0.5, optionalReserve: {} };
const SETTINGS_KEY = 'dispatch';

export function dispatchSettings(db: Db): DispatchSettings {
  const raw = db.$client.prepare('select value from settings where key = ?').pluck().get(SETTINGS_KEY) as string | undefined;
  return raw ? { ...DEFAULT_DISPATCH_SETTINGS, ...JSON.parse(raw) } : DEFAULT_DISPATCH_SETTINGS;
}

export function saveDispatchSettings(db: Db, who: Actor, next: DispatchSettings): DispatchSettings {
  return db.$client.transaction(() => {
    const before = dispatchSettings(db);
    db.$client.prepare('insert into settings (key, value) values (?, ?) on conflict (key) do update set value = excluded.value').run(SETTINGS_KEY, JSON.stringify(next));
    appendAuditSync(db, who, [{ action: 'update', entity: 'settings', entityKey: SETTINGS_KEY, before, after: next, agencies: [] }]);
    return next;
  })();
}
