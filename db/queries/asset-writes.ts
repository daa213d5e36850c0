import type { AssetFields, BulkChange, AssetRow } from '../../lib/domain/assets';
import { UserError } from '../../lib/problems';
import type { Db } from '../types';
import { sql } from 'kysely';
import type { Tx } from '../store';
import { actorDay, appendAuditSync, type Actor, type AuditEntry } from './audit';
import { getAssetRow, getAssetRowSync } from './assets';
import { indexAssetsAfterSync, lastAssetIdSync } from './search';

/** The asset's row; an unknown id is the user's error. */
export const assetStateSync = (db: Db, id: number): AssetRow => {
  const row = getAssetRowSync(db, id);
  if (!row) throw new UserError([{ field: 'assetId', message: `装备 #${id} 不存在` }]);
  return row;
};

/** The id of the agency with a code; an unknown code is the user's error at `field`. */
export function agencyIdSync(db: Db, code: string, field = 'agencyCode'): number {
  const id = db.$client.prepare('select id from agencies where code = ?').pluck().get(code) as number | undefined;
  if (id === undefined) throw new UserError([{ field, message: `机构「${code}」不存在` }]);
  return id;
}

export function checkItemSync(db: Db, code: string, field = 'itemCode'): void {
  if (!db.$client.prepare('select 1 from catalog_items where code = ?').get(code)) throw new UserError([{ field, message: `未知装备代码「${code}」` }]);
}

function tagTaken(db: Db, tag: string, exceptId?: number): void {
  const other = db.$client.prepare('select id from assets where asset_tag = ?').pluck().get(tag) as number | undefined;
  if (other !== undefined && other !== exceptId) throw new UserError([{ field: 'assetTag', message: `资产编号「${tag}」已被其他装备使用` }]);
}

/**
 * Keeps the custody history: when an asset changes hands (custodian or agency), the open record
 * closes on the day and a new one opens for the new custodian.
 */
export function recordCustodySync(db: Db, who: Actor, before: AssetRow | null, after: AssetRow): void {
  if (before && before.custodian === after.custodian && before.agencyCode === after.agencyCode) return;
  const day = actorDay(who);
  db.$client.prepare('update custody_records set to_date = ? where asset_id = ? and to_date is null').run(day, after.id);
  if (after.custodian && after.status !== 'scrapped') {
    db.$client.prepare(`insert into custody_records (asset_id, agency_id, custodian, from_date) values (?, (select id from agencies where code = ?), ?, ?)`)
      .run(after.id, after.agencyCode, after.custodian, day);
  }
}

/** The asset's row; an unknown id is the user's error. */
export async function assetState(tx: Tx, id: number): Promise<AssetRow> {
  const row = await getAssetRow(tx, id);
  if (!row) throw new UserError([{ field: 'assetId', message: `装备 #${id} 不存在` }]);
  return row;
}

/** The id of the agency with a code; an unknown code is the user's error at `field`. */
export async function agencyId(tx: Tx, code: string, field = 'agencyCode'): Promise<number> {
  const found = await tx.get<{ id: number }>(sql`select id from agencies where code = ${code}`);
  if (!found) throw new UserError([{ field, message: `机构「${code}」不存在` }]);
  return found.id;
}

export async function checkItem(tx: Tx, code: string, field = 'itemCode'): Promise<void> {
  if (!(await tx.get(sql`select 1 as one from catalog_items where code = ${code}`))) throw new UserError([{ field, message: `未知装备代码「${code}」` }]);
}

/**
 * Keeps the custody history: when an asset changes hands (custodian or agency), the open record
 * closes on the day and a new one opens for the new custodian.
 */
export async function recordCustody(tx: Tx, who: Actor, before: AssetRow | null, after: AssetRow): Promise<void> {
  if (before && before.custodian === after.custodian && before.agencyCode === after.agencyCode) return;
  const day = actorDay(who);
  await tx.run(sql`update custody_records set to_date = ${day} where asset_id = ${after.id} and to_date is null`);
  if (after.custodian && after.status !== 'scrapped') {
    await tx.run(sql`insert into custody_records (asset_id, agency_id, custodian, from_date)
      values (${after.id}, (select id from agencies where code = ${after.agencyCode}), ${after.custodian}, ${day})`);
  }
}

const FIELD_COLUMNS = `asset_tag = @assetTag, item_code = @itemCode, agency_id = @agencyIdSync, model = @model, serial_number = @serialNumber,
  purchase_date = @purchaseDate, price_fen = @priceFen, funding_source = @fundingSource, status = @status, custodian = @custodian,
  location = @location, plate_number = @plateNumber, odometer_km = @odometerKm, calibration_valid_until = @calibrationValidUntil, notes = @notes`;

/** Registers a new asset; its status cannot start as scrapped (that goes through 报废). */
export function createAsset(db: Db, who: Actor, f: AssetFields): AssetRow {
  return db.$client.transaction(() => {
    tagTaken(db, f.assetTag);
    checkItemSync(db, f.itemCode);
    if (f.status === 'scrapped') throw new UserError([{ field: 'status', message: '新登记的装备不能为报废状态;报废请走报废流程' }]);
    const indexedUpTo = lastAssetIdSync(db);
    const id = Number(db.$client.prepare(
      `insert into assets (asset_tag, item_code, agency_id, model, serial_number, purchase_date, price_fen, funding_source, status, custodian,
         location, plate_number, odometer_km, calibration_valid_until, notes)
       values (@assetTag, @itemCode, @agencyIdSync, @model, @serialNumber, @purchaseDate, @priceFen, @fundingSource, @status, @custodian,
         @location, @plateNumber, @odometerKm, @calibrationValidUntil, @notes)`,
    ).run({ ...f, agencyIdSync: agencyIdSync(db, f.agencyCode) }).lastInsertRowid);
    indexAssetsAfterSync(db, indexedUpTo);
    const after = assetStateSync(db, id);
    recordCustodySync(db, who, null, after);
    appendAuditSync(db, who, [{ action: 'create', entity: 'asset', entityKey: f.assetTag, after, agencies: [after.agencyCode] }]);
    return after;
  })();
}

/** Edits an asset's fields; scrapping and un-scrapping go through 报废, not through an edit. */
export function updateAsset(db: Db, who: Actor, id: number, f: AssetFields): AssetRow {
  return db.$client.transaction(() => {
    const before = assetStateSync(db, id);
    tagTaken(db, f.assetTag, id);
    checkItemSync(db, f.itemCode);
    if ((f.status === 'scrapped') !== (before.status === 'scrapped')) {
      throw new UserError([{ field: 'status', message: before.status === 'scrapped' ? '已报废的装备不能恢复' : '报废须经报废审批流程' }]);
    }
    db.$client.prepare(`update assets set ${FIELD_COLUMNS} where id = @id`).run({ ...f, agencyIdSync: agencyIdSync(db, f.agencyCode), id });
    const after = assetStateSync(db, id);
    recordCustodySync(db, who, before, after);
    appendAuditSync(db, who, [{ action: 'update', entity: 'asset', entityKey: after.assetTag, before, after, agencies: [before.agencyCode, after.agencyCode] }]);
    return after;
  })();
}

/** One change to many assets in one transaction; every asset's before and after share one audit batch. */
export function bulkUpdateAssets(db: Db, who: Actor, batch: string, ids: number[], change: BulkChange): number {
  return db.$client.transaction(() => {
    const rows = ids.map((id) => assetStateSync(db, id));
    const scrapped = rows.filter((r) => r.status === 'scrapped');
    if (scrapped.length) {
      throw new UserError([{ field: 'ids', message: `所选装备中有 ${scrapped.length} 件已报废(如 ${scrapped[0].assetTag}),不能批量修改` }]);
    }
    let set: string;
    let value: unknown;
    if ('status' in change) [set, value] = ['status = ?', change.status];
    else if ('agencyCode' in change) [set, value] = ['agency_id = ?', agencyIdSync(db, change.agencyCode)];
    else [set, value] = ['custodian = ?', change.custodian];
    const update = db.$client.prepare(`update assets set ${set} where id = ?`);
    const entries: AuditEntry[] = rows.map((before) => {
      update.run(value, before.id);
      const after = assetStateSync(db, before.id);
      recordCustodySync(db, who, before, after);
      return { action: 'update', entity: 'asset', entityKey: before.assetTag, before, after, batch, agencies: [before.agencyCode, after.agencyCode] };
    });
    entries.push({ action: 'bulk', entity: 'bulk-edit', entityKey: `${rows.length}`, after: change, batch, agencies: entries.flatMap((e) => e.agencies) });
    appendAuditSync(db, who, entries);
    return rows.length;
  })();
}
