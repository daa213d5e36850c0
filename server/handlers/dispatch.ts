import type { DispatchSettings, PlanDetail, TaskRow } from '../../api/contract';
import { teamDemand } from '../../dispatch/demand';
import { planDispatch, type PlanInput, type PlanOutcome, type PlanTask, type SourceAgency } from '../../dispatch/plan';
import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { DEFAULT_RULE_SET } from '../../quotas/catalog';
import { indexRules, required } from '../../quotas/engine';
import type { Store, Tx } from '../../db/store';
import type { Actor } from '../../db/queries/audit';
import { agencyByCode, listAgencies } from '../../db/queries/agencies';
import { commitments, dispatchCandidates, dispatchCounts, planDetail, storeDraftPlan } from '../../db/queries/plans';
import { loadCatalog, loadRuleSet } from '../../db/queries/reference';
import { dispatchSettings, saveDispatchSettings, tasksByIds } from '../../db/queries/tasks';
import type { dispatchOps } from '../../api/dispatch';
import type { HandlersFor } from './handler';
import { inScope } from '../scope';

type Agency = Awaited<ReturnType<typeof listAgencies>>[number];

async function rules(tx: Tx) {
  return indexRules((await loadRuleSet(tx, DEFAULT_RULE_SET))!);
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

export async function teamDemandFor(tx: Tx, leadAgency: string, teamSize: number): Promise<Record<string, number>> {
  const lead = await agencyByCode(tx, leadAgency);
  if (!lead) throw new UserError([{ field: 'leadAgency', message: `机构「${leadAgency}」不存在` }]);
  return teamDemand(teamSize, lead.level, await rules(tx));
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
 * What the planner is given for tasks planned together against the units of the source agencies (the caller's
 * scope): each agency keeps ceil(ratio x its own requirement) of every basic item at home, and the settings'
 * count of optional ones. Reads only; the solving is done on the plain data outside any transaction.
 */
export async function plannerInput(tx: Tx, tasks: readonly TaskRow[], sources: ReadonlySet<string> | null, settings: DispatchSettings, today: IsoDate): Promise<PlanInput> {
  const all = await listAgencies(tx);
  const where = positions(all);
  const input = planTasks(tasks, where);
  const items = [...new Set(input.flatMap((t) => Object.keys(t.demand)))];
  const kinds = new Map((await loadCatalog(tx)).map((c) => [c.code, c.kind]));
  const index = await rules(tx);
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
  const assets = (await dispatchCandidates(tx, items, today)).filter((a) => inReach.has(a.agency));
  return { tasks: input, agencies, assets };
}

/** Reads the planner's input on one snapshot and solves it (the bench's measure of planning end to end). */
export async function solvePlan(store: Store, tasks: readonly TaskRow[], sources: ReadonlySet<string> | null, settings: DispatchSettings, today: IsoDate): Promise<PlanOutcome> {
  return planDispatch(await store.read((tx) => plannerInput(tx, tasks, sources, settings, today)));
}

/**
 * Solves the tasks and stores the result as a draft plan: the tasks and units are read on one snapshot, the
 * model solved outside any transaction (so no writer waits on the solver), and the draft written in its own
 * write, which checks the tasks again. `admit` refuses a task the caller may not plan.
 */
export async function createPlan(
  store: Store, who: Actor, taskIds: readonly number[], sources: ReadonlySet<string> | null, today: IsoDate, reserveRatio?: number,
  admit: (task: TaskRow) => void = () => undefined,
): Promise<PlanDetail> {
  const { settings, input } = await store.read(async (tx) => {
    const tasks = await tasksByIds(tx, taskIds);
    const missing = taskIds.find((id) => !tasks.some((t) => t.id === id));
    if (missing !== undefined) throw new UserError([{ field: 'taskIds', message: `任务 #${missing} 不存在` }]);
    tasks.forEach(admit);
    const held = tasks.find((t) => t.livePlan);
    if (held) throw new UserError([{ field: held.code, message: `任务「${held.code}」已由方案「${held.livePlan!.code}」调度;请先取消该方案` }]);
    const stored = await dispatchSettings(tx);
    const settings = reserveRatio === undefined ? stored : { ...stored, reserveRatio };
    return { settings, input: await plannerInput(tx, tasks, sources, settings, today) };
  });
  const outcome = await planDispatch(input);
  if (outcome.status !== 'optimal') throw new UserError([{ message: `求解器未得到最优方案(状态:${outcome.status}),请减少同时规划的任务后重试` }]);
  return store.write(async (tx) => planDetail(tx, await storeDraftPlan(tx, who, taskIds, settings.reserveRatio, outcome)));
}

/** The reserve (ledger-wide), and commitments and counts of units within the caller's scope. */
export const dispatchHandlers: HandlersFor<typeof dispatchOps> = {
  'dispatch/settings': (ctx) => dispatchSettings(ctx.store),
  'dispatch/saveSettings': (ctx, input) => ctx.store.write((tx) => saveDispatchSettings(tx, ctx.who(), input)),
  'dispatch/timeline': async (ctx, { from, to }) => (await commitments(ctx.store, from, to)).filter((c) => inScope(ctx, c.agencyCode)),
  'dispatch/counts': async (ctx, { from, to }) => (await dispatchCounts(ctx.store, from, to)).filter((c) => inScope(ctx, c.agencyCode)),
};
