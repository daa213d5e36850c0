import type { AssetFields, BulkChange, AssetRow } from '../../lib/domain/assets';
import { UserError } from '../../lib/problems';
import { sql, type RawBuilder } from 'kysely';
import { inList, type Tx } from '../store';
import { actorDay, appendAudit, type Actor, type AuditEntry } from './audit';
import { getAssetRow, getAssetRows } from './assets';
import { indexAssetsAfter, lastAssetId } from './search';


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

/** Rows per multi-row insert of custody records (4 values each). */
const CUSTODY_ROWS = 500;

/**
 * Keeps the custody history of assets that changed (before null: just registered): when one changes hands
 * (custodian or agency), its open record closes on the day and a new one opens for the new custodian.
 */
export async function recordCustodies(tx: Tx, who: Actor, changes: readonly (readonly [AssetRow | null, AssetRow])[]): Promise<void> {
  const moved = changes.filter(([before, after]) => !before || before.custodian !== after.custodian || before.agencyCode !== after.agencyCode).map(([, after]) => after);
  if (!moved.length) return;
  const day = actorDay(who);
  await tx.run(sql`update custody_records set to_date = ${day} where to_date is null and ${inList(tx, sql.ref('asset_id'), moved.map((a) => a.id))}`);
  const held = moved.filter((a) => a.custodian && a.status !== 'scrapped');
  for (let i = 0; i < held.length; i += CUSTODY_ROWS) {
    await tx.run(sql`insert into custody_records (asset_id, agency_id, custodian, from_date) values ${sql.join(held.slice(i, i + CUSTODY_ROWS).map((a) =>
      sql`(${a.id}, (select id from agencies where code = ${a.agencyCode}), ${a.custodian}, ${day})`))}`);
  }
}

/** `recordCustodies` for one asset. */
export function recordCustody(tx: Tx, who: Actor, before: AssetRow | null, after: AssetRow): Promise<void> {
  return recordCustodies(tx, who, [[before, after]]);
}

async function tagTaken(tx: Tx, tag: string, exceptId?: number): Promise<void> {
  const other = await tx.get<{ id: number }>(sql`select id from assets where asset_tag = ${tag}`);
  if (other && other.id !== exceptId) throw new UserError([{ field: 'assetTag', message: `资产编号「${tag}」已被其他装备使用` }]);
}

/** An asset's fields as written; what a bulk load does not know (serial number, funding, location) is left blank. */
export type StoredFields = Omit<AssetFields, 'agencyCode' | 'serialNumber' | 'fundingSource' | 'location'>
  & Partial<Pick<AssetFields, 'serialNumber' | 'fundingSource' | 'location'>>;

const FIELD_COLUMNS = ['asset_tag', 'item_code', 'agency_id', 'model', 'serial_number', 'purchase_date', 'price_fen', 'funding_source', 'status',
  'custodian', 'location', 'plate_number', 'odometer_km', 'calibration_valid_until', 'notes'] as const;

function fieldValues(f: StoredFields, agency: number): unknown[] {
  return [f.assetTag, f.itemCode, agency, f.model, f.serialNumber ?? null, f.purchaseDate, f.priceFen, f.fundingSource ?? null, f.status,
    f.custodian, f.location ?? null, f.plateNumber, f.odometerKm, f.calibrationValidUntil, f.notes];
}

/** The column list of an insert of assets' fields. */
export const ASSET_FIELD_COLUMNS = sql.join(FIELD_COLUMNS.map((c) => sql.ref(c)));

/** One row of values for `ASSET_FIELD_COLUMNS`. */
export const assetFieldValues = (f: StoredFields, agency: number): RawBuilder<unknown> => sql`(${sql.join(fieldValues(f, agency))})`;

/** Registers a new asset; its status cannot start as scrapped (that goes through 报废). Call inside a write transaction. */
export async function createAsset(tx: Tx, who: Actor, f: AssetFields, batch?: string): Promise<AssetRow> {
  await tagTaken(tx, f.assetTag);
  await checkItem(tx, f.itemCode);
  if (f.status === 'scrapped') throw new UserError([{ field: 'status', message: '新登记的装备不能为报废状态;报废请走报废流程' }]);
  const indexedUpTo = await lastAssetId(tx);
  const { id } = (await tx.get<{ id: number }>(sql`insert into assets (${ASSET_FIELD_COLUMNS})
    values ${assetFieldValues(f, await agencyId(tx, f.agencyCode))} returning id`))!;
  await indexAssetsAfter(tx, indexedUpTo);
  const after = await assetState(tx, id);
  await recordCustody(tx, who, null, after);
  await appendAudit(tx, who, [{ action: 'create', entity: 'asset', entityKey: f.assetTag, after, batch, agencies: [after.agencyCode] }]);
  return after;
}

/** Edits an asset's fields; scrapping and un-scrapping go through 报废, not through an edit. Call inside a write transaction. */
export async function updateAsset(tx: Tx, who: Actor, id: number, f: AssetFields): Promise<AssetRow> {
  const before = await assetState(tx, id);
  await tagTaken(tx, f.assetTag, id);
  await checkItem(tx, f.itemCode);
  if ((f.status === 'scrapped') !== (before.status === 'scrapped')) {
    throw new UserError([{ field: 'status', message: before.status === 'scrapped' ? '已报废的装备不能恢复' : '报废须经报废审批流程' }]);
  }
  const values = fieldValues(f, await agencyId(tx, f.agencyCode));
  await tx.run(sql`update assets set ${sql.join(FIELD_COLUMNS.map((c, i) => sql`${sql.ref(c)} = ${values[i]}`))} where id = ${id}`);
  const after = await assetState(tx, id);
  await recordCustody(tx, who, before, after);
  await appendAudit(tx, who, [{ action: 'update', entity: 'asset', entityKey: after.assetTag, before, after, agencies: [before.agencyCode, after.agencyCode] }]);
  return after;
}

/**
 * One change to many assets (each named once, however often it is listed), in statements over all of them; every
 * asset's before and after share one audit batch. Call inside a write transaction.
 */
export async function bulkUpdateAssets(tx: Tx, who: Actor, batch: string, ids: readonly number[], change: BulkChange): Promise<number> {
  const wanted = [...new Set(ids)];
  const rows = await getAssetRows(tx, wanted);
  if (rows.length < wanted.length) {
    const held = new Set(rows.map((r) => r.id));
    throw new UserError([{ field: 'assetId', message: `装备 #${wanted.find((id) => !held.has(id))} 不存在` }]);
  }
  const scrapped = rows.filter((r) => r.status === 'scrapped');
  if (scrapped.length) {
    throw new UserError([{ field: 'ids', message: `所选装备中有 ${scrapped.length} 件已报废(如 ${scrapped[0].assetTag}),不能批量修改` }]);
  }
  const set = 'status' in change ? sql`status = ${change.status}`
    : 'agencyCode' in change ? sql`agency_id = ${await agencyId(tx, change.agencyCode)}`
    : sql`custodian = ${change.custodian}`;
  await tx.run(sql`update assets set ${set} where ${inList(tx, sql.ref('id'), wanted)}`);
  const afterOf = new Map((await getAssetRows(tx, wanted)).map((r) => [r.id, r]));
  const changes = rows.map((before) => [before, afterOf.get(before.id)!] as const);
  await recordCustodies(tx, who, changes);
  const entries: AuditEntry[] = changes.map(([before, after]) => (
    { action: 'update', entity: 'asset', entityKey: before.assetTag, before, after, batch, agencies: [before.agencyCode, after.agencyCode] }));
  entries.push({ action: 'bulk', entity: 'bulk-edit', entityKey: `${rows.length}`, after: change, batch, agencies: entries.flatMap((e) => e.agencies) });
  await appendAudit(tx, who, entries);
  return rows.length;
}
