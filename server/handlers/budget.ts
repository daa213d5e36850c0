import { CSV_SHAPES, type BudgetInput, type BudgetResult, type BudgetRow, type ContractRow, type ExportFormat, type FileOut, type PlanInput, type PurchasePlanResult, type TermsRow } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { solveLp } from '../../lib/solver';
import { budgetWorkbook, purchasePlanWorkbook, termsWorkbook } from '../../excel/exports/budget';
import { readTerms } from '../../excel/terms';
import type { Store, Tx } from '../../db/store';
import type { Actor } from '../../db/queries/audit';
import { agencyByCode } from '../../db/queries/agencies';
import { liveUnits, loadTerms, saveTerms } from '../../db/queries/budget';
import { loadCatalog, ruleSetName } from '../../db/queries/reference';
import { budgetLines, dueYears, needsByYear, type BudgetLine, type ContractRenewal } from '../../quotas/budget';
import { listContracts } from '../../db/queries/contracts';
import { cellValue, indexRules, subtreeCodes } from '../../quotas/engine';
import { decodePlan, planModel, type PlanNeed, type WeightGroup } from '../../quotas/plan';
import { VEHICLE_ITEMS, type ItemTerms } from '../../quotas/replacement';
import { measureAll } from './quotas';
import type { budgetOps } from '../../api/budget';
import type { HandlersFor } from './handler';
import { readScope, scopedAgency, type Within } from '../scope';

export async function termsRows(tx: Tx): Promise<TermsRow[]> {
  const terms = await loadTerms(tx);
  return (await loadCatalog(tx)).flatMap((c) => {
    const t = terms.get(c.code);
    return t ? [{ ...t, name: c.name, unit: c.unit, category: c.category, kind: c.kind }] : [];
  });
}

/** Stores changed terms of catalog items, refusing an unknown item; call inside a write transaction. */
export async function saveTermsChecked(tx: Tx, who: Actor, terms: readonly ItemTerms[]): Promise<{ changed: number }> {
  const known = await loadTerms(tx);
  const problems = terms.flatMap((t, i) => (known.has(t.item) ? [] : [{ field: `terms.${i}.item`, message: `装备代码「${t.item}」不在装备目录中` }]));
  if (problems.length) throw new UserError(problems);
  return { changed: await saveTerms(tx, who, terms) };
}

export async function exportTerms(tx: Tx, today: IsoDate, format?: ExportFormat): Promise<FileOut> {
  return termsWorkbook(await loadTerms(tx), await loadCatalog(tx), today, format, CSV_SHAPES['budget/exportTerms']);
}

/** Reads an edited price list (outside any transaction: a workbook takes a while to read), then stores its changes in one. */
export async function importTerms(store: Pick<Store, 'read' | 'write'>, who: Actor, fileName: string, buf: Uint8Array): Promise<{ changed: number }> {
  const codes = await store.read(async (tx) => new Set((await loadCatalog(tx)).map((c) => c.code)));
  const read = await readTerms(buf, fileName, codes);
  if (!read.ok) throw new UserError(read.problems);
  const terms = read.terms;
  return store.write((tx) => saveTermsChecked(tx, who, terms));
}

function checkYear(year: number, today: IsoDate, field: string): void {
  const now = Number(today.slice(0, 4));
  if (year < now) throw new UserError([{ field, message: `规划年度 ${year} 早于今年(${now});预算只能为今年及以后编制` }]);
}

/**
 * Everything a budget, plan or chart reads: the measured matrix, the terms, the live units and when they fall due,
 * and the agencies in scope (the subtree of `agency`; null: all). Holdings and units are read only of the agencies
 * a reader sees (see `measureAll`). Read it on one snapshot.
 */
export async function budgetBasis(tx: Tx, input: { agency?: string; ruleSet?: string; within?: Within | null }, today: IsoDate) {
  const { ruleSet, agencies, matrix, only } = await measureAll(tx, input, today);
  const terms = await loadTerms(tx);
  const units = await liveUnits(tx, only);
  const due = dueYears(units, matrix, terms, today);
  const scope = input.agency === undefined ? null : subtreeCodes(agencies, input.agency);
  return { ruleSet, agencies, matrix, terms, units, due, scope };
}

/**
 * The budget request of a planning year: per agency (each measured at its own level) and item, the
 * shortfall and the replacements falling due by 31 December, at unit price. Rolled up, each
 * agency's lines sum its subtree. Totals count each agency's own lines once.
 */
export async function budgetRequest(tx: Tx, input: BudgetInput & { within?: Within | null }, today: IsoDate): Promise<BudgetResult> {
  checkYear(input.year, today, 'year');
  const basis = await budgetBasis(tx, input, today);
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
  const renewals = await contractsEnding(tx, scope, input.year, today, items, new Set(ruleSet.rules.filter((r) => r.service).map((r) => r.item)));
  const renewFen = renewals.reduce((s, c) => s + c.costPerYearFen, 0);
  const agency = input.agency ?? input.within?.root ?? null;
  const unpriced = [...new Map(rows.filter((l) => l.unitPriceFen === 0).map((l) => [l.item, { item: l.item, name: l.itemName }])).values()];
  return { year: input.year, ruleSet: ruleSet.id, rollup: !!input.rollup, agency, rows, unpriced, renewals, totalFen: shortfallFen + replaceFen + renewFen, shortfallFen, replaceFen, renewFen };
}

/**
 * The service contracts signed within `scope` (null: anywhere) whose last day falls in `year`, for items the edition lets
 * a service provide (`serviced`), and that no later contract of the same signer for one of their items follows: their
 * renewal is the year's to pay. Where the edition admits no service, the units are budgeted as purchases instead.
 */
async function contractsEnding(tx: Tx, scope: ReadonlySet<string> | null, year: number, today: IsoDate, items: ReadonlyMap<string, { name: string }>,
  serviced: ReadonlySet<string>): Promise<ContractRenewal[]> {
  const all = await listContracts(tx, scope, today);
  const followed = (c: ContractRow) => all.some((n) => n.id !== c.id && n.agency === c.agency && n.validTo > c.validTo && n.validFrom > c.validFrom
    && n.items.some((i) => c.items.some((j) => j.item === i.item)));
  return all
    .filter((c) => c.validTo.startsWith(`${year}-`) && (scope === null || scope.has(c.agency)) && c.items.some((i) => serviced.has(i.item)) && !followed(c))
    .sort((a, b) => a.validTo.localeCompare(b.validTo) || a.id - b.id)
    .map((c) => ({
      id: c.id, agency: c.agency, agencyName: c.agencyName, provider: c.provider, reference: c.reference, validTo: c.validTo, costPerYearFen: c.costPerYearFen,
      items: c.items.map((i) => `${i.item} ${items.get(i.item)?.name ?? ''} ×${i.quantity}`).join(';'),
    }));
}

export async function exportBudget(tx: Tx, input: BudgetInput & { within?: Within | null }, today: IsoDate, format?: ExportFormat): Promise<FileOut> {
  const r = await budgetRequest(tx, { ...input, rollup: false }, today);
  const scopeName = r.agency === null ? '全部机构' : ((await agencyByCode(tx, r.agency))?.name ?? r.agency);
  return budgetWorkbook(r, scopeName, await ruleSetName(tx, r.ruleSet), today, format, CSV_SHAPES['budget/export']);
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
 * so that the heaviest weighted shortfall closes first (HiGHS; see quotas/plan.ts). The ledger is read on one
 * snapshot, and the plan solved after it (for up to half a minute) with no transaction held open.
 */
export async function purchasePlan(store: Pick<Store, 'read'>, input: PlanInput, today: IsoDate): Promise<PurchasePlanResult> {
  checkYear(input.fromYear, today, 'fromYear');
  const { ruleSet, agencies, matrix, terms, due, scope } = await store.read((tx) => budgetBasis(tx, input, today));
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

export async function exportPurchasePlan(store: Pick<Store, 'read'>, input: PlanInput, today: IsoDate, format?: ExportFormat): Promise<FileOut> {
  return purchasePlanWorkbook(await purchasePlan(store, input, today), input, today, format, CSV_SHAPES['budget/exportPlan']);
}

/** Prices and rules (ledger-wide), and budgets within the caller's scope; each read on one snapshot. */
export const budgetHandlers: HandlersFor<typeof budgetOps> = {
  'budget/terms': (ctx) => ctx.store.read((tx) => termsRows(tx)),
  'budget/saveTerms': (ctx, { terms }) => ctx.store.write((tx) => saveTermsChecked(tx, ctx.who(), terms)),
  'budget/exportTerms': (ctx, { format }) => ctx.store.read((tx) => exportTerms(tx, ctx.today(), format)),
  'budget/importTerms': (ctx, { fileName, base64 }) => importTerms(ctx.store, ctx.who(), fileName, Buffer.from(base64, 'base64')),
  'budget/request': (ctx, input) => {
    const scoped = { ...input, ...readScope(ctx, input.agency) };
    return ctx.store.read((tx) => budgetRequest(tx, scoped, ctx.today()));
  },
  'budget/export': (ctx, input) => {
    const scoped = { ...input, ...readScope(ctx, input.agency) };
    return ctx.store.read((tx) => exportBudget(tx, scoped, ctx.today(), input.format));
  },
  'budget/plan': (ctx, input) => purchasePlan(ctx.store, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today()),
  'budget/exportPlan': (ctx, input) => exportPurchasePlan(ctx.store, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today(), input.format),
};
