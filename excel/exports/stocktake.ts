import type { CsvShape, ExportFormat, FileOut } from '../../lib/domain/files';
import { KIND_WORDS, SETTLEMENT_WORDS, STOCKTAKE_STATUS_WORDS, type StocktakeCount, type StocktakeDetail } from '../../lib/domain/stocktakes';
import { formatInstant } from '../../lib/clock';
import { exportFile } from '../export';
import type { OutValue } from '../write';

interface Line extends StocktakeCount {
  misplaced: number;
  surplus: number;
  missing: number;
  statusMismatch: number;
}

/**
 * 盘点报告: 汇总 by agency and item (应有, 实有, 账实相符, 位置不符, 盘盈, 盘亏, 状态不符), each difference with its 原因
 * and 处置意见, and the 盘点人 / 监盘人 / 负责人 lines with the date. A difference counts under the agency it belongs to
 * on the books (a 盘盈 under where it was found) and its item (a 盘盈 under the item it is to be registered as).
 */
export function stocktakeReportWorkbook(st: StocktakeDetail, timeZone: string, format: ExportFormat | undefined, csv: CsvShape): FileOut {
  const lines = new Map<string, Line>();
  const names = new Map(st.counts.map((c) => [c.agencyCode, c.agencyName]));
  const line = (agencyCode: string, itemCode: string, itemName: string): Line => {
    const key = `${agencyCode}\u0000${itemCode}`;
    let l = lines.get(key);
    if (!l) {
      l = { agencyCode, agencyName: names.get(agencyCode) ?? '', itemCode, itemName, expected: 0, found: 0, misplaced: 0, surplus: 0, missing: 0, statusMismatch: 0 };
      lines.set(key, l);
    }
    return l;
  };
  for (const c of st.counts) Object.assign(line(c.agencyCode, c.itemCode, c.itemName), { expected: c.expected, found: c.found });
  for (const d of st.differences) {
    const l = line((d.kind === 'surplus' ? d.foundAgencyCode : d.expectedAgencyCode) ?? '', d.itemCode ?? '', d.itemName ?? (d.kind === 'surplus' ? '(未登记品目)' : ''));
    if (d.kind === 'misplaced') l.misplaced += 1;
    else if (d.kind === 'surplus') l.surplus += 1;
    else if (d.kind === 'missing') l.missing += 1;
    else l.statusMismatch += 1;
  }
  const ordered = [...lines.values()].sort((a, b) => a.agencyCode.localeCompare(b.agencyCode) || a.itemCode.localeCompare(b.itemCode));
  const total = ordered.reduce((t, l) => ({
    expected: t.expected + l.expected, found: t.found + l.found, matched: t.matched + Math.max(0, l.found - l.misplaced), misplaced: t.misplaced + l.misplaced,
    surplus: t.surplus + l.surplus, missing: t.missing + l.missing, statusMismatch: t.statusMismatch + l.statusMismatch,
  }), { expected: 0, found: 0, matched: 0, misplaced: 0, surplus: 0, missing: 0, statusMismatch: 0 });
  const day = (s: string | null) => (s ? formatInstant(s, timeZone).slice(0, 10) : null);
  const summary: OutValue[][] = [
    [`盘点报告:${st.title}`],
    ['盘点单位', `${st.agencyName}(${st.agencyCode})`, '状态', STOCKTAKE_STATUS_WORDS[st.status]],
    ['开始日期', day(st.startedAt), '结束日期', day(st.closedAt)],
    [],
    ['机构编码', '机构名称', '装备代码', '装备名称', '应有', '实有', '账实相符', '位置不符', '盘盈', '盘亏', '状态不符'],
    ...ordered.map((l) => [l.agencyCode, l.agencyName, l.itemCode, l.itemName, l.expected, l.found, Math.max(0, l.found - l.misplaced), l.misplaced, l.surplus, l.missing, l.statusMismatch]),
    ['合计', '', '', '', total.expected, total.found, total.matched, total.misplaced, total.surplus, total.missing, total.statusMismatch],
    [],
    ['盘点人', st.counter ?? '', '监盘人', st.supervisor ?? '', '负责人', st.responsible ?? ''],
    ['日期', day(st.decidedAt ?? st.closedAt ?? st.startedAt)],
  ];
  const details: OutValue[][] = [
    ['序号', '差异类型', '扫描编码', '资产编号', '装备代码', '装备名称', '账面机构', '实际所在机构', '实际保管人', '原因', '处置意见', '处置方式', '处理后资产编号'],
    ...st.differences.map((d, i) => [
      i + 1, KIND_WORDS[d.kind], d.code, d.assetTag, d.itemCode, d.itemName, d.expectedAgencyCode, d.foundAgencyCode, d.foundCustodian, d.reason, d.proposal,
      d.settlement ? SETTLEMENT_WORDS[d.settlement] : null, d.settledAssetTag,
    ]),
  ];
  return exportFile(`盘点报告-${st.id}`, [
    { name: '汇总', rows: summary, widths: [12, 30, 10, 24, 8, 8, 10, 10, 8, 8, 10] },
    { name: '差异明细', rows: details, widths: [6, 10, 24, 20, 10, 24, 12, 14, 12, 30, 30, 18, 20] },
  ], format, csv);
}
