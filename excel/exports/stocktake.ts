import type { CsvShape, ExportFormat, FileOut } from '../../lib/domain/files';
import type { StocktakeReport } from '../../lib/domain/stocktake-report';
import { exportFile } from '../export';
import type { OutValue } from '../write';

/**
 * 盘点报告 as a workbook: 汇总 by agency and item (应有, 实有, 账实相符, 位置不符, 盘盈, 盘亏, 状态不符) with the
 * 盘点人 / 监盘人 / 负责人 lines and the date, and 差异明细, each difference with its 原因 and 处置意见.
 */
export function stocktakeReportWorkbook(r: StocktakeReport, format: ExportFormat | undefined, csv: CsvShape): FileOut {
  const summary: OutValue[][] = [
    [`盘点报告:${r.title}`],
    ['盘点单位', `${r.agencyName}(${r.agencyCode})`, '状态', r.statusWord],
    ['开始日期', r.startedOn, '结束日期', r.closedOn],
    ...(r.partNote ? [['盘点范围', r.partNote]] : []),
    ...(r.interimNote ? [['中间结果', r.interimNote]] : []),
    [],
    ['机构编码', '机构名称', '装备代码', '装备名称', '应有', '实有', '账实相符', '位置不符', '盘盈', '盘亏', '状态不符'],
    ...r.lines.map((l) => [l.agencyCode, l.agencyName, l.itemCode, l.itemName, l.expected, l.found, l.matched, l.misplaced, l.surplus, l.missing, l.statusMismatch]),
    ['合计', '', '', '', r.total.expected, r.total.found, r.total.matched, r.total.misplaced, r.total.surplus, r.total.missing, r.total.statusMismatch],
    [],
    ['盘点人', r.counter ?? '', '监盘人', r.supervisor ?? '', '负责人', r.responsible ?? ''],
    ['日期', r.signedOn],
  ];
  const details: OutValue[][] = [
    ['序号', '差异类型', '扫描编码', '资产编号', '装备代码', '装备名称', '账面机构', '实际所在机构', '实际保管人', '原因', '处置意见', '处置方式', '处理后资产编号'],
    ...r.differences.map((d) => [
      d.no, d.kindWord, d.code, d.assetTag, d.itemCode, d.itemName, d.expectedAgency?.code ?? null, d.foundAgency?.code ?? null, d.foundCustodian, d.reason, d.proposal,
      d.settlementWord, d.settledAssetTag,
    ]),
  ];
  return exportFile(`盘点报告-${r.id}`, [
    { name: '汇总', rows: summary, widths: [12, 30, 10, 24, 8, 8, 10, 10, 8, 8, 10] },
    { name: '差异明细', rows: details, widths: [6, 10, 24, 20, 10, 24, 12, 14, 12, 30, 30, 18, 20] },
  ], format, csv);
}
