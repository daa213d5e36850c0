import { CSV_SHAPES, type BudgetInput, type BudgetResult, type BudgetRow, type ExportFormat, type FileOut, type PlanInput, type PurchasePlanResult, type TermsRow } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { solveLp } from '../../lib/solver';
import { budgetWorkbook, purchasePlanWorkbook, termsWorkbook } from '../../excel/exports/budget';
import { readTerms } from '../../excel/terms';
import type { Db } from '../../db/types';
import type { Actor } from '../../db/queries/audit';
import { agencyByCodeSync } from '../../db/queries/agencies';
import { liveUnits, loadTerms, saveTerms } from '../../db/queries/budget';
import { loadCatalogSync, ruleSetNameSync } from '../../db/queries/reference';
import { budgetLines, dueYears, needsByYear, type BudgetLine } from '../../quotas/budget';
import { cellValue, indexRules, subtreeCodes } from '../../quotas/engine';
import { decodePlan, planModel, type PlanNeed, type WeightGroup } from '../../quotas/plan';
import { VEHICLE_ITEMS, type ItemTerms } from '../../quotas/replacement';
import { measureAll } from './quotas';
import type { budgetOps } from '../../api/budget';
import type { HandlersFor } from './handler';
import { readScope, scopedAgency } from '../scope';

export function termsRows(db: Db): TermsRow[] {
  const terms = loadTerms(db);
  return loadCatalogSync(db).flatMap((c) => {
    const t = terms.get(c.code);
    return t ? [{ ...t, name: c.name, unit: c.unit, category: c.category, kind: c.kind }] : [];
  });
}

export function saveTermsChecked(db: Db, who: Actor, terms: readonly ItemTerms[]): { changed: number } {
  const known = loadTerms(db);
  const problems = terms.flatMap((t, i) => (known.has(t.item) ? [] : [{ field: `terms.${i}.item`, message: `装备代码「${t.item}」不在装备目录中` }]));
  if (problems.length) throw new UserError(problems);
  return { changed: saveTerms(db, who, terms) };
}

export function exportTerms(db: Db, today: IsoDate, format?: ExportFormat): FileOut {
  return termsWorkbook(loadTerms(db), loadCatalogSync(db), today, format, CSV_SHAPES['budget/exportTerms']);
}

export async function importTerms(db: Db, who: Actor, fileName: string, buf: Uint8Array): Promise<{ changed: number }> {
  const read = await readTerms(buf, fileName, new Set(loadCatalogSync(db).map((c) => c.code)));
  if (!read.ok) throw new UserError(read.problems);
  return { changed: saveTerms(db, who, read.terms) };
}

function checkYear(year: number, today: IsoDate, field: string): void {
  const now = Number(today.slice(0, 4));
  if (year < now) throw new UserError([{ field, message: `规划年度 ${year} 早于今年(${now});预算只能为今年及以后编制` }]);
}

/** Everything a budget, plan or chart reads: the measured matrix, the terms, the live units and when they fall due, and the agencies in scope (null: all). */
export function budgetBasis(db: Db, input: { agency?: string; ruleSet?: string }, today: IsoDate) {
  const { ruleSet, agencies, matrix } = measureAll(db, input, today);
  const terms = loadTerms(db);
  const units = liveUnits(db);
  const due = dueYears(units, matrix, terms, today);
  const scope = input.agency === undefined ? null : subtreeCodes(agencies, input.agency);
  return { ruleSet, agencies, matrix, terms, units, due, scope };
}

/**
 * The budget request of a planning year: per agency (each measured at its own level) and item, the
 * shortfall and the replacements falling due by 31 December, at unit price. Rolled up, each
 * agency's lines sum its subtree. Totals count each agency's own lines once.
 */
export function budgetRequest(db: Db, input: BudgetInput & { within?: { root: string; codes: ReadonlySet<string> } | null }, today: IsoDate): BudgetResult {
  checkYear(input.year, today, 'year');
  const basis = budgetBasis(db, input, today);
  const { ruleSet, agencies, matrix, terms, due } = basis;
  // Without an agency: the caller's scope, as the whole ledger is an unscoped caller's.
  const scope = input.agency === undefined ? (input.within?.codes ?? null) : basis.scope;
  const inScope = (l: BudgetLine) => scope === null || scope.has(l.agency);
  const own = budgetLines(matrix, due, terms, input.year, false).filter(inScope);
  const lines = input.rollup ? budgetLines(matrix, due, terms, input.year, true).filter((l) => (input.agency === undefined ? inScope(l) : l.agency === input.agency)) : own;
  const agencyNames = new Map(agencies.map((a) => [a.code, a.name]));
  const items = new Map(matrix.catalog.map((c) => [c.code, c]));
  const rows: BudgetRow[] = lines.map((l) => ({ ...l, agencyName: agencyNames.get(l.agency)!, itemName: items.get(l.item)!.name, unit: items.get(l.item)!.unit }));
  const shortfallFen = own.reduce((s, l) => s + l.shortfall * l.unitPriceFen, 0);
  const replaceFen = own.reduce((s, l) => s + l.replace * l.unitPriceFen, 0);
  const agency = input.agency ?? input.within?.root ?? null;
  return { year: input.year, ruleSet: ruleSet.id, rollup: !!input.rollup, agency, rows, totalFen: shortfallFen + replaceFen, shortfallFen, replaceFen };
}

export function exportBudget(db: Db, input: BudgetInput & { within?: { root: string; codes: ReadonlySet<string> } | null }, today: IsoDate, format?: ExportFormat): FileOut {
  const r = budgetRequest(db, { ...input, rollup: false }, today);
  const scopeName = r.agency === null ? '全部机构' : (agencyByCodeSync(db, r.agency)?.name ?? r.agency);
  return budgetWorkbook(r, scopeName, ruleSetNameSync(db, r.ruleSet), today, format, CSV_SHAPES['budget/export']);
}

/**
 * The plan may stop within 0.1% of the best weighted value: proving the last fraction of a
 * knapsack optimal costs minutes and changes no decision a bureau would notice. A time limit
 * returns the best plan found so far (its status says so).
 */
const PLAN_GAP = 1e-3;
const PLAN_TIME_LIMIT_S = 30;

/**
 * The multi-year purchase plan: for each agency in scope and item, what is needed by the end of
 * each plan year (the shortfall now, replacements as they fall due), bought under each year's cap
 * so that the heaviest weighted shortfall closes first (HiGHS; see quotas/plan.ts).
 */
export async function purchasePlan(db: Db, input: PlanInput, today: IsoDate): Promise<PurchasePlanResult> {
  checkYear(input.fromYear, today, 'fromYear');
  const { ruleSet, agencies, matrix, terms, due, scope } = budgetBasis(db, input, today);
  const rules = indexRules(ruleSet);
  const years = input.capsFen.length;
  const needs: PlanNeed[] = [];
  matrix.agencies.forEach((agency, a) => {
    if (scope !== null && !scope.has(agency.code)) return;
    matrix.catalog.forEach((item, i) => {
      const byYear = needsByYear(matrix, due, a, i, input.fromYear, years);
      const cumulative = byYear.map((x) => x.shortfall + x.replace);
      if (cumulative[years - 1] === 0) return;
      const group: WeightGroup = VEHICLE_ITEMS.includes(item.code) ? 'vehicles'
        : rules.get(`${item.code}/${agency.level}`)?.basis === 'per_staff' && item.kind === 'basic' ? 'perPerson' : 'other';
      needs.push({
        agency: agency.code, item: item.code, group, unitPriceFen: terms.get(item.code)?.unitPriceFen ?? 0,
        shortfall: byYear[0].shortfall, cumulative, required: cellValue(matrix, a, i, 'required'),
      });
    });
  });
  const solution = needs.length ? await solveLp(planModel(needs, input.capsFen, input.weights), PLAN_TIME_LIMIT_S, PLAN_GAP) : { status: 'Optimal', values: () => 0 };
  if (!['Optimal', 'Time limit reached'].includes(solution.status)) {
    throw new UserError([{ message: `规划求解失败(${solution.status});请调整预算上限或权重后重试` }]);
  }
  const plan = decodePlan(needs, input.fromYear, input.capsFen, input.weights, solution.values);
  const agencyNames = new Map(agencies.map((x) => [x.code, x.name]));
  const items = new Map(matrix.catalog.map((c) => [c.code, c]));
  return {
    status: solution.status,
    fromYear: input.fromYear,
    years: plan.years,
    purchases: plan.purchases.map((p) => ({ ...p, agencyName: agencyNames.get(p.agency)!, itemName: items.get(p.item)!.name, unit: items.get(p.item)!.unit })),
    needFen: needs.reduce((s, n) => s + n.cumulative[years - 1] * n.unitPriceFen, 0),
    spentFen: plan.years.reduce((s, y) => s + y.spentFen, 0),
  };
}

export async function exportPurchasePlan(db: Db, input: PlanInput, today: IsoDate, format?: ExportFormat): Promise<FileOut> {
  return purchasePlanWorkbook(await purchasePlan(db, input, today), input, today, format, CSV_SHAPES['budget/exportPlan']);
}

/** Prices and rules (ledger-wide), and budgets within the caller's scope. */
export const budgetHandlers: HandlersFor<typeof budgetOps> = {
  'budget/terms': (ctx) => termsRows(ctx.db),
  'budget/saveTerms': (ctx, { terms }) => saveTermsChecked(ctx.db, ctx.who(), terms),
  'budget/exportTerms': (ctx, { format }) => exportTerms(ctx.db, ctx.today(), format),
  'budget/importTerms': (ctx, { fileName, base64 }) => importTerms(ctx.db, ctx.who(), fileName, Buffer.from(base64, 'base64')),
  'budget/request': (ctx, input) => budgetRequest(ctx.db, { ...input, ...readScope(ctx, input.agency) }, ctx.today()),
  'budget/export': (ctx, input) => exportBudget(ctx.db, { ...input, ...readScope(ctx, input.agency) }, ctx.today(), input.format),
  'budget/plan': (ctx, input) => purchasePlan(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today()),
  'budget/exportPlan': (ctx, input) => exportPurchasePlan(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today(), input.format),
};
