import type { ExportFormat, FileOut } from '../../lib/domain/files';
import type { CalibrationLogRow, MaintenanceLogRow } from '../../lib/domain/records';
import type { IsoDate } from '../../lib/dates';
import { exportFile } from '../export';
import { FORMAT, type OutValue } from '../write';
import { date, yuan } from './cells';

const MAINTENANCE_KINDS = { repair: '维修', service: '保养', inspection: '检查' } as const;

export function maintenanceWorkbook(log: readonly MaintenanceLogRow[], from: IsoDate, to: IsoDate, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [['日期', '资产编号', '装备代码', '装备名称', '所属机构编码', '所属机构', '类型', '维护内容', '费用(元)', '维修单位', '里程(公里)', '下次到期']];
  for (const m of log) {
    rows.push([date(m.date), m.assetTag, m.itemCode, m.itemName, m.agencyCode, m.agencyName, MAINTENANCE_KINDS[m.kind], m.description, yuan(m.costFen), m.vendor, m.odometerKm, date(m.nextDueDate)]);
  }
  return exportFile(`维修保养记录-${from}至${to}`, [{
    name: '维修保养记录', rows, widths: [12, 18, 8, 28, 12, 30, 6, 40, 12, 24, 12, 12], formats: [, , , , , , , , FORMAT.yuan, , FORMAT.count],
  }], format);
}

export function calibrationWorkbook(log: readonly CalibrationLogRow[], from: IsoDate, to: IsoDate, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [['检定日期', '有效期至', '资产编号', '装备代码', '装备名称', '所属机构编码', '所属机构', '证书编号', '检定机构', '结论', '备注']];
  for (const c of log) {
    rows.push([date(c.date), date(c.validUntil), c.assetTag, c.itemCode, c.itemName, c.agencyCode, c.agencyName, c.certificateNo, c.institution, c.result === 'pass' ? '合格' : '不合格', c.notes]);
  }
  return exportFile(`检定记录-${from}至${to}`, [{ name: '检定记录', rows, widths: [12, 12, 18, 8, 28, 12, 30, 18, 24, 8, 24] }], format);
}
