import { isIsoDate, type IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { DEFAULT_RULE_SET } from '../../quotas/catalog';
import { measure, quotaRows, rollUp, subtreeCodes, type QuotaMatrix, type QuotaRow } from '../../quotas/engine';
import { compareEditions } from '../../quotas/compare';
import { loadTerms } from '../../db/queries/budget';
import type { Tx } from '../../db/store';
import { listAgencies } from '../../db/queries/agencies';
import { holdingsAsOf } from '../../db/queries/holdings';
import { loadCatalog, loadRuleSet } from '../../db/queries/reference';
import type { CompareInput, EditionComparisonResult, quotaOps } from '../../api/quotas';
import type { HandlersFor } from './handler';
import { readScope } from '../scope';

export interface ShortfallInput {
  ruleSet?: string;
  /** Only this agency's rows (with `rollup`, its subtree's sums). */
  agency?: string;
  rollup?: boolean;
  /** Reference date for calibration validity; defaults to today. */
  date?: IsoDate;
  /** The caller's scope (null: the whole ledger): without `agency`, the rows of every agency in it. */
  within?: { codes: ReadonlySet<string> } | null;
}

export interface ShortfallResult {
  ruleSet: string;
  date: IsoDate;
  rows: QuotaRow[];
}

/**
 * Every agency measured at its own level against a rule set, as of a date (calibrations valid then).
 * Holdings are counted only where a reader can look: the subtree of `agency` when one is asked for,
 * else the caller's scope (`within`), else the whole ledger; every other agency's cells hold nothing.
 * Read it on one snapshot (`store.read`): the rule set, the agencies and the holdings must agree.
 */
export async function measureAll(tx: Tx, input: { ruleSet?: string; agency?: string; date?: IsoDate; within?: { codes: ReadonlySet<string> } | null }, today: IsoDate) {
  const ruleSetId = input.ruleSet ?? DEFAULT_RULE_SET;
  const date = input.date ?? today;
  if (!isIsoDate(date)) throw new UserError([{ field: 'date', message: `日期「${date}」无效,应为 YYYY-MM-DD` }]);
  const ruleSet = await loadRuleSet(tx, ruleSetId);
  if (!ruleSet) throw new UserError([{ field: 'rules', message: `未知的配备标准「${ruleSetId}」` }]);
  const agencies = await listAgencies(tx);
  if (input.agency !== undefined && !agencies.some((a) => a.code === input.agency)) {
    throw new UserError([{ field: 'agency', message: `机构「${input.agency}」不存在` }]);
  }
  const catalog = await loadCatalog(tx);
  const counted = input.agency !== undefined ? subtreeCodes(agencies, input.agency) : (input.within?.codes ?? null);
  const only = counted === null || counted.size >= agencies.length ? null : agencies.filter((a) => counted.has(a.code)).map((a) => a.id);
  const holdings = await holdingsAsOf(tx, date, agencies, catalog, only);
  return { ruleSet, date, agencies, only, matrix: measure(agencies, catalog, ruleSet, holdings), catalog, holdings };
}

/** The rows a reader asked for: the agency's (or, with `within`, those in the caller's scope), alone or rolled up. */
function rowsOf(matrix: QuotaMatrix, input: { agency?: string; within?: { codes: ReadonlySet<string> } | null }, rollup: boolean): QuotaRow[] {
  const within = input.agency === undefined ? input.within?.codes : undefined;
  const rows = quotaRows(rollup ? rollUp(matrix) : matrix, input.agency);
  return within ? rows.filter((r) => within.has(r.agency)) : rows;
}

/** Every agency x catalog item against a rule set, measured once; `view` gives the rows alone or rolled up over subtrees. */
export async function measureShortfall(tx: Tx, input: Omit<ShortfallInput, 'rollup'>, today: IsoDate): Promise<{ ruleSet: string; date: IsoDate; view: (rollup: boolean) => QuotaRow[] }> {
  const { ruleSet, date, matrix } = await measureAll(tx, input, today);
  return { ruleSet: ruleSet.id, date, view: (rollup) => rowsOf(matrix, input, rollup) };
}

/** Every agency x catalog item against a rule set, optionally rolled up over subtrees. */
export async function shortfall(tx: Tx, input: ShortfallInput, today: IsoDate): Promise<ShortfallResult> {
  const m = await measureShortfall(tx, input, today);
  return { ruleSet: m.ruleSet, date: m.date, rows: m.view(!!input.rollup) };
}

/**
 * Two editions of the standard measured on the same holdings (one snapshot), each agency at its own level:
 * where the requirement changes, the shortfall under each and what meeting the other costs more or less.
 */
export async function compareRuleSets(tx: Tx, input: CompareInput & { within?: { codes: ReadonlySet<string> } | null }, today: IsoDate): Promise<EditionComparisonResult> {
  if (input.base === input.other) throw new UserError([{ field: 'other', message: '请选择另一个配备标准进行对比' }]);
  const other = await loadRuleSet(tx, input.other);
  if (!other) throw new UserError([{ field: 'other', message: `未知的配备标准「${input.other}」` }]);
  const m = await measureAll(tx, { ...input, ruleSet: input.base }, today);
  const terms = await loadTerms(tx);
  const compared = compareEditions(rowsOf(m.matrix, input, false), rowsOf(measure(m.agencies, m.catalog, other, m.holdings), input, false),
    (item) => terms.get(item)?.unitPriceFen ?? 0);
  const names = new Map(m.catalog.map((c) => [c.code, c.name]));
  const unpriced = [...new Set(compared.changes.filter((c) => c.shortfallBase !== c.shortfallOther && !terms.get(c.item)?.unitPriceFen).map((c) => c.item))]
    .map((item) => ({ item, name: names.get(item)! }));
  return { base: { id: m.ruleSet.id, name: m.ruleSet.name }, other: { id: other.id, name: other.name }, date: m.date, unpriced, ...compared };
}

/** Shortfall within the caller's scope, read on one snapshot. */
export const quotaHandlers: HandlersFor<typeof quotaOps> = {
  'quotas/shortfall': (ctx, input) => {
    const scoped = { ...input, ...readScope(ctx, input.agency) };
    return ctx.store.read((tx) => shortfall(tx, scoped, ctx.today()));
  },
  'quotas/compare': (ctx, input) => ctx.store.read((tx) => compareRuleSets(tx, { ...input, ...readScope(ctx, input.agency) }, ctx.today())),
};
