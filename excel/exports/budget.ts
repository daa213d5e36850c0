import type { CsvShape, ExportFormat, FileOut } from '../../lib/domain/files';
import type { IsoDate } from '../../lib/dates';
import { fenToYuan } from '../../lib/money';
import type { BudgetResult } from '../../quotas/budget';
import type { PlanWeights, PurchasePlanResult } from '../../quotas/plan';
import { PRICE_SOURCE, type ItemTerms } from '../../quotas/replacement';
import type { CatalogItem } from '../../quotas/types';
import { exportFile } from '../export';
import { termsSheet } from '../terms';
import { FORMAT, type OutSheet, type OutValue } from '../write';

export function termsWorkbook(terms: ReadonlyMap<string, ItemTerms>, catalog: readonly CatalogItem[], today: IsoDate, format: ExportFormat | undefined, csv: CsvShape): FileOut {
  const sheet = termsSheet(terms, catalog);
  const notes: OutSheet = { name: '说明', rows: [['说明'], ['单价', PRICE_SOURCE], ['更新规则', '使用满「使用年限」或行驶达到「更新里程」(车辆)即到期更新,以先到者为准;留空表示不按该条件更新。'], ['导入', '修改后可在「预算与规划 → 单价与年限」中导入本文件;装备代码、单价必填。']], widths: [10, 100] };
  return exportFile(`单价与更新年限-${today}`, [sheet, notes], format, csv);
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

const SERVICE_NOTE = '可购买服务';
const BUDGET_HEADERS = ['序号', '单位', '装备代码', '装备名称', '计量单位', '数量', '单价(元)', '金额(元)', '申请理由'];
const BUDGET_FORMATS = [FORMAT.count, , , , , FORMAT.count, FORMAT.yuan, FORMAT.yuan];

/**
 * 预算申请表: each agency's own lines, a line for 缺额 and one for 更新 where both apply, a 小计 per
 * agency and the 合计; then the scope's totals by item, and how the figures were reached.
 */
export function budgetWorkbook(r: BudgetResult, scopeName: string, ruleName: string, today: IsoDate, format: ExportFormat | undefined, csv: CsvShape): FileOut {
  const title = `${r.year} 年度执法装备购置预算申请表`;
  const rows: OutValue[][] = [
    [title],
    [`编制范围:${scopeName}    配备标准:${ruleName}    金额单位:元    编制日期:${today}`],
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
        rows.push([++n, l.agencyName, l.item, l.itemName, l.unit, quantity, fenToYuan(l.unitPriceFen), fenToYuan(quantity * l.unitPriceFen), l.service ? `${reason}(${SERVICE_NOTE})` : reason]);
        subtotal += quantity * l.unitPriceFen;
      }
    }
    if (byAgency.size > 1) {
      rows.push([null, `${lines[0].agencyName} 小计`, null, null, null, null, null, fenToYuan(subtotal), null]);
      subtotals.push(rows.length - 1);
    }
  }
  for (const c of r.renewals) {
    rows.push([++n, c.agencyName, null, `服务合同续签:${c.provider}${c.reference ? `(${c.reference})` : ''};${c.items}`, '年', 1, fenToYuan(c.costPerYearFen), fenToYuan(c.costPerYearFen),
      `服务合同 ${c.validTo} 到期`]);
  }
  const parts = [`缺额 ${fenToYuan(r.shortfallFen).toLocaleString('zh-CN')} 元`, `更新 ${fenToYuan(r.replaceFen).toLocaleString('zh-CN')} 元`,
    ...(r.renewals.length ? [`服务续签 ${fenToYuan(r.renewFen).toLocaleString('zh-CN')} 元`] : [])];
  rows.push([null, '合计', null, null, null, r.rows.reduce((s, l) => s + l.quantity, 0), null, fenToYuan(r.totalFen), parts.join(';')]);
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
      ['缺额', `按配备标准 ${ruleName},各机构按本级标准测算的应配数减在册数(报废不计)。`],
      ['更新', `在册装备至 ${r.year} 年 12 月 31 日使用满更新年限,或车辆行驶里程达到(或按年均里程推算将达到)更新里程的;标配装备仅更新到标准所需数量,超配部分不再更新。`],
      ['单价', '取自「单价与更新年限」表,可在软件中修改;默认单价为估算值。'],
      [SERVICE_NOTE, '该配备标准允许以购买第三方服务满足的品目:可签订服务合同代替购置,已有服务合同提供的数量已从缺额中扣除。'],
      ['服务续签', `在 ${r.year} 年内到期的服务合同,按其年服务费列入。`],
      ['数据日期', today],
    ],
  };
  const byItemSheet: OutSheet = { name: '按装备汇总', rows: itemRows, widths: [8, 34, 8, 10, 10, 10, 14, 16], formats: [, , , FORMAT.count, FORMAT.count, FORMAT.count, FORMAT.yuan, FORMAT.yuan] };
  return exportFile(`${title}-${scopeName}`, [request, byItemSheet, notes], format, csv);
}

/** 装备购置规划: the years under their caps, every purchase, and how the plan was reached. */
export function purchasePlanWorkbook(p: PurchasePlanResult, input: { capsFen: readonly number[]; weights: PlanWeights }, today: IsoDate, format: ExportFormat | undefined, csv: CsvShape): FileOut {
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
  ], format, csv);
}
