/** A column of equipment names, mapped to catalog codes on import. */
export const ITEM_NAME_HEADER = '装备名称';

/**
 * The columns an agency's own ledger can fill, keyed by the template header they stand for. 资产分类 is a hint
 * for naming the item, 数量 splits a row into units; 计量单位 and 序号 are recognised so that no other field
 * takes them, and are not stored.
 */
export const LEDGER_FIELDS = [
  '资产编号', '装备代码', ITEM_NAME_HEADER, '资产分类', '规格型号', '所属机构编码', '数量', '计量单位', '购置日期', '购置金额(元)', '状态', '责任人',
  '车牌号', '行驶里程(公里)', '检定有效期至', '备注', '序号',
] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

export interface ColumnInfo {
  index: number;
  letter: string;
  /** The header as the file writes it; two header rows joined by "/". */
  label: string;
  samples: string[];
  /** A password or key column: never imported, its values never shown. */
  secret?: boolean;
}

/**
 * What a status in an agency's own ledger can mean beyond a held asset's status: 待报废 is held, in service, with a
 * disposal request; 丢失/盘亏 is not held (a new tag is not created; a held one gets a disposal request).
 */
export const IMPORT_STATUSES = ['in_service', 'under_repair', 'idle', 'scrapped', 'to_scrap', 'lost'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_STATUS_LABELS: Record<ImportStatus, string> = {
  in_service: '在用', under_repair: '维修', idle: '闲置', scrapped: '报废', to_scrap: '待报废', lost: '丢失/盘亏',
};
