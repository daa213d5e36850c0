import { sql, type RawBuilder } from 'kysely';
import type { AssetRow } from '../../lib/domain/assets';
import type { CalibrationFields, CalibrationInput, CalibrationLogRow, MaintenanceFields, MaintenanceInput, MaintenanceLogRow, VoidMark } from '../../lib/domain/records';
import { UserError } from '../../lib/problems';
import type { Tx } from '../store';
import { appendAudit, type Actor, type AuditEntry } from './audit';
import { assetState } from './asset-writes';

/**
 * Logs maintenance; a repair can send the asset to 维修 or bring it back into service, and updates the odometer.
 * Call inside a write transaction.
 */
export async function addMaintenance(tx: Tx, who: Actor, m: MaintenanceInput): Promise<number> {
  const before = await assetState(tx, m.assetId);
  if (before.status === 'scrapped') throw new UserError([{ field: 'assetId', message: '已报废的装备不能登记维护' }]);
  const { id } = (await tx.get<{ id: number }>(sql`insert into maintenance_records (asset_id, date, kind, description, cost_fen, vendor, odometer_km, next_due_date)
    values (${m.assetId}, ${m.date}, ${m.kind}, ${m.description}, ${m.costFen}, ${m.vendor}, ${m.odometerKm}, ${m.nextDueDate}) returning id`))!;
  const changes: RawBuilder<unknown>[] = [];
  if (m.setStatus && m.setStatus !== before.status) changes.push(sql`status = ${m.setStatus}`);
  if (m.odometerKm !== null && (before.odometerKm === null || m.odometerKm > before.odometerKm)) changes.push(sql`odometer_km = ${m.odometerKm}`);
  if (changes.length) await tx.run(sql`update assets set ${sql.join(changes)} where id = ${m.assetId}`);
  await appendAudit(tx, who, [
    { action: 'create', entity: 'maintenance', entityKey: `${before.assetTag}#${id}`, after: m, agencies: [before.agencyCode] },
    ...(changes.length ? [{ action: 'update' as const, entity: 'asset', entityKey: before.assetTag, before, after: await assetState(tx, m.assetId), agencies: [before.agencyCode] }] : []),
  ]);
  return id;
}

/** Records a verification; a passed one moves the asset's calibration date forward. Call inside a write transaction. */
export async function addCalibration(tx: Tx, who: Actor, c: CalibrationInput): Promise<number> {
  const before = await assetState(tx, c.assetId);
  if (c.validUntil < c.date) throw new UserError([{ field: 'validUntil', message: '有效期不能早于检定日期' }]);
  const { id } = (await tx.get<{ id: number }>(sql`insert into calibrations (asset_id, date, valid_until, certificate_no, institution, result, notes)
    values (${c.assetId}, ${c.date}, ${c.validUntil}, ${c.certificateNo}, ${c.institution}, ${c.result}, ${c.notes}) returning id`))!;
  const entries: AuditEntry[] = [{ action: 'create', entity: 'calibration', entityKey: `${before.assetTag}#${id}`, after: c, agencies: [before.agencyCode] }];
  if (c.result === 'pass' && (before.calibrationValidUntil === null || c.validUntil > before.calibrationValidUntil)) {
    await tx.run(sql`update assets set calibration_valid_until = ${c.validUntil} where id = ${c.assetId}`);
    entries.push({ action: 'update', entity: 'asset', entityKey: before.assetTag, before, after: await assetState(tx, c.assetId), agencies: [before.agencyCode] });
  }
  await appendAudit(tx, who, entries);
  return id;
}

export type MaintenanceRecord = MaintenanceFields & VoidMark & { id: number; assetId: number };
export type CalibrationRecord = CalibrationFields & VoidMark & { id: number; assetId: number };

const MAINTENANCE_SELECT = sql`select id, asset_id as "assetId", date, kind, description, cost_fen as "costFen", vendor, odometer_km as "odometerKm",
  next_due_date as "nextDueDate", voided_at as "voidedAt", voided_by as "voidedBy", void_reason as "voidReason" from maintenance_records`;
const CALIBRATION_SELECT = sql`select id, asset_id as "assetId", date, valid_until as "validUntil", certificate_no as "certificateNo", institution, result, notes,
  voided_at as "voidedAt", voided_by as "voidedBy", void_reason as "voidReason" from calibrations`;

/** An asset's maintenance records (voided ones too, marked), newest first. */
export function maintenanceOf(tx: Tx, assetId: number): Promise<MaintenanceRecord[]> {
  return tx.all<MaintenanceRecord>(sql`${MAINTENANCE_SELECT} where asset_id = ${assetId} order by date desc, id desc`);
}

/** An asset's calibrations (voided ones too, marked), newest first. */
export function calibrationsOf(tx: Tx, assetId: number): Promise<CalibrationRecord[]> {
  return tx.all<CalibrationRecord>(sql`${CALIBRATION_SELECT} where asset_id = ${assetId} order by date desc, id desc`);
}

async function maintenanceRecord(tx: Tx, id: number): Promise<MaintenanceRecord> {
  const row = await tx.get<MaintenanceRecord>(sql`${MAINTENANCE_SELECT} where id = ${id}`);
  if (!row) throw new UserError([{ field: 'id', message: `维护记录 #${id} 不存在` }]);
  return row;
}

async function calibrationRecord(tx: Tx, id: number): Promise<CalibrationRecord> {
  const row = await tx.get<CalibrationRecord>(sql`${CALIBRATION_SELECT} where id = ${id}`);
  if (!row) throw new UserError([{ field: 'id', message: `检定记录 #${id} 不存在` }]);
  return row;
}

/** The asset a maintenance or calibration record belongs to, for the caller's scope check; an unknown id is the user's error. */
export async function recordAssetId(tx: Tx, kind: 'maintenance' | 'calibration', id: number): Promise<number> {
  return (kind === 'maintenance' ? await maintenanceRecord(tx, id) : await calibrationRecord(tx, id)).assetId;
}

/** The record as the audit log keeps it: its own fields, without the asset id it cannot change. */
export const auditedRecord = <T extends { assetId: number }>({ assetId: _, ...rest }: T) => rest;

function notVoided(r: VoidMark, what: string): void {
  if (r.voidedAt !== null) throw new UserError([{ field: 'id', message: `该${what}已作废(${r.voidReason}),不能再修改或作废` }]);
}

/**
 * Corrects a maintenance record; a higher odometer reading moves the asset's odometer forward, as a new record does.
 * Call inside a write transaction.
 */
export async function updateMaintenance(tx: Tx, who: Actor, id: number, f: MaintenanceFields): Promise<number> {
  const before = await maintenanceRecord(tx, id);
  notVoided(before, '维护记录');
  const asset = await assetState(tx, before.assetId);
  await tx.run(sql`update maintenance_records set date = ${f.date}, kind = ${f.kind}, description = ${f.description}, cost_fen = ${f.costFen},
    vendor = ${f.vendor}, odometer_km = ${f.odometerKm}, next_due_date = ${f.nextDueDate} where id = ${id}`);
  const after = await maintenanceRecord(tx, id);
  const entries: AuditEntry[] = [{ action: 'update', entity: 'maintenance', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(after), agencies: [asset.agencyCode] }];
  if (f.odometerKm !== null && (asset.odometerKm === null || f.odometerKm > asset.odometerKm)) {
    await tx.run(sql`update assets set odometer_km = ${f.odometerKm} where id = ${asset.id}`);
    entries.push({ action: 'update', entity: 'asset', entityKey: asset.assetTag, before: asset, after: await assetState(tx, asset.id), agencies: [asset.agencyCode] });
  }
  await appendAudit(tx, who, entries);
  return id;
}

/** Voids a maintenance record with a reason: it stays in the asset's history and counts for nothing. Call inside a write transaction. */
export async function voidMaintenance(tx: Tx, who: Actor, id: number, reason: string): Promise<number> {
  const before = await maintenanceRecord(tx, id);
  notVoided(before, '维护记录');
  const asset = await assetState(tx, before.assetId);
  await tx.run(sql`update maintenance_records set voided_at = ${who.at}, voided_by = ${who.actor}, void_reason = ${reason} where id = ${id}`);
  await appendAudit(tx, who, [{
    action: 'void', entity: 'maintenance', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(await maintenanceRecord(tx, id)), agencies: [asset.agencyCode],
  }]);
  return id;
}

/**
 * The asset's calibration date once a record changed: a passed record that set the date gives way to the
 * other valid records and to the date the asset had before that record moved it (kept in the audit log);
 * the record as it now reads (null when voided) moves the date forward as a new record would.
 */
async function settleCalibration(tx: Tx, asset: AssetRow, old: CalibrationRecord, now: CalibrationRecord | null): Promise<AuditEntry | null> {
  let next = asset.calibrationValidUntil;
  if (old.result === 'pass' && next === old.validUntil) {
    const others = (await tx.get<{ until: string | null }>(sql`select max(valid_until) as "until" from calibrations
      where asset_id = ${asset.id} and id <> ${old.id} and result = 'pass' and voided_at is null`))?.until ?? null;
    const created = await tx.get<{ id: number; at: string; actor: string }>(sql`select id, at, actor from audit_log
      where entity = 'calibration' and entity_key = ${`${asset.assetTag}#${old.id}`} and action = 'create'`);
    // The asset's entry the record's creation appended with it (same instant, same actor, next in the log), if it moved the date.
    const moved = created && (await tx.get<{ before: string | null }>(sql`select before from audit_log
      where id > ${created.id} and entity = 'asset' and entity_key = ${asset.assetTag} and action = 'update' and at = ${created.at} and actor = ${created.actor}
      order by id limit 1`))?.before;
    const prior = moved ? ((JSON.parse(moved) as AssetRow).calibrationValidUntil ?? null) : null;
    next = [others, prior].filter((d): d is string => d !== null).sort().at(-1) ?? null;
  }
  if (now && now.result === 'pass' && (next === null || now.validUntil > next)) next = now.validUntil;
  if (next === asset.calibrationValidUntil) return null;
  await tx.run(sql`update assets set calibration_valid_until = ${next} where id = ${asset.id}`);
  return { action: 'update', entity: 'asset', entityKey: asset.assetTag, before: asset, after: await assetState(tx, asset.id), agencies: [asset.agencyCode] };
}

/** Corrects a calibration record; the asset's calibration date follows the corrected record. Call inside a write transaction. */
export async function updateCalibration(tx: Tx, who: Actor, id: number, f: CalibrationFields): Promise<number> {
  const before = await calibrationRecord(tx, id);
  notVoided(before, '检定记录');
  if (f.validUntil < f.date) throw new UserError([{ field: 'validUntil', message: '有效期不能早于检定日期' }]);
  const asset = await assetState(tx, before.assetId);
  await tx.run(sql`update calibrations set date = ${f.date}, valid_until = ${f.validUntil}, certificate_no = ${f.certificateNo}, institution = ${f.institution},
    result = ${f.result}, notes = ${f.notes} where id = ${id}`);
  const after = await calibrationRecord(tx, id);
  const moved = await settleCalibration(tx, asset, before, after);
  await appendAudit(tx, who, [
    { action: 'update', entity: 'calibration', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(after), agencies: [asset.agencyCode] },
    ...(moved ? [moved] : []),
  ]);
  return id;
}

/** Voids a calibration record: it no longer makes the instrument usable, and stays in its history. Call inside a write transaction. */
export async function voidCalibration(tx: Tx, who: Actor, id: number, reason: string): Promise<number> {
  const before = await calibrationRecord(tx, id);
  notVoided(before, '检定记录');
  const asset = await assetState(tx, before.assetId);
  await tx.run(sql`update calibrations set voided_at = ${who.at}, voided_by = ${who.actor}, void_reason = ${reason} where id = ${id}`);
  const moved = await settleCalibration(tx, asset, before, null);
  await appendAudit(tx, who, [
    { action: 'void', entity: 'calibration', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(await calibrationRecord(tx, id)), agencies: [asset.agencyCode] },
    ...(moved ? [moved] : []),
  ]);
  return id;
}

const LOG_JOIN = sql`join assets s on s.id = r.asset_id join agencies a on a.id = s.agency_id join catalog_items c on c.code = s.item_code`;
const LOG_ASSET = sql`s.asset_tag as "assetTag", s.item_code as "itemCode", c.name as "itemName", a.code as "agencyCode", a.name as "agencyName"`;

/** Maintenance records dated within [from, to] that count (not voided), oldest first. */
export function maintenanceLog(tx: Tx, from: string, to: string): Promise<MaintenanceLogRow[]> {
  return tx.all<MaintenanceLogRow>(sql`select r.date, ${LOG_ASSET}, r.kind, r.description, r.cost_fen as "costFen", r.vendor, r.odometer_km as "odometerKm",
      r.next_due_date as "nextDueDate"
    from maintenance_records r ${LOG_JOIN} where r.date between ${from} and ${to} and r.voided_at is null order by r.date, r.id`);
}

/** Calibrations dated within [from, to] that count (not voided), oldest first. */
export function calibrationLog(tx: Tx, from: string, to: string): Promise<CalibrationLogRow[]> {
  return tx.all<CalibrationLogRow>(sql`select r.date, r.valid_until as "validUntil", ${LOG_ASSET}, r.certificate_no as "certificateNo", r.institution, r.result, r.notes
    from calibrations r ${LOG_JOIN} where r.date between ${from} and ${to} and r.voided_at is null order by r.date, r.id`);
}
