import { addDays, type IsoDate } from '../lib/dates';
import { greatCircleKm } from './geo';
import { solveLp } from '../lib/solver';
import { UNMET_REASONS, type UnmetReason } from '../lib/domain/dispatch';

/** A key enforcement task as the planner sees it: where, when, how urgent, and what it needs. */
export interface PlanTask {
  id: string;
  start: IsoDate;
  end: IsoDate;
  /** 1 (low) to 5 (high): weights the penalty for each unit left unmet. */
  priority: number;
  lat: number;
  lon: number;
  /** Units needed per catalog item. */
  demand: Record<string, number>;
}

export interface SourceAgency {
  code: string;
  /** Where units leave from; an agency without coordinates cannot send any. */
  lat: number | null;
  lon: number | null;
  /** Units per item that must stay at home, usable, during any task. */
  reserve: Record<string, number>;
}

export interface Interval {
  start: IsoDate;
  end: IsoDate;
}

/** Every unit of a demanded item that is not scrapped, with what already binds it. */
export interface CandidateAsset {
  id: number;
  tag: string;
  agency: string;
  item: string;
  status: 'in_service' | 'under_repair' | 'idle';
  needsCalibration: boolean;
  calibrationValidUntil: IsoDate | null;
  odometerKm: number | null;
  /** Dates it is committed to tasks of approved plans. */
  commitments: Interval[];
}

export interface PlanInput {
  tasks: PlanTask[];
  agencies: SourceAgency[];
  assets: CandidateAsset[];
}

export interface Assignment {
  task: string;
  assetId: number;
  asset: string;
  from: string;
  item: string;
  km: number;
}

export interface Unmet {
  task: string;
  item: string;
  quantity: number;
  reason: UnmetReason;
  /** The units of the item in reach and why each could not go, in words. */
  detail: string;
}

export interface PlanOutcome {
  /** The solver's status in lower case: optimal, infeasible, time_limit_reached, ... */
  status: string;
  objective: number;
  assignments: Assignment[];
  unmet: Unmet[];
  model: { variables: number; constraints: number };
}

/** The cost of leaving one unit unmet, per priority point: far above any distance on Earth (at most ~20,000 km). */
export const UNMET_PENALTY_KM = 100_000;

const overlaps = (a: Interval, b: Interval) => a.start <= b.end && b.start <= a.end;
const covers = (a: Interval, day: IsoDate) => a.start <= day && day <= a.end;
const usableStatus = (a: CandidateAsset) => a.status === 'in_service' || a.status === 'idle';
const calibratedThrough = (a: CandidateAsset, day: IsoDate) => !a.needsCalibration || (a.calibrationValidUntil !== null && a.calibrationValidUntil >= day);

/** Whether the unit could serve the task: usable, calibrated through its last day, free on its dates. */
function eligible(a: CandidateAsset, t: Interval): boolean {
  return usableStatus(a) && calibratedThrough(a, t.end) && !a.commitments.some((c) => overlaps(c, t));
}

/** Whether the unit is at home and usable on a day (the reserve counts these). */
function usableAtHome(a: CandidateAsset, day: IsoDate): boolean {
  return usableStatus(a) && calibratedThrough(a, day) && !a.commitments.some((c) => covers(c, day));
}

/** Units of one item held by one agency whose eligibility across the plan's tasks is the same. */
interface AssetClass {
  agency: SourceAgency;
  item: string;
  assets: CandidateAsset[];
  tasks: PlanTask[];
}

interface Variable {
  name: string;
  cls: AssetClass;
  task: PlanTask;
  km: number;
  upper: number;
}

/** Newest calibration first, then the lowest odometer, then the tag. */
function preference(a: CandidateAsset, b: CandidateAsset): number {
  const ca = a.calibrationValidUntil ?? '';
  const cb = b.calibrationValidUntil ?? '';
  if (ca !== cb) return ca < cb ? 1 : -1;
  const oa = a.odometerKm ?? Number.MAX_SAFE_INTEGER;
  const ob = b.odometerKm ?? Number.MAX_SAFE_INTEGER;
  if (oa !== ob) return oa - ob;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

const byStart = (a: PlanTask, b: PlanTask) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Rows `sum(vars) <= rhs`, one per distinct set of variables, keeping the tightest bound. */
class Rows {
  private readonly rows = new Map<string, { vars: Variable[]; rhs: number }>();
  add(vars: Variable[], rhs: number): void {
    if (vars.length === 0) return;
    const key = vars.map((v) => v.name).join(' ');
    const old = this.rows.get(key);
    if (!old || rhs < old.rhs) this.rows.set(key, { vars, rhs });
  }
  values() {
    return this.rows.values();
  }
}

/**
 * Builds the mixed-integer model: one integer flow per (source agency x item x class of equally
 * eligible units x task). Each class cannot send more units than it has to tasks that are under
 * way on the same day (tasks that do not overlap may reuse a unit), and on any day of a task each
 * agency keeps its reserve of usable units at home. Every demand line is met by flows or by a
 * penalised shortfall.
 */
function buildModel(input: PlanInput, tasks: PlanTask[]) {
  const agencies = new Map(input.agencies.map((a) => [a.code, a]));
  const groups = new Map<string, CandidateAsset[]>();
  for (const a of input.assets) {
    const key = `${a.agency}\u0000${a.item}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(a);
  }
  const variables: Variable[] = [];
  const rows = new Rows();
  for (const group of groups.values()) {
    const agency = agencies.get(group[0].agency);
    const item = group[0].item;
    if (!agency || agency.lat === null || agency.lon === null) continue;
    const wanting = tasks.filter((t) => (t.demand[item] ?? 0) > 0);
    if (wanting.length === 0) continue;
    const classes = new Map<string, AssetClass>();
    for (const a of group) {
      const fits = wanting.filter((t) => eligible(a, t));
      if (fits.length === 0) continue;
      const key = fits.map((t) => t.id).join('\u0000');
      let cls = classes.get(key);
      if (!cls) classes.set(key, (cls = { agency, item, assets: [], tasks: fits }));
      cls.assets.push(a);
    }
    const groupVars: Variable[] = [];
    for (const cls of classes.values()) {
      const vars = cls.tasks.map((task) => {
        const v: Variable = {
          name: `x${variables.length}`, cls, task, upper: Math.min(cls.assets.length, task.demand[item]),
          km: greatCircleKm(agency.lat!, agency.lon!, task.lat, task.lon),
        };
        variables.push(v);
        return v;
      });
      groupVars.push(...vars);
      // Tasks overlap in time exactly when they are all under way at the later one's start.
      for (const t of cls.tasks) {
        const active = vars.filter((v) => covers(v.task, t.start));
        if (active.length > 1) rows.add(active, cls.assets.length);
      }
    }
    const reserve = agency.reserve[item] ?? 0;
    if (reserve > 0 && groupVars.length > 0) {
      // Home stock changes when a task starts, a commitment starts, or a calibration lapses.
      const days = new Set(wanting.map((t) => t.start));
      for (const a of group) {
        for (const c of a.commitments) days.add(c.start);
        if (a.needsCalibration && a.calibrationValidUntil) days.add(addDays(a.calibrationValidUntil, 1));
      }
      for (const day of days) {
        const active = groupVars.filter((v) => covers(v.task, day));
        if (active.length === 0) continue;
        const home = group.filter((a) => usableAtHome(a, day)).length;
        rows.add(active, Math.max(0, home - reserve));
      }
    }
  }
  return { variables, rows };
}

function modelText(tasks: PlanTask[], variables: Variable[], rows: Rows): { lp: string; constraints: number; shortfalls: Map<string, string> } {
  const objective: string[] = [];
  const constraints: string[] = [];
  const shortfalls = new Map<string, string>();
  const byDemand = new Map<string, Variable[]>();
  for (const v of variables) {
    objective.push(`+ ${v.km.toFixed(4)} ${v.name}`);
    const key = `${v.task.id}\u0000${v.cls.item}`;
    let list = byDemand.get(key);
    if (!list) byDemand.set(key, (list = []));
    list.push(v);
  }
  for (const t of tasks) {
    for (const [item, quantity] of Object.entries(t.demand)) {
      if (quantity <= 0) continue;
      const u = `u${shortfalls.size}`;
      shortfalls.set(`${t.id}\u0000${item}`, u);
      objective.push(`+ ${UNMET_PENALTY_KM * t.priority} ${u}`);
      const flows = (byDemand.get(`${t.id}\u0000${item}`) ?? []).map((v) => `+ ${v.name}`);
      constraints.push(` d${constraints.length}: ${[...flows, `+ ${u}`].join(' ')} = ${quantity}`);
    }
  }
  for (const r of rows.values()) constraints.push(` c${constraints.length}: ${r.vars.map((v) => `+ ${v.name}`).join(' ')} <= ${r.rhs}`);
  const lines = ['Minimize', ` obj: ${objective.join('\n ')}`, 'Subject To', ...constraints, 'Bounds', ...variables.map((v) => ` 0 <= ${v.name} <= ${v.upper}`)];
  if (variables.length > 0) lines.push('General', ...chunk(variables.map((v) => v.name), 20).map((c) => ` ${c.join(' ')}`));
  lines.push('End');
  return { lp: lines.join('\n'), constraints: constraints.length, shortfalls };
}

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * Turns each class's flows into units: tasks in order of start, each taking the most preferred
 * units not out on an overlapping task. The model's per-day limits guarantee enough are free.
 */
function assignUnits(variables: Variable[], flow: (v: Variable) => number): Assignment[] {
  const byClass = new Map<AssetClass, Variable[]>();
  for (const v of variables) {
    if (flow(v) <= 0) continue;
    let list = byClass.get(v.cls);
    if (!list) byClass.set(v.cls, (list = []));
    list.push(v);
  }
  const out: Assignment[] = [];
  for (const [cls, vars] of byClass) {
    const units = [...cls.assets].sort(preference);
    const busy = new Map<number, PlanTask[]>();
    for (const v of [...vars].sort((a, b) => byStart(a.task, b.task))) {
      let need = flow(v);
      for (const unit of units) {
        if (need === 0) break;
        const taken = busy.get(unit.id) ?? [];
        if (taken.some((t) => overlaps(t, v.task))) continue;
        busy.set(unit.id, [...taken, v.task]);
        out.push({ task: v.task.id, assetId: unit.id, asset: unit.tag, from: cls.agency.code, item: cls.item, km: Math.round(v.km * 10) / 10 });
        need--;
      }
      if (need > 0) throw new Error(`dispatch: class of ${cls.item} at ${cls.agency.code} ran out of units`);
    }
  }
  return out.sort((a, b) => (a.task === b.task ? (a.item === b.item ? a.km - b.km || (a.asset < b.asset ? -1 : 1) : a.item < b.item ? -1 : 1) : a.task < b.task ? -1 : 1));
}

/** Why a task got fewer units of an item than it asked for, from what became of every unit in reach. */
function explain(
  input: PlanInput, located: ReadonlySet<string>, task: PlanTask, item: string, quantity: number, assignments: Assignment[], tasks: Map<string, PlanTask>,
): Unmet {
  const here = new Set(assignments.filter((a) => a.task === task.id && a.item === item).map((a) => a.assetId));
  const elsewhere = new Set(assignments.filter((a) => a.item === item && a.task !== task.id && overlaps(tasks.get(a.task)!, task)).map((a) => a.assetId));
  const units = input.assets.filter((a) => a.item === item && !here.has(a.id));
  let unusable = 0;
  let committed = 0;
  let reserved = 0;
  for (const a of units) {
    if (!usableStatus(a) || !calibratedThrough(a, task.end) || !located.has(a.agency)) unusable++;
    else if (elsewhere.has(a.id) || a.commitments.some((c) => overlaps(c, task))) committed++;
    else reserved++;
  }
  const total = units.length + here.size;
  const reason: UnmetReason = total === 0 ? 'none' : reserved > 0 ? 'reserve' : committed > 0 ? 'committed' : 'unusable';
  const detail = total === 0
    ? UNMET_REASONS.none
    : `可调度范围内共 ${total} 件:本任务已派 ${here.size} 件,维修/过检/无坐标 ${unusable} 件,已承诺重叠任务 ${committed} 件,留守 ${reserved} 件`;
  return { task: task.id, item, quantity, reason, detail };
}

/**
 * Plans one or several tasks together: minimises the kilometres travelled by the units sent plus
 * a priority-weighted penalty for each unit of demand left unmet, solved to proven optimality by HiGHS.
 */
export async function planDispatch(input: PlanInput): Promise<PlanOutcome> {
  const tasks = [...input.tasks].sort(byStart);
  const { variables, rows } = buildModel(input, tasks);
  const { lp, constraints, shortfalls } = modelText(tasks, variables, rows);
  const model = { variables: variables.length + shortfalls.size, constraints };
  if (shortfalls.size === 0) return { status: 'optimal', objective: 0, assignments: [], unmet: [], model };
  const solution = await solveLp(lp);
  const status = solution.status.toLowerCase().replace(/\s+/g, '_');
  if (status !== 'optimal') return { status, objective: solution.objective, assignments: [], unmet: [], model };
  const flow = (v: Variable) => Math.round(solution.values(v.name));
  const assignments = assignUnits(variables, flow);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const located = new Set(input.agencies.filter((a) => a.lat !== null && a.lon !== null).map((a) => a.code));
  const unmet: Unmet[] = [];
  for (const t of tasks) {
    for (const [item, wanted] of Object.entries(t.demand)) {
      if (wanted <= 0) continue;
      const sent = assignments.filter((a) => a.task === t.id && a.item === item).length;
      if (sent < wanted) unmet.push(explain(input, located, t, item, wanted - sent, assignments, byId));
    }
  }
  return { status, objective: Math.round(solution.objective * 10) / 10, assignments, unmet, model };
}
