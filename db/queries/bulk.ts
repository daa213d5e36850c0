import type { Db } from '../types';
import { appendAuditSync, type Actor } from './audit';
import { indexAssetsAfterSync, lastAssetIdSync } from './search';
import type { AssetInput } from '../../lib/domain/assets';
import type { AgencyRecord } from '../../quotas/types';

export interface BulkService {
  date: string;
  kind: 'repair' | 'service';
  description: string;
  costFen: number | null;
  odometerKm: number | null;
  nextDueDate: string | null;
}

export type BulkAsset = Omit<AssetInput, 'row'> & {
  fundingSource?: string | null;
  location?: string | null;
  serialNumber?: string | null;
  service?: BulkService | null;
};

/**
 * Loads a whole generated ledger into an empty database in one transaction, recorded in the
 * audit log as one bulk entry (a per-row trail of synthetic data would only bury real entries).
 */
export function loadLedger(db: Db, who: Actor, label: string, agencies: readonly AgencyRecord[], assets: Iterable<BulkAsset>): { agencies: number; assets: number } {
  const c = db.$client;
  const insertAgency = c.prepare(
    `insert into agencies (code, name, level, parent_id, staff, authorized_posts, offices, longitude, latitude)
     values (@code, @name, @level, (select id from agencies where code = @parentCode), @staff, @authorizedPosts, @offices, @longitude, @latitude)`,
  );
  const insertAsset = c.prepare(
    `insert into assets (asset_tag, item_code, agency_id, model, serial_number, purchase_date, price_fen, funding_source, status,
       custodian, location, plate_number, odometer_km, calibration_valid_until, notes)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertService = c.prepare(
    `insert into maintenance_records (asset_id, date, kind, description, cost_fen, odometer_km, next_due_date) values (?, ?, ?, ?, ?, ?, ?)`,
  );
  const result = c.transaction(() => {
    const indexedUpTo = lastAssetIdSync(db);
    const ids = new Map<string, number>();
    for (const a of agencies) ids.set(a.code, Number(insertAgency.run(a).lastInsertRowid));
    let n = 0;
    for (const s of assets) {
      const { lastInsertRowid } = insertAsset.run(
        s.assetTag, s.itemCode, ids.get(s.agencyCode), s.model, s.serialNumber ?? null, s.purchaseDate, s.priceFen, s.fundingSource ?? null,
        s.status, s.custodian, s.location ?? null, s.plateNumber, s.odometerKm, s.calibrationValidUntil, s.notes,
      );
      if (s.service) {
        const m = s.service;
        insertService.run(lastInsertRowid, m.date, m.kind, m.description, m.costFen, m.odometerKm, m.nextDueDate);
      }
      n++;
    }
    indexAssetsAfterSync(db, indexedUpTo);
    const counts = { agencies: agencies.length, assets: n };
    appendAuditSync(db, who, [{ action: 'bulk', entity: 'ledger', entityKey: label, after: counts, agencies: [] }]);
    return counts;
  })();
  c.exec('analyze');
  return result;
}

export function isEmptyLedger(db: Db): boolean {
  return !db.$client.prepare('select 1 from agencies limit 1').get();
}
