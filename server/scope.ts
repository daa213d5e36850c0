import { UserError } from '../lib/problems';
import type { Context } from './context';
import type { Tx } from '../db/store';
import { subtreeOf } from '../db/queries/agencies';
import { agenciesOfAssets } from '../db/queries/assets';
import { planAgencies } from '../db/queries/plans';
import { disposalAssetId } from '../db/queries/disposals';
import { assetIdOfTag, findBlankLabel } from '../db/queries/labels';

const FORBIDDEN = (code: string) => `机构「${code}」不在您的管辖范围内`;

const loaded = new WeakMap<Context, Set<string> | null>();

/** Reads the caller's scope from the ledger, once per call, before its handler runs (the dispatcher does). */
export async function loadScope(ctx: Context): Promise<void> {
  if (loaded.has(ctx)) return;
  const root = scopeRoot(ctx);
  loaded.set(ctx, root === null ? null : new Set(await subtreeOf(ctx.store, root)));
}

/** The codes of the agencies the caller may see and change; null: the whole ledger. */
export function scopeCodes(ctx: Context): Set<string> | null {
  if (!loaded.has(ctx)) throw new Error('scope not loaded: call loadScope (the dispatcher does) before the handler');
  return loaded.get(ctx)!;
}

/** The agency whose subtree the caller works in; null: the whole ledger. */
export function scopeRoot(ctx: Context): string | null {
  return ctx.user?.agencyCode ?? null;
}

export function inScope(ctx: Context, code: string): boolean {
  const codes = scopeCodes(ctx);
  return codes === null || codes.has(code);
}

export function requireAgency(ctx: Context, code: string, field = 'agencyCode'): void {
  if (!inScope(ctx, code)) throw new UserError([{ field, message: FORBIDDEN(code) }]);
}

/**
 * The agency a read is limited to where an agency stands for its whole subtree (the ledger, the
 * overview, the charts): the one asked for (when in scope), else the caller's own root, whose
 * subtree is their scope; undefined: the whole ledger. Where an agency stands for itself alone
 * (the quota matrix, a rolled-up budget), use `readScope`.
 */
export function scopedAgency(ctx: Context, requested: string | undefined): string | undefined {
  if (requested !== undefined) {
    requireAgency(ctx, requested, 'agency');
    return requested;
  }
  return scopeRoot(ctx) ?? undefined;
}

/** The caller's scope as a read sees it: its root and every agency of its subtree; null: the whole ledger. */
export interface Within {
  root: string;
  codes: ReadonlySet<string>;
}

/**
 * What a read of rows per agency covers: the agency asked for (when in scope), else every agency
 * of the caller's scope, as an unscoped read without an agency covers every agency of the ledger.
 */
export function readScope(ctx: Context, requested: string | undefined): { agency: string | undefined; within: Within | null } {
  if (requested !== undefined) requireAgency(ctx, requested, 'agency');
  const root = scopeRoot(ctx);
  return { agency: requested, within: root === null ? null : { root, codes: scopeCodes(ctx)! } };
}

/** Refuses when any of the assets belongs to an agency outside the caller's scope. */
export async function requireAssets(ctx: Context, tx: Tx, ids: readonly number[]): Promise<void> {
  if (scopeCodes(ctx) === null) return;
  for (const code of await agenciesOfAssets(tx, ids)) requireAgency(ctx, code, 'assetId');
}

/** Said alike of a tag or label the ledger lacks and of one outside the caller's scope, so that no one probes another agency's. */
export const NOT_IN_SCOPE = '您管辖范围内没有';

/** The asset a tag names, when it is in the caller's scope. */
export async function assetOfTag(ctx: Context, tx: Tx, tag: string, field = 'tag'): Promise<number> {
  const id = await assetIdOfTag(tx, tag);
  if (id !== undefined && (scopeCodes(ctx) === null || (await agenciesOfAssets(tx, [id])).every((code) => inScope(ctx, code)))) return id;
  throw new UserError([{ field, message: `${NOT_IN_SCOPE}装备编号 ${tag}` }]);
}

/** Refuses a blank label the ledger lacks or printed for an agency outside the caller's scope, alike. */
export async function requireLabel(ctx: Context, tx: Tx, code: string, field: string): Promise<void> {
  const label = await findBlankLabel(tx, code);
  if (!label || !inScope(ctx, label.agencyCode)) throw new UserError([{ field, message: `${NOT_IN_SCOPE}空白标签 ${code}` }]);
}

export async function requireDisposal(ctx: Context, tx: Tx, id: number): Promise<void> {
  const assetId = await disposalAssetId(tx, id);
  if (assetId !== undefined) await requireAssets(ctx, tx, [assetId]);
}

/**
 * Reading a plan needs every task of it led from within the caller's scope; changing it (approve,
 * dispatch, return, cancel) needs also every agency its units come from: a county dispatcher reads
 * the plan a province dispatcher made for the county's task, but moving another county's units is
 * for someone whose scope holds that county.
 */
export async function requirePlan(ctx: Context, tx: Tx, id: number, use: 'read' | 'change' = 'read'): Promise<void> {
  if (scopeCodes(ctx) === null) return;
  planScope(ctx, await planAgencies(tx, id), use);
}

function planScope(ctx: Context, { leads, sources }: { leads: string[]; sources: string[] }, use: 'read' | 'change'): void {
  for (const code of leads) requireAgency(ctx, code, 'id');
  if (use === 'read') return;
  const outside = sources.filter((code) => !inScope(ctx, code));
  if (outside.length) {
    throw new UserError([{ field: 'id', message: `方案调用了${outside.map((c) => `机构「${c}」`).join('、')}的装备,不在您的管辖范围内;请由管辖这些机构的用户办理` }]);
  }
}
