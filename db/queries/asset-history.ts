import { sql } from 'kysely';
import type { AssetHistory } from '../../lib/domain/assets';
import type { Tx } from '../store';
import { assetState } from './asset-writes';
import { disposalsOf } from './disposals';
import { auditedRecord, calibrationsOf, maintenanceOf } from './maintenance';

type StoredAudit = Omit<AssetHistory['audit'][number], 'before' | 'after'> & { before: string | null; after: string | null };

/** An asset with its records, custody and audit trail, newest first; read on one snapshot. */
export async function assetHistory(tx: Tx, id: number): Promise<Omit<AssetHistory, 'people'>> {
  const asset = await assetState(tx, id);
  const maintenance = await maintenanceOf(tx, id);
  const calibrations = await calibrationsOf(tx, id);
  const custody = await tx.all<AssetHistory['custody'][number]>(sql`select r.id, a.code as "agencyCode", r.custodian, r.from_date as "fromDate",
    r.to_date as "toDate", r.purpose from custody_records r join agencies a on a.id = r.agency_id where r.asset_id = ${id} order by r.from_date desc, r.id desc`);
  const disposals = await disposalsOf(tx, id);
  const audit = await tx.all<StoredAudit>(sql`select id, at, actor, action, entity, before, after from audit_log
    where entity in ('asset', 'maintenance', 'calibration', 'disposal', 'dispatch')
      and (entity_key = ${asset.assetTag} or (entity_key > ${`${asset.assetTag}#`} and entity_key < ${`${asset.assetTag}$`}))
    order by id desc limit 200`);
  return {
    asset,
    maintenance: maintenance.map(auditedRecord),
    calibrations: calibrations.map(auditedRecord),
    custody,
    disposals,
    audit: audit.map((e) => ({ ...e, before: e.before ? JSON.parse(e.before) : null, after: e.after ? JSON.parse(e.after) : null })),
  };
}
