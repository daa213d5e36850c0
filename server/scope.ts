import { UserError } from '../lib/problems';
import type { Context } from './context';
import { planLeads } from '../db/queries/plans';

const FORBIDDEN = (code: string) => `机构「${code}」不在您的管辖范围内`;

const cache = new WeakMap<Context, Set<string> | null>();

/** The codes of the agencies the caller may see and change; null: the whole ledger. */
export function scopeCodes(ctx: Context): Set<string> | null {
  if (cache.has(ctx)) return cache.get(ctx)!;
  const root = ctx.user?.agencyCode ?? null;
  const codes = root === null ? null : new Set(ctx.db.$client.prepare(
    `with recursive sub(id, code) as (select id, code from agencies where code = ?
       union all select x.id, x.code from agencies x join sub on x.parent_id = sub.id) select code from sub`,
  ).pluck().all(root) as string[]);
  cache.set(ctx, codes);
  return codes;
}

export function inScope(ctx: Context, code: string): boolean {
  const codes = scopeCodes(ctx);
  return codes === null || codes.has(code);
}

export function requireAgency(ctx: Context, code: string, field = 'agencyCode'): void {
  if (!inScope(ctx, code)) throw new UserError([{ field, message: FORBIDDEN(code) }]);
}

/** The agency a read is limited to: the one asked for (when in scope), else the caller's own root. */
export function scopedAgency(ctx: Context, requested: string | undefined): string | undefined {
  if (requested !== undefined) {
    requireAgency(ctx, requested, 'agency');
    return requested;
  }
  return ctx.user?.agencyCode ?? undefined;
}

/** Refuses when any of the assets belongs to an agency outside the caller's scope. */
export function requireAssets(ctx: Context, ids: readonly number[]): void {
  if (scopeCodes(ctx) === null) return;
  const codes = ctx.db.$client.prepare(
    `select distinct a.code from assets s join agencies a on a.id = s.agency_id where s.id in (select value from json_each(?))`,
  ).pluck().all(JSON.stringify(ids)) as string[];
  for (const code of codes) requireAgency(ctx, code, 'assetId');
}

export function requireDisposal(ctx: Context, id: number): void {
  const assetId = ctx.db.$client.prepare('select asset_id from disposals where id = ?').pluck().get(id) as number | undefined;
  if (assetId !== undefined) requireAssets(ctx, [assetId]);
}

/** Refuses when any task of the plan is led from outside the caller's scope. */
export function requirePlan(ctx: Context, id: number): void {
  if (scopeCodes(ctx) === null) return;
  for (const code of planLeads(ctx.db, id).get(id) ?? []) requireAgency(ctx, code, 'id');
}
