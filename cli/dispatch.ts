import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { isoDate, type PlanDetail, type TaskFields, type TaskRow } from '../api/contract';
import { itemCode } from '../lib/domain/values';
import { UNMET_REASONS } from '../lib/domain/dispatch';
import { UserError } from '../lib/problems';
import type { Context } from '../server/context';
import { call } from '../server/local';

/** One task of a `--tasks` file, as the issue documents it; name and type are optional extras. */
const TASK_FILE = z.array(
  z.object({
    id: z.string().trim().min(1).max(50),
    name: z.string().trim().min(1).max(100).optional(),
    type: z.enum(['special', 'cross', 'assist', 'emergency']).optional(),
    lead: z.string().trim().min(1).max(50),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    start: isoDate,
    end: isoDate,
    priority: z.number().int().min(1).max(5).default(3),
    demand: z.record(itemCode, z.number().int().min(1).max(10_000)),
  }).strict(),
).min(1, '任务文件中没有任务').max(100);

function readTasks(path: string): z.infer<typeof TASK_FILE> {
  const file = basename(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError([{ file, message: code ? `无法读取文件:${code}` : `不是有效的 JSON:${(e as Error).message}` }]);
  }
  const parsed = TASK_FILE.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(parsed.error.issues.map((i) => {
      const [index, ...field] = i.path;
      return typeof index === 'number'
        ? { file, field: `第 ${index + 1} 个任务 ${field.join('.')}`.trim(), message: i.message }
        : { file, message: i.message };
    }));
  }
  return parsed.data;
}

/** Stores the file's tasks (updating those with the same 任务编号) and plans them together as a draft. */
export async function planFromFile(ctx: Context, path: string, reserveRatio: number | undefined): Promise<PlanDetail> {
  const entries = readTasks(path);
  const existing = new Map((await call(ctx, 'tasks/list', {})).map((t) => [t.code, t]));
  const saved: TaskRow[] = [];
  for (const t of entries) {
    const fields: TaskFields = {
      code: t.id, name: t.name ?? t.id, type: t.type ?? 'special', leadAgency: t.lead, locationAgency: null,
      latitude: t.lat ?? null, longitude: t.lon ?? null, startDate: t.start, endDate: t.end, priority: t.priority, teamSize: null, notes: null,
      demand: Object.entries(t.demand).map(([item, quantity]) => ({ item, quantity })),
    };
    try {
      saved.push(await call(ctx, 'tasks/save', { id: existing.get(t.id)?.id ?? null, fields }));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(e.problems.map((p) => ({ ...p, file: basename(path), field: `任务 ${t.id} ${p.field?.replace(/^fields\./, '') ?? ''}`.trim() })));
    }
  }
  return call(ctx, 'plans/create', { taskIds: saved.map((t) => t.id), reserveRatio });
}

/** The plan in the documented JSON shape, with the stored plan's number to approve it by. */
export function planJson(plan: PlanDetail) {
  return {
    plan: plan.code,
    status: plan.solverStatus,
    objective: plan.objective,
    assignments: plan.assignments.map((a) => ({ task: a.taskCode, asset: a.assetTag, from: a.fromCode, item: a.itemCode, km: a.km })),
    unmet: plan.unmetRows.map((u) => ({ task: u.taskCode, item: u.itemCode, quantity: u.quantity, reason: u.reason, detail: u.detail })),
  };
}

export function planText(plan: PlanDetail): string {
  const lines = [`调度方案 ${plan.code}(草稿):${plan.units} 台次,未满足 ${plan.unmet} 件,目标值 ${plan.objective}(${plan.solverStatus})`];
  for (const a of plan.assignments) lines.push(`  ${a.taskCode}  ${a.itemCode} ${a.itemName}  ${a.assetTag}  ← ${a.fromCode} ${a.fromName}  ${a.km} km`);
  for (const u of plan.unmetRows) lines.push(`  未满足 ${u.taskCode}  ${u.itemCode} ×${u.quantity}:${UNMET_REASONS[u.reason]}(${u.detail})`);
  lines.push(`批准:eql dispatch approve --db FILE --plan ${plan.code}`);
  return lines.join('\n');
}

/** Approves the draft plan with this 方案编号, among the plans the caller may read. */
export async function approveByCode(ctx: Context, code: string, ref: string | null): Promise<PlanDetail> {
  const plan = (await call(ctx, 'plans/list', {})).find((p) => p.code === code);
  if (!plan) throw new UserError([{ field: 'plan', message: `调度方案「${code}」不存在` }]);
  return call(ctx, 'plans/approve', { id: plan.id, approvalRef: ref });
}
