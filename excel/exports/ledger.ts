import type { AssetRow } from '../../lib/domain/assets';
import type { ExportFormat, FileOut } from '../../lib/domain/files';
import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { exportFile } from '../export';
import { STATUS_LABELS } from '../template';
import { FORMAT, type OutValue } from '../write';
import { date, yuan } from './cells';

/** Excel holds 1,048,576 rows a sheet. */
export const MAX_EXPORT_ROWS = 1_000_000;

const LEDGER_EXPORT_HEADERS = [
  '资产编号', '装备代码', '装备名称', '所属机构编码', '所属机构', '规格型号', '出厂编号', '购置日期', '购置金额(元)', '经费来源', '状态', '责任人', '存放地点',
  '车牌号', '行驶里程(公里)', '检定有效期至', '备注',
] as const;

/** The ledger as the user filtered and sorted it, every matching row. */
export function ledgerWorkbook(assets: Iterable<AssetRow>, today: IsoDate, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [[...LEDGER_EXPORT_HEADERS]];
  for (const a of assets) {
    if (rows.length > MAX_EXPORT_ROWS) throw new UserError([{ message: `符合条件的装备超过 ${MAX_EXPORT_ROWS.toLocaleString()} 件,超出 Excel 单表上限;请先筛选` }]);
    rows.push([
      a.assetTag, a.itemCode, a.itemName, a.agencyCode, a.agencyName, a.model, a.serialNumber, date(a.purchaseDate), yuan(a.priceFen), a.fundingSource,
      STATUS_LABELS[a.status], a.custodian, a.location, a.plateNumber, a.odometerKm, date(a.calibrationValidUntil), a.notes,
    ]);
  }
  return exportFile(`装备台账-${today}`, [{
    name: '装备台账', rows,
    widths: [18, 8, 28, 12, 30, 20, 14, 12, 14, 12, 6, 8, 14, 10, 12, 12, 24],
    formats: [, , , , , , , , FORMAT.yuan, , , , , , FORMAT.count],
  }], format);
}
