import { isIsoDate, type IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { DEFAULT_RULE_SET } from '../../quotas/catalog';
import { measure, quotaRows, rollUp, type QuotaRow } from '../../quotas/engine';
import type { Db } from '../../db/types';
import { listAgenciesSync } from '../../db/queries/agencies';
import { holdingsAsOf } from '../../db/queries/holdings';
import { loadCatalogSync, loadRuleSetSync } from '../../db/queries/reference';
import type { quotaOps } from '../../api/quotas';
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

/** Every agency measured at its own level against a rule set, as of a date (calibrations valid then). */
export function measureAll(db: Db, input: { ruleSet?: string; agency?: string; date?: IsoDate }, today: IsoDate) {
  const ruleSetId = input.ruleSet ?? DEFAULT_RULE_SET;
  const date = input.date ?? today;
  if (!isIsoDate(date)) throw new UserError([{ field: 'date', message: `日期「${date}」无效,应为 YYYY-MM-DD` }]);
  const ruleSet = loadRuleSetSync(db, ruleSetId);
  if (!ruleSet) throw new UserError([{ field: 'rules', message: `未知的配备标准「${ruleSetId}」` }]);
  const agencies = listAgenciesSync(db);
  if (input.agency !== undefined && !agencies.some((a) => a.code === input.agency)) {
    throw new UserError([{ field: 'agency', message: `机构「${input.agency}」不存在` }]);
  }
  const catalog = loadCatalogSync(db);
  return { ruleSet, date, agencies, matrix: measure(agencies, catalog, ruleSet, holdingsAsOf(db, date, agencies, catalog)) };
}

/** Every agency x catalog item against a rule set, measured once; `view` gives the rows alone or rolled up over subtrees. */
export function measureShortfall(db: Db, input: Omit<ShortfallInput, 'rollup'>, today: IsoDate): { ruleSet: string; date: IsoDate; view: (rollup: boolean) => QuotaRow[] } {
  const { ruleSet, date, matrix } = measureAll(db, input, today);
  const within = input.agency === undefined ? input.within?.codes : undefined;
  return {
    ruleSet: ruleSet.id, date,
    view: (rollup) => {
      const rows = quotaRows(rollup ? rollUp(matrix) : matrix, input.agency);
      return within ? rows.filter((r) => within.has(r.agency)) : rows;
    },
  };
}

/** Every agency x catalog item against a rule set, optionally rolled up over subtrees. */
export function shortfall(db: Db, input: ShortfallInput, today: IsoDate): ShortfallResult {
  const m = measureShortfall(db, input, today);
  return { ruleSet: m.ruleSet, date: m.date, rows: m.view(!!input.rollup) };
}

/** Shortfall within the caller's scope. */
export const quotaHandlers: HandlersFor<typeof quotaOps> = {
  'quotas/shortfall': (ctx, input) => shortfall(ctx.db, { ...input, ...readScope(ctx, input.agency) }, ctx.today()),
};
