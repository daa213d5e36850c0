import type { AssetHistory } from '../../lib/domain/assets';
import type { DisposalRow } from '../../lib/domain/records';
import type { Db } from '../types';
import { assetStateSync } from './asset-writes';
import { DISPOSAL_SELECT } from './disposals';
import { auditedRecord, CALIBRATION_COLUMNS, MAINTENANCE_COLUMNS, type CalibrationRecord, type MaintenanceRecord } from './maintenance';

export function assetHistory(db: Db, id: number): Omit<AssetHistory, 'people'> {
  const asset = assetStateSync(db, id);
  const c = db.$client;
  return {
    asset,
    maintenance: (c.prepare(`select ${MAINTENANCE_COLUMNS} from maintenance_records where asset_id = ? order by date desc, id desc`).all(id) as MaintenanceRecord[])
      .map(auditedRecord),
    calibrations: (c.prepare(`select ${CALIBRATION_COLUMNS} from calibrations where asset_id = ? order by date desc, id desc`).all(id) as CalibrationRecord[])
      .map(auditedRecord),
    custody: c.prepare(`select r.id, a.code as agencyCode, r.custodian, r.from_date as fromDate, r.to_date as toDate, r.purpose
      from custody_records r join agencies a on a.id = r.agency_id where r.asset_id = ? order by r.from_date desc`).all(id) as AssetHistory['custody'],
    disposals: c.prepare(`${DISPOSAL_SELECT} where d.asset_id = ? order by d.id desc`).all(id) as DisposalRow[],
    audit: (c.prepare(`select id, at, actor, action, entity, before, after from audit_log
      where entity in ('asset', 'maintenance', 'calibration', 'disposal', 'dispatch') and (entity_key = ? or (entity_key > ? and entity_key < ?))
      order by id desc limit 200`).all(asset.assetTag, `${asset.assetTag}#`, `${asset.assetTag}$`) as {
      id: number; at: string; actor: string; action: string; entity: string; before: string | null; after: string | null;
    }[]).map((e) => ({ ...e, before: e.before ? JSON.parse(e.before) : null, after: e.after ? JSON.parse(e.after) : null })),
  };
}
