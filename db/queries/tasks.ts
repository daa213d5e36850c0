import { sql } from 'kysely';
import type { DispatchSettings, PlanStatus, TaskFields, TaskRow } from '../../lib/domain/dispatch';
import { UserError } from '../../lib/problems';
import { inList, type Tx } from '../store';
import { appendAudit, type Actor } from './audit';
import { agencyId, checkItem } from './asset-writes';
import { loadCatalog } from './reference';

const TASK_SELECT = sql`select t.id, t.code, t.name, t.type, l.code as "leadAgency", l.name as "leadAgencyName", loc.code as "locationAgency",
    t.latitude, t.longitude, t.start_date as "startDate", t.end_date as "endDate", t.priority, t.team_size as "teamSize", t.notes,
    t.created_by as "createdBy", t.created_at as "createdAt"
  from tasks t join agencies l on l.id = t.lead_agency_id left join agencies loc on loc.id = t.location_agency_id`;

type StoredTask = Omit<TaskRow, 'livePlan' | 'demand'>;

/** The tasks' demand lines (by item) and the plan holding each now, read in two statements for all of them. */
async function completed(tx: Tx, rows: StoredTask[]): Promise<TaskRow[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const demand = new Map<number, TaskRow['demand']>();
  for (const d of await tx.all<{ taskId: number; item: string; quantity: number }>(sql`select task_id as "taskId", item_code as item, quantity
    from task_demands where ${inList(tx, sql.ref('task_id'), ids)} order by task_id, item_code`)) {
    let list = demand.get(d.taskId);
    if (!list) demand.set(d.taskId, (list = []));
    list.push({ item: d.item, quantity: d.quantity });
  }
  const live = new Map<number, TaskRow['livePlan']>();
  for (const p of await tx.all<{ taskId: number; code: string; status: PlanStatus }>(sql`select pt.task_id as "taskId", p.code, p.status
    from plan_tasks pt join plans p on p.id = pt.plan_id where p.status in ('approved', 'dispatched') and ${inList(tx, sql.ref('pt.task_id'), ids)}
    order by p.id`)) {
    if (!live.has(p.taskId)) live.set(p.taskId, { code: p.code, status: p.status });
  }
  return rows.map((r) => ({ ...r, livePlan: live.get(r.id) ?? null, demand: demand.get(r.id) ?? [] }));
}

/** Tasks, the latest start first; `agencies` limits them to those led from a set of agencies. */
export async function listTasks(tx: Tx, agencies: ReadonlySet<string> | null): Promise<TaskRow[]> {
  const rows = await tx.all<StoredTask>(sql`${TASK_SELECT} ${agencies === null ? sql`` : sql`where ${inList(tx, sql.ref('l.code'), [...agencies])}`}
    order by t.start_date desc, t.id desc`);
  return completed(tx, rows);
}

export async function tasksByIds(tx: Tx, ids: readonly number[]): Promise<TaskRow[]> {
  if (!ids.length) return [];
  return completed(tx, await tx.all<StoredTask>(sql`${TASK_SELECT} where ${inList(tx, sql.ref('t.id'), ids)} order by t.start_date, t.id`));
}

export async function taskById(tx: Tx, id: number): Promise<TaskRow> {
  const [task] = await tasksByIds(tx, [id]);
  if (!task) throw new UserError([{ field: 'id', message: `任务 #${id} 不存在` }]);
  return task;
}

/** Plans holding the task, by status. */
function plansOf(tx: Tx, taskId: number): Promise<{ id: number; code: string; status: PlanStatus }[]> {
  return tx.all(sql`select p.id, p.code, p.status from plan_tasks pt join plans p on p.id = pt.plan_id where pt.task_id = ${taskId} order by p.id`);
}

/** Draft plans holding the task are dropped when it changes: they were computed for what it was. */
async function dropDrafts(tx: Tx, who: Actor, taskId: number): Promise<void> {
  for (const p of (await plansOf(tx, taskId)).filter((p) => p.status === 'draft')) {
    const leads = (await tx.all<{ code: string }>(sql`select distinct a.code from plan_tasks pt join tasks t on t.id = pt.task_id
      join agencies a on a.id = t.lead_agency_id where pt.plan_id = ${p.id}`)).map((r) => r.code);
    await tx.run(sql`delete from plans where id = ${p.id}`);
    await appendAudit(tx, who, [{ action: 'delete', entity: 'plan', entityKey: p.code, before: { status: 'draft' }, agencies: leads }]);
  }
}

/**
 * A task that a plan has sent units to keeps its record: it cannot change (nor be deleted while
 * any plan but a draft names it). After a cancelled plan it can change and be planned again.
 */
async function refuseIfCommitted(tx: Tx, taskId: number, verb: '修改' | '删除'): Promise<void> {
  const held = (await plansOf(tx, taskId)).find((p) => p.status !== 'draft' && (verb === '删除' || p.status !== 'cancelled'));
  if (held) throw new UserError([{ field: 'id', message: `任务已在调度方案「${held.code}」(${held.status === 'cancelled' ? '已取消' : '已批准或执行'})中,不能${verb};请另建任务` }]);
}

/**
 * Serialises the writers that number rows of a table (tasks, plans): on PostgreSQL a second server process
 * creating one at the same moment waits here until the first has committed, then reads its number. It must be
 * the write's first statement, so that the transaction's snapshot is taken after the lock is held. SQLite's
 * write transaction already holds the file's one write lock.
 */
export async function lockNumbering(tx: Tx, table: 'tasks' | 'plans'): Promise<void> {
  if (tx.engine === 'postgres') await tx.run(sql`lock table ${sql.table(table)} in share row exclusive mode`);
}

/**
 * The next free number `PREFIX-NNN` in a table's `code` column: past the highest stored (counting
 * would reuse the number of a dropped draft), skipping any a user gave by hand and any in `taken`.
 */
export async function nextCode(tx: Tx, table: 'tasks' | 'plans', prefix: string, digits: number, taken: ReadonlySet<string> = new Set()): Promise<string> {
  const head = `${prefix}-`;
  // Compared here rather than with like, which ignores the case of letters on SQLite and not on PostgreSQL.
  const codes = new Set((await tx.all<{ code: string }>(sql`select code from ${sql.table(table)} where substr(code, 1, ${head.length}) = ${head}`)).map((r) => r.code));
  // The number a code carries is its leading digits after the prefix, as SQLite's cast(… as integer) read it.
  let highest = 0;
  for (const c of codes) {
    const n = Number.parseInt(c.slice(head.length), 10);
    if (n > highest) highest = n;
  }
  for (let n = highest + 1; ; n++) {
    const code = `${head}${String(n).padStart(digits, '0')}`;
    if (!codes.has(code) && !taken.has(code)) return code;
  }
}

/** Creates a task (id null) or changes one that no approved plan holds; drafts that held it are dropped. Call inside a write transaction. */
export async function saveTask(tx: Tx, who: Actor, id: number | null, f: TaskFields): Promise<TaskRow> {
  if (id === null) await lockNumbering(tx, 'tasks');
  const before = id === null ? null : await taskById(tx, id);
  if (id !== null) await refuseIfCommitted(tx, id, '修改');
  const given = f.code ?? before?.code ?? null;
  const prefix = `RW-${f.startDate.slice(0, 4)}`;
  let code = given ?? await nextCode(tx, 'tasks', prefix, 3);
  const clash = await tx.get<{ id: number }>(sql`select id from tasks where code = ${code}`);
  if (clash && clash.id !== id) throw new UserError([{ field: 'code', message: `任务编号「${code}」已存在` }]);
  for (const d of f.demand) await checkItem(tx, d.item, 'demand');
  const lead = await agencyId(tx, f.leadAgency, 'leadAgency');
  const location = f.locationAgency === null ? null : await agencyId(tx, f.locationAgency, 'locationAgency');
  let taskId: number;
  if (id === null) {
    const tried = new Set<string>();
    for (;;) {
      const row = await tx.get<{ id: number }>(sql`insert into tasks (code, name, type, lead_agency_id, location_agency_id, latitude, longitude, start_date, end_date,
          priority, team_size, notes, created_by, created_at)
        values (${code}, ${f.name}, ${f.type}, ${lead}, ${location}, ${f.latitude}, ${f.longitude}, ${f.startDate}, ${f.endDate}, ${f.priority}, ${f.teamSize},
          ${f.notes}, ${who.actor}, ${who.at})
        on conflict (code) do nothing returning id`);
      if (row) {
        taskId = row.id;
        break;
      }
      // Taken by a writer this one could not see: a number given by hand is the user's clash; a generated one moves on.
      if (given !== null) throw new UserError([{ field: 'code', message: `任务编号「${code}」已存在` }]);
      tried.add(code);
      code = await nextCode(tx, 'tasks', prefix, 3, tried);
    }
  } else {
    taskId = id;
    await dropDrafts(tx, who, id);
    await tx.run(sql`update tasks set code = ${code}, name = ${f.name}, type = ${f.type}, lead_agency_id = ${lead}, location_agency_id = ${location},
        latitude = ${f.latitude}, longitude = ${f.longitude}, start_date = ${f.startDate}, end_date = ${f.endDate}, priority = ${f.priority},
        team_size = ${f.teamSize}, notes = ${f.notes}
      where id = ${id}`);
    await tx.run(sql`delete from task_demands where task_id = ${id}`);
  }
  if (f.demand.length) {
    await tx.run(sql`insert into task_demands (task_id, item_code, quantity) values ${sql.join(f.demand.map((d) => sql`(${taskId}, ${d.item}, ${d.quantity})`))}`);
  }
  const after = await taskById(tx, taskId);
  const state = ({ livePlan: _l, createdAt: _c, createdBy: _b, leadAgencyName: _n, ...rest }: TaskRow) => rest;
  await appendAudit(tx, who, [{ action: before ? 'update' : 'create', entity: 'task', entityKey: code, before: before ? state(before) : undefined, after: state(after),
    agencies: [before?.leadAgency, before?.locationAgency, after.leadAgency, after.locationAgency] }]);
  return after;
}

/** Removes a task that no approved, dispatched or past plan holds. Call inside a write transaction. */
export async function deleteTask(tx: Tx, who: Actor, id: number): Promise<void> {
  const task = await taskById(tx, id);
  await refuseIfCommitted(tx, id, '删除');
  await dropDrafts(tx, who, id);
  await tx.run(sql`delete from tasks where id = ${id}`);
  await appendAudit(tx, who, [{
    action: 'delete', entity: 'task', entityKey: task.code, before: { name: task.name, startDate: task.startDate, endDate: task.endDate }, agencies: [task.leadAgency, task.locationAgency],
  }]);
}

export const DEFAULT_DISPATCH_SETTINGS: DispatchSettings = { reserveRatio: 0.5, optionalReserve: {} };
const SETTINGS_KEY = 'dispatch';

export async function dispatchSettings(tx: Tx): Promise<DispatchSettings> {
  const raw = (await tx.get<{ value: string }>(sql`select value from settings where key = ${SETTINGS_KEY}`))?.value;
  return raw ? { ...DEFAULT_DISPATCH_SETTINGS, ...JSON.parse(raw) } : DEFAULT_DISPATCH_SETTINGS;
}

/** Call inside a write transaction. */
export async function saveDispatchSettings(tx: Tx, who: Actor, next: DispatchSettings): Promise<DispatchSettings> {
  const kinds = new Map((await loadCatalog(tx)).map((c) => [c.code, c.kind]));
  const problems = Object.keys(next.optionalReserve).filter((code) => kinds.get(code) !== 'optional').map((code) => ({
    field: `optionalReserve.${code}`,
    message: kinds.has(code) ? `「${code}」是标配品目:标配装备的留守数量按留守比例计算,只能为选配品目设置留守数量` : `装备代码「${code}」不在装备目录中`,
  }));
  if (problems.length) throw new UserError(problems);
  const before = await dispatchSettings(tx);
  await tx.run(sql`insert into settings (key, value) values (${SETTINGS_KEY}, ${JSON.stringify(next)}) on conflict (key) do update set value = excluded.value`);
  await appendAudit(tx, who, [{ action: 'update', entity: 'settings', entityKey: SETTINGS_KEY, before, after: next, agencies: [] }]);
  return next;
}
