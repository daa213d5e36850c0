import { CSV_SHAPES, TASK_TYPES, type DispatchSettings, type ExportFormat, type FileOut, type PlanDetail, type TaskRow } from '../../api/contract';
import { formatInstant } from '../../lib/clock';
import { teamDemand } from '../../dispatch/demand';
import { planDispatch, UNMET_REASONS, type PlanOutcome, type PlanTask, type SourceAgency } from '../../dispatch/plan';
import { exportFile } from '../../excel/export';
import type { OutValue } from '../../excel/write';
import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { DEFAULT_RULE_SET } from '../../quotas/catalog';
import { indexRules, required } from '../../quotas/engine';
import type { Db } from '../../db/types';
import type { Actor } from '../../db/queries/audit';
import { agencyByCode, listAgencies } from '../../db/queries/agencies';
import { dispatchCandidates, planDetail, storeDraftPlan } from '../../db/queries/plans';
import { loadCatalog, loadRuleSet } from '../../db/queries/reference';
import { dispatchSettings } from '../../db/queries/tasks';

type Agency = ReturnType<typeof listAgencies>[number];

function rules(db: Db) {
  return indexRules(loadRuleSet(db, DEFAULT_RULE_SET)!);
}

/** An agency's position, or its nearest ancestor's when it has none recorded. */
function positions(agencies: readonly Agency[]): Map<string, { lat: number; lon: number } | null> {
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const out = new Map<string, { lat: number; lon: number } | null>();
  for (const a of agencies) {
    let at: Agency | undefined = a;
    while (at && (at.latitude === null || at.longitude === null)) at = at.parentCode ? byCode.get(at.parentCode) : undefined;
    out.set(a.code, at ? { lat: at.latitude!, lon: at.longitude! } : null);
  }
  return out;
}

export function teamDemandFor(db: Db, leadAgency: string, teamSize: number): Record<string, number> {
  const lead = agencyByCode(db, leadAgency);
  if (!lead) throw new UserError([{ field: 'leadAgency', message: `机构「${leadAgency}」不存在` }]);
  return teamDemand(teamSize, lead.level, rules(db));
}

/** The planner's view of tasks: where each takes place (its coordinates, else its location agency's, else its lead's). */
function planTasks(tasks: readonly TaskRow[], where: Map<string, { lat: number; lon: number } | null>): PlanTask[] {
  return tasks.map((t) => {
    const site = t.latitude !== null && t.longitude !== null ? { lat: t.latitude, lon: t.longitude } : where.get(t.locationAgency ?? t.leadAgency) ?? null;
    if (!site) throw new UserError([{ field: t.code, message: `任务「${t.code} ${t.name}」没有地点:请填写经纬度,或为其所在机构补充坐标` }]);
    if (t.demand.length === 0) throw new UserError([{ field: t.code, message: `任务「${t.code} ${t.name}」没有装备需求` }]);
    return { id: t.code, start: t.startDate, end: t.endDate, priority: t.priority, lat: site.lat, lon: site.lon, demand: Object.fromEntries(t.demand.map((d) => [d.item, d.quantity])) };
  });
}

/**
 * Plans tasks together against the units of the source agencies (the caller's scope): each agency
 * keeps ceil(ratio x its own requirement) of every basic item at home, and the settings' count of
 * optional ones.
 */
export async function solvePlan(db: Db, tasks: readonly TaskRow[], sources: ReadonlySet<string> | null, settings: DispatchSettings, today: IsoDate): Promise<PlanOutcome> {
  const all = listAgencies(db);
  const where = positions(all);
  const input = planTasks(tasks, where);
  const items = [...new Set(input.flatMap((t) => Object.keys(t.demand)))];
  const kinds = new Map(loadCatalog(db).map((c) => [c.code, c.kind]));
  const index = rules(db);
  const agencies: SourceAgency[] = all.filter((a) => sources === null || sources.has(a.code)).map((a) => {
    const reserve: Record<string, number> = {};
    for (const item of items) {
      const n = kinds.get(item) === 'basic'
        ? Math.ceil(settings.reserveRatio * required(index.get(`${item}/${a.level}`), a) - 1e-9)
        : settings.optionalReserve[item] ?? 0;
      if (n > 0) reserve[item] = n;
    }
    const at = where.get(a.code) ?? null;
    return { code: a.code, lat: at?.lat ?? null, lon: at?.lon ?? null, reserve };
  });
  const inReach = new Set(agencies.map((a) => a.code));
  const assets = dispatchCandidates(db, items, today).filter((a) => inReach.has(a.agency));
  return planDispatch({ tasks: input, agencies, assets });
}

/** Solves the tasks and stores the result as a draft plan. */
export async function createPlan(
  db: Db, who: Actor, tasks: TaskRow[], sources: ReadonlySet<string> | null, today: IsoDate, reserveRatio?: number,
): Promise<PlanDetail> {
  const held = tasks.find((t) => t.livePlan);
  if (held) throw new UserError([{ field: held.code, message: `任务「${held.code}」已由方案「${held.livePlan!.code}」调度;请先取消该方案` }]);
  const stored = dispatchSettings(db);
  const settings = reserveRatio === undefined ? stored : { ...stored, reserveRatio };
  const outcome = await solvePlan(db, tasks, sources, settings, today);
  if (outcome.status !== 'optimal') throw new UserError([{ message: `求解器未得到最优方案(状态:${outcome.status}),请减少同时规划的任务后重试` }]);
  return planDetail(db, storeDraftPlan(db, who, tasks.map((t) => t.id), settings.reserveRatio, outcome));
}

const PLAN_STATUS_WORDS = { draft: '草稿(待批准)', approved: '已批准', dispatched: '已出发', returned: '已归还', cancelled: '已取消' } as const;

/** 调度单: the plan's header, one row per unit sent, and the demand left unmet with its reasons. */
export function exportPlan(plan: PlanDetail, timeZone: string, format?: ExportFormat): FileOut {
  const d = (s: string | null) => (s ? { date: s.slice(0, 10) } : null);
  const tasks: OutValue[][] = [
    ['任务编号', '任务名称', '类型', '牵头单位', '开始日期', '结束日期', '优先级', '需求'],
    ...plan.taskRows.map((t) => [t.code, t.name, TASK_TYPES[t.type], t.leadAgencyName, d(t.startDate), d(t.endDate), t.priority, t.demand.map((x) => `${x.item}×${x.quantity}`).join('、')]),
  ];
  const units: OutValue[][] = [
    ['序号', '任务编号', '任务名称', '装备代码', '装备名称', '资产编号', '型号', '车牌号', '调出单位编码', '调出单位', '距离(km)', '归还日期', '归还里程(km)', '损坏情况'],
    ...plan.assignments.map((a, i) => [
      i + 1, a.taskCode, a.taskName, a.itemCode, a.itemName, a.assetTag, a.model, a.plateNumber, a.fromCode, a.fromName, a.km, d(a.returnedAt), a.returnOdometerKm, a.damageNote,
    ]),
  ];
  const unmet: OutValue[][] = [
    ['任务编号', '任务名称', '装备代码', '装备名称', '缺口数量', '原因', '说明'],
    ...plan.unmetRows.map((u) => [u.taskCode, u.taskName, u.itemCode, u.itemName, u.quantity, UNMET_REASONS[u.reason], u.detail]),
  ];
  const header: OutValue[][] = [
    ['调度单编号', plan.code], ['状态', PLAN_STATUS_WORDS[plan.status]], ['编制人', plan.createdBy], ['编制时间', formatInstant(plan.createdAt, timeZone).slice(0, 16)],
    ['批准人', plan.approvedBy], ['批准文号', plan.approvalRef], ['调出装备(台次)', plan.units], ['未满足需求(件)', plan.unmet],
    ['总里程(km)', plan.assignments.reduce((s, a) => s + a.km, 0)], ['求解状态', plan.solverStatus], ['留守比例', plan.reserveRatio],
  ];
  return exportFile(`调度单-${plan.code}`, [
    { name: '调度单', rows: header, widths: [16, 40] },
    { name: '任务', rows: tasks, widths: [14, 28, 10, 36, 12, 12, 8, 40] },
    { name: '调出装备', rows: units, widths: [6, 14, 24, 8, 24, 20, 22, 12, 12, 36, 10, 12, 12, 30] },
    { name: '未满足需求', rows: unmet, widths: [14, 24, 8, 24, 10, 36, 70] },
  ], format, CSV_SHAPES['plans/export']);
}
