import { CSV_SHAPES, type BudgetInput, type BudgetResult, type BudgetRow, type ExportFormat, type FileOut, type PlanInput, type PurchasePlanResult, type TermsRow } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { fenToYuan } from '../../lib/money';
import { UserError } from '../../lib/problems';
import { solveLp } from '../../lib/solver';
import { readTerms, termsSheet } from '../../excel/terms';
import { exportFile } from '../../excel/export';
import { FORMAT, type OutSheet, type OutValue } from '../../excel/write';
import type { Db } from '../../db/types';
import type { Actor } from '../../db/queries/audit';
import { agencyByCode } from '../../db/queries/agencies';
import { liveUnits, loadTerms, saveTerms } from '../../db/queries/budget';
import { loadCatalog, ruleSetName } from '../../db/queries/reference';
import { budgetLines, dueYears, needsByYear, type BudgetLine } from '../../quotas/budget';
import { cellValue, indexRules, subtreeCodes } from '../../quotas/engine';
import { decodePlan, planModel, type PlanNeed, type WeightGroup } from '../../quotas/plan';
import { PRICE_SOURCE, VEHICLE_ITEMS, type ItemTerms } from '../../quotas/replacement';
import { measureAll } from './quotas';

export function termsRows(db: Db): TermsRow[] {
  const terms = loadTerms(db);
  return loadCatalog(db).flatMap((c) => {
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
  const sheet = termsSheet(loadTerms(db), loadCatalog(db));
  const notes: OutSheet = { name: '说明', rows: [['说明'], ['单价', PRICE_SOURCE], ['更新规则', '使用满「使用年限」或行驶达到「更新里程」(车辆)即到期更新,以先到者为准;留空表示不按该条件更新。'], ['导入', '修改后可在「预算与规划 → 单价与年限」中导入本文件;装备代码、单价必填。']], widths: [10, 100] };
  return exportFile(`单价与更新年限-${today}`, [sheet, notes], format, CSV_SHAPES['budget/exportTerms']);
}

export async function importTerms(db: Db, who: Actor, fileName: string, buf: Uint8Array): Promise<{ changed: number }> {
  const read = await readTerms(buf, fileName, new Set(loadCatalog(db).map((c) => c.code)));
  if (!read.ok) throw new UserError(read.problems);
  return { changed: saveTerms(db, who, read.terms) };
}

/** Rows by key, keys in first-seen order (Map.groupBy needs Node 21). */
function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
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

const BUDGET_HEADERS = ['序号', '单位', '装备代码', '装备名称', '计量单位', '数量', '单价(元)', '金额(元)', '申请理由'];
const BUDGET_FORMATS = [FORMAT.count, , , , , FORMAT.count, FORMAT.yuan, FORMAT.yuan];

/**
 * 预算申请表: each agency's own lines, a line for 缺额 and one for 更新 where both apply, a 小计 per
 * agency and the 合计; then the scope's totals by item, and how the figures were reached.
 */
export function exportBudget(db: Db, input: BudgetInput & { within?: { root: string; codes: ReadonlySet<string> } | null }, today: IsoDate, format?: ExportFormat): FileOut {
  const r = budgetRequest(db, { ...input, rollup: false }, today);
  const scopeName = r.agency === null ? '全部机构' : (agencyByCode(db, r.agency)?.name ?? r.agency);
  const title = `${r.year} 年度执法装备购置预算申请表`;
  const rows: OutValue[][] = [
    [title],
    [`编制范围:${scopeName}    配备标准:${ruleSetName(db, r.ruleSet)}    金额单位:元    编制日期:${today}`],
    BUDGET_HEADERS,
  ];
  const subtotals: number[] = [];
  let n = 0;
  const byAgency = groupBy(r.rows, (x) => x.agency);
  for (const [, lines] of byAgency) {
    let subtotal = 0;
    for (const l of lines) {
      for (const [quantity, reason] of [[l.shortfall, '缺额'], [l.replace, '更新']] as const) {
        if (quantity === 0) continue;
        rows.push([++n, l.agencyName, l.item, l.itemName, l.unit, quantity, fenToYuan(l.unitPriceFen), fenToYuan(quantity * l.unitPriceFen), reason]);
        subtotal += quantity * l.unitPriceFen;
      }
    }
    if (byAgency.size > 1) {
      rows.push([null, `${lines[0].agencyName} 小计`, null, null, null, null, null, fenToYuan(subtotal), null]);
      subtotals.push(rows.length - 1);
    }
  }
  rows.push([null, '合计', null, null, null, r.rows.reduce((s, l) => s + l.quantity, 0), null, fenToYuan(r.totalFen), `缺额 ${fenToYuan(r.shortfallFen).toLocaleString('zh-CN')} 元;更新 ${fenToYuan(r.replaceFen).toLocaleString('zh-CN')} 元`]);
  rows.push([], ['编制人:', null, null, '审核人:', null, null, '单位负责人:']);
  const width = BUDGET_HEADERS.length - 1;
  const request: OutSheet = {
    name: '预算申请表', rows, frozen: 3, formats: BUDGET_FORMATS, widths: [6, 30, 8, 34, 8, 8, 14, 16, 30],
    merges: [{ s: { r: 0, c: 0 }, e: { r: 0, c: width } }, { s: { r: 1, c: 0 }, e: { r: 1, c: width } }],
  };

  const byItem = groupBy(r.rows, (x) => x.item);
  const itemRows: OutValue[][] = [['装备代码', '装备名称', '计量单位', '缺额数量', '更新数量', '合计数量', '单价(元)', '金额(元)']];
  for (const [item, lines] of [...byItem].sort(([a], [b]) => a.localeCompare(b))) {
    const shortfall = lines.reduce((s, l) => s + l.shortfall, 0);
    const replace = lines.reduce((s, l) => s + l.replace, 0);
    itemRows.push([item, lines[0].itemName, lines[0].unit, shortfall, replace, shortfall + replace, fenToYuan(lines[0].unitPriceFen), fenToYuan(lines.reduce((s, l) => s + l.amountFen, 0))]);
  }
  itemRows.push(['合计', null, null, null, null, null, null, fenToYuan(r.totalFen)]);
  const notes: OutSheet = {
    name: '说明', widths: [14, 100], rows: [
      ['项目', '说明'],
      ['缺额', `按配备标准 ${ruleSetName(db, r.ruleSet)},各机构按本级标准测算的应配数减在册数(报废不计)。`],
      ['更新', `在册装备至 ${r.year} 年 12 月 31 日使用满更新年限,或车辆行驶里程达到(或按年均里程推算将达到)更新里程的;标配装备仅更新到标准所需数量,超配部分不再更新。`],
      ['单价', '取自「单价与更新年限」表,可在软件中修改;默认单价为估算值。'],
      ['数据日期', today],
    ],
  };
  const byItemSheet: OutSheet = { name: '按装备汇总', rows: itemRows, widths: [8, 34, 8, 10, 10, 10, 14, 16], formats: [, , , FORMAT.count, FORMAT.count, FORMAT.count, FORMAT.yuan, FORMAT.yuan] };
  return exportFile(`${title}-${scopeName}`, [request, byItemSheet, notes], format, CSV_SHAPES['budget/export']);
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
  const p = await purchasePlan(db, input, today);
  const last = p.fromYear + input.capsFen.length - 1;
  const yearRows: OutValue[][] = [['年度', '预算上限(元)', '计划支出(元)', '年末未补数量', '年末加权缺口']];
  for (const y of p.years) yearRows.push([y.year, fenToYuan(y.capFen), fenToYuan(y.spentFen), y.openUnits, y.openWeighted]);
  yearRows.push(['合计', fenToYuan(input.capsFen.reduce((s, c) => s + c, 0)), fenToYuan(p.spentFen)]);
  const rows: OutValue[][] = [['年度', '机构编码', '机构名称', '装备代码', '装备名称', '计量单位', '数量', '其中缺额', '其中更新', '单价(元)', '金额(元)']];
  for (const x of p.purchases) rows.push([x.year, x.agency, x.agencyName, x.item, x.itemName, x.unit, x.quantity, x.shortfall, x.replace, fenToYuan(x.unitPriceFen), fenToYuan(x.amountFen)]);
  const w = input.weights;
  return exportFile(`装备购置规划-${p.fromYear}-${last}`, [
    { name: '年度汇总', rows: yearRows, widths: [8, 16, 16, 14, 14], formats: [, FORMAT.yuan, FORMAT.yuan, FORMAT.count, FORMAT.decimal] },
    { name: '购置明细', rows, widths: [6, 10, 30, 8, 34, 8, 8, 8, 8, 14, 16], formats: [, , , , , , FORMAT.count, FORMAT.count, FORMAT.count, FORMAT.yuan, FORMAT.yuan] },
    { name: '说明', widths: [14, 90], rows: [
      ['项目', '说明'],
      ['目标', '在各年预算上限内,使各年末加权缺口之和最小:权重越大的缺口越先补齐(HiGHS 求解)。'],
      ['权重', `车辆 ${w.vehicles};按人配备装备 ${w.perPerson};其他 ${w.other}`],
      ['需求', `至 ${last} 年底的全部需求(缺额及到期更新)按单价合计 ${fenToYuan(p.needFen).toLocaleString('zh-CN')} 元;计划支出 ${fenToYuan(p.spentFen).toLocaleString('zh-CN')} 元`],
      ['求解状态', p.status],
      ['数据日期', today],
    ] },
  ], format, CSV_SHAPES['budget/exportPlan']);
}
