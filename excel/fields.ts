/** A column of equipment names, mapped to catalog codes on import. */
export const ITEM_NAME_HEADER = '装备名称';

/** The columns an agency's own ledger can fill, keyed by the template header they stand for. */
export const LEDGER_FIELDS = [
  '资产编号', '装备代码', ITEM_NAME_HEADER, '规格型号', '所属机构编码', '购置日期', '购置金额(元)', '状态', '责任人', '车牌号', '行驶里程(公里)', '检定有效期至', '备注',
] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

export interface ColumnInfo {
  index: number;
  letter: string;
  /** The header as the file writes it; two header rows joined by "/". */
  label: string;
  samples: string[];
}
