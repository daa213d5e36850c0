import { fenToYuan } from '../lib/money';
import type { ItemTerms } from '../quotas/replacement';
import type { CatalogItem } from '../quotas/types';
import { parseCount, parseYuanToFen } from './cells';
import { ProblemList } from './problems';
import { dataRows, locateHeaders } from './template';
import { readWorkbook } from './workbook';
import { FORMAT, type OutSheet } from './write';

export const TERMS_SHEET = '单价与更新年限';
const HEADERS = ['装备代码', '装备名称', '计量单位', '单价(元)', '单价说明', '使用年限(年)', '更新里程(公里)', '年限说明'] as const;
/** The columns an import reads; name and unit are there for the reader. */
const READ = ['装备代码', '单价(元)', '单价说明', '使用年限(年)', '更新里程(公里)', '年限说明'] as const;

/** The price list as a sheet, one row per catalog item; imported back unchanged. */
export function termsSheet(terms: ReadonlyMap<string, ItemTerms>, catalog: readonly CatalogItem[]): OutSheet {
  return {
    name: TERMS_SHEET,
    rows: [[...HEADERS], ...catalog.map((c) => {
      const t = terms.get(c.code);
      return [c.code, c.name, c.unit, t ? fenToYuan(t.unitPriceFen) : null, t?.priceNote, t?.serviceYears, t?.serviceKm, t?.lifeNote];
    })],
    widths: [8, 40, 6, 12, 24, 12, 14, 50],
    formats: [, , , FORMAT.yuan, , FORMAT.count, FORMAT.count],
  };
}

export type TermsRead = { ok: true; terms: ItemTerms[] } | { ok: false; problems: import('../lib/problems').Problem[] };

/**
 * Reads a price list: every row must name a known item once, with a price; a blank years or
 * kilometre cell means that rule does not apply. All rows or none: any bad cell refuses the file.
 */
export async function readTerms(buf: Uint8Array, file: string, itemCodes: ReadonlySet<string>): Promise<TermsRead> {
  const read = await readWorkbook(buf, file);
  if (!read.ok) return read;
  const problems = new ProblemList(file);
  const sheet = read.workbook.sheets.find((s) => s.name.trim() === TERMS_SHEET) ?? read.workbook.sheets[0];
  const located = locateHeaders(sheet, READ, problems);
  if (!located) return { ok: false, problems: problems.all() };
  const seen = new Map<string, number>();
  const terms: ItemTerms[] = [];
  for (const r of dataRows(sheet, located.headerRow + 1, located.cols, problems)) {
    const item = r.code('装备代码', true);
    if (item !== null) {
      if (!itemCodes.has(item)) r.fail('装备代码', `装备代码「${item}」不在装备目录中`);
      else if (seen.has(item)) r.fail('装备代码', `装备代码「${item}」与第 ${seen.get(item)! + 1} 行重复`);
      else seen.set(item, r.row);
    }
    const unitPriceFen = r.take('单价(元)', parseYuanToFen(r.cell('单价(元)')), true);
    const serviceYears = r.take('使用年限(年)', parseCount(r.cell('使用年限(年)'), '使用年限'), false);
    if (serviceYears !== null && (serviceYears < 1 || serviceYears > 50)) r.fail('使用年限(年)', `使用年限应为 1–50 年,文件中为 ${serviceYears}`);
    const serviceKm = r.take('更新里程(公里)', parseCount(r.cell('更新里程(公里)'), '更新里程'), false);
    if (serviceKm !== null && serviceKm < 1000) r.fail('更新里程(公里)', `更新里程应不少于 1000 公里,文件中为 ${serviceKm}`);
    const priceNote = r.text('单价说明', false, 200);
    const lifeNote = r.text('年限说明', false, 200);
    if (r.bad) continue;
    terms.push({ item: item!, unitPriceFen: unitPriceFen!, priceNote, serviceYears, serviceKm, lifeNote });
  }
  if (!problems.empty) return { ok: false, problems: problems.all() };
  if (terms.length === 0) return { ok: false, problems: [{ file, sheet: sheet.name, message: '工作表中没有数据行' }] };
  return { ok: true, terms };
}
