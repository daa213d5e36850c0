import type { AssetRow } from '../../lib/domain/assets';
import type { CalibrationFields, CalibrationInput, CalibrationLogRow, MaintenanceFields, MaintenanceInput, MaintenanceLogRow, VoidMark } from '../../lib/domain/records';
import { UserError } from '../../lib/problems';
import type { Db } from '../types';
import { appendAuditSync, type Actor, type AuditEntry } from './audit';
import { assetStateSync } from './asset-writes';

/** Logs maintenance; a repair can send the asset to 维修 or bring it back into service, and updates the odometer. */
export function addMaintenance(db: Db, who: Actor, m: MaintenanceInput): number {
  return db.$client.transaction(() => {
    const before = assetStateSync(db, m.assetId);
    if (before.status === 'scrapped') throw new UserError([{ field: 'assetId', message: '已报废的装备不能登记维护' }]);
    const id = Number(db.$client.prepare(
      `insert into maintenance_records (asset_id, date, kind, description, cost_fen, vendor, odometer_km, next_due_date)
       values (@assetId, @date, @kind, @description, @costFen, @vendor, @odometerKm, @nextDueDate)`,
    ).run(m).lastInsertRowid);
    const changes: string[] = [];
    if (m.setStatus && m.setStatus !== before.status) changes.push('status = @setStatus');
    if (m.odometerKm !== null && (before.odometerKm === null || m.odometerKm > before.odometerKm)) changes.push('odometer_km = @odometerKm');
    if (changes.length) db.$client.prepare(`update assets set ${changes.join(', ')} where id = @assetId`).run(m);
    appendAuditSync(db, who, [
      { action: 'create', entity: 'maintenance', entityKey: `${before.assetTag}#${id}`, after: m, agencies: [before.agencyCode] },
      ...(changes.length ? [{ action: 'update' as const, entity: 'asset', entityKey: before.assetTag, before, after: assetStateSync(db, m.assetId), agencies: [before.agencyCode] }] : []),
    ]);
    return id;
  })();
}

/** Records a verification; a passed one moves the asset's calibration date forward. */
export function addCalibration(db: Db, who: Actor, c: CalibrationInput): number {
  return db.$client.transaction(() => {
    const before = assetStateSync(db, c.assetId);
    if (c.validUntil < c.date) throw new UserError([{ field: 'validUntil', message: '有效期不能早于检定日期' }]);
    const id = Number(db.$client.prepare(
      `insert into calibrations (asset_id, date, valid_until, certificate_no, institution, result, notes)
       values (@assetId, @date, @validUntil, @certificateNo, @institution, @result, @notes)`,
    ).run(c).lastInsertRowid);
    const entries: AuditEntry[] = [{ action: 'create', entity: 'calibration', entityKey: `${before.assetTag}#${id}`, after: c, agencies: [before.agencyCode] }];
    if (c.result === 'pass' && (before.calibrationValidUntil === null || c.validUntil > before.calibrationValidUntil)) {
      db.$client.prepare('update assets set calibration_valid_until = ? where id = ?').run(c.validUntil, c.assetId);
      entries.push({ action: 'update', entity: 'asset', entityKey: before.assetTag, before, after: assetStateSync(db, c.assetId), agencies: [before.agencyCode] });
    }
    appendAuditSync(db, who, entries);
    return id;
  })();
}

export type MaintenanceRecord = MaintenanceFields & VoidMark & { id: number; assetId: number };
export type CalibrationRecord = CalibrationFields & VoidMark & { id: number; assetId: number };

export const MAINTENANCE_COLUMNS = `id, asset_id as assetId, date, kind, description, cost_fen as costFen, vendor, odometer_km as odometerKm, next_due_date as nextDueDate,
  voided_at as voidedAt, voided_by as voidedBy, void_reason as voidReason`;
export const CALIBRATION_COLUMNS = `id, asset_id as assetId, date, valid_until as validUntil, certificate_no as certificateNo, institution, result, notes,
  voided_at as voidedAt, voided_by as voidedBy, void_reason as voidReason`;

function maintenanceRecord(db: Db, id: number): MaintenanceRecord {
  const row = db.$client.prepare(`select ${MAINTENANCE_COLUMNS} from maintenance_records where id = ?`).get(id) as MaintenanceRecord | undefined;
  if (!row) throw new UserError([{ field: 'id', message: `维护记录 #${id} 不存在` }]);
  return row;
}

function calibrationRecord(db: Db, id: number): CalibrationRecord {
  const row = db.$client.prepare(`select ${CALIBRATION_COLUMNS} from calibrations where id = ?`).get(id) as CalibrationRecord | undefined;
  if (!row) throw new UserError([{ field: 'id', message: `检定记录 #${id} 不存在` }]);
  return row;
}

/** The asset a maintenance or calibration record belongs to, for the caller's scope check. */
export function recordAssetId(db: Db, kind: 'maintenance' | 'calibration', id: number): number {
  return (kind === 'maintenance' ? maintenanceRecord(db, id) : calibrationRecord(db, id)).assetId;
}

/** The record as the audit log keeps it: its own fields, without the asset id it cannot change. */
export const auditedRecord = <T extends { assetId: number }>({ assetId: _, ...rest }: T) => rest;

function notVoided(r: VoidMark, what: string): void {
  if (r.voidedAt !== null) throw new UserError([{ field: 'id', message: `该${what}已作废(${r.voidReason}),不能再修改或作废` }]);
}

/** Corrects a maintenance record; a higher odometer reading moves the asset's odometer forward, as a new record does. */
export function updateMaintenance(db: Db, who: Actor, id: number, f: MaintenanceFields): number {
  return db.$client.transaction(() => {
    const before = maintenanceRecord(db, id);
    notVoided(before, '维护记录');
    const asset = assetStateSync(db, before.assetId);
    db.$client.prepare(
      `update maintenance_records set date = @date, kind = @kind, description = @description, cost_fen = @costFen, vendor = @vendor,
         odometer_km = @odometerKm, next_due_date = @nextDueDate where id = @id`,
    ).run({ ...f, id });
    const after = maintenanceRecord(db, id);
    const entries: AuditEntry[] = [{ action: 'update', entity: 'maintenance', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(after), agencies: [asset.agencyCode] }];
    if (f.odometerKm !== null && (asset.odometerKm === null || f.odometerKm > asset.odometerKm)) {
      db.$client.prepare('update assets set odometer_km = ? where id = ?').run(f.odometerKm, asset.id);
      entries.push({ action: 'update', entity: 'asset', entityKey: asset.assetTag, before: asset, after: assetStateSync(db, asset.id), agencies: [asset.agencyCode] });
    }
    appendAuditSync(db, who, entries);
    return id;
  })();
}

/** Voids a maintenance record with a reason: it stays in the asset's history and counts for nothing. */
export function voidMaintenance(db: Db, who: Actor, id: number, reason: string): number {
  return db.$client.transaction(() => {
    const before = maintenanceRecord(db, id);
    notVoided(before, '维护记录');
    const asset = assetStateSync(db, before.assetId);
    db.$client.prepare('update maintenance_records set voided_at = ?, voided_by = ?, void_reason = ? where id = ?').run(who.at, who.actor, reason, id);
    appendAuditSync(db, who, [{ action: 'void', entity: 'maintenance', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(maintenanceRecord(db, id)), agencies: [asset.agencyCode] }]);
    return id;
  })();
}

/**
 * The asset's calibration date once a record changed: a passed record that set the date gives way to the
 * other valid records and to the date the asset had before that record moved it (kept in the audit log);
 * the record as it now reads (null when voided) moves the date forward as a new record would.
 */
function settleCalibration(db: Db, asset: AssetRow, old: CalibrationRecord, now: CalibrationRecord | null): AuditEntry | null {
  let next = asset.calibrationValidUntil;
  if (old.result === 'pass' && next === old.validUntil) {
    const others = db.$client.prepare(
      `select max(valid_until) from calibrations where asset_id = ? and id <> ? and result = 'pass' and voided_at is null`,
    ).pluck().get(asset.id, old.id) as string | null;
    const created = db.$client.prepare(`select id, at from audit_log where entity = 'calibration' and entity_key = ? and action = 'create'`)
      .get(`${asset.assetTag}#${old.id}`) as { id: number; at: string } | undefined;
    const moved = created && db.$client.prepare(`select before from audit_log where id = ? and entity = 'asset' and entity_key = ? and action = 'update' and at = ?`)
      .pluck().get(created.id + 1, asset.assetTag, created.at) as string | undefined;
    const prior = moved ? ((JSON.parse(moved) as AssetRow).calibrationValidUntil ?? null) : null;
    next = [others, prior].filter((d): d is string => d !== null).sort().at(-1) ?? null;
  }
  if (now && now.result === 'pass' && (next === null || now.validUntil > next)) next = now.validUntil;
  if (next === asset.calibrationValidUntil) return null;
  db.$client.prepare('update assets set calibration_valid_until = ? where id = ?').run(next, asset.id);
  return { action: 'update', entity: 'asset', entityKey: asset.assetTag, before: asset, after: assetStateSync(db, asset.id), agencies: [asset.agencyCode] };
}

/** Corrects a calibration record; the asset's calibration date follows the corrected record. */
export function updateCalibration(db: Db, who: Actor, id: number, f: CalibrationFields): number {
  return db.$client.transaction(() => {
    const before = calibrationRecord(db, id);
    notVoided(before, '检定记录');
    if (f.validUntil < f.date) throw new UserError([{ field: 'validUntil', message: '有效期不能早于检定日期' }]);
    const asset = assetStateSync(db, before.assetId);
    db.$client.prepare(
      `update calibrations set date = @date, valid_until = @validUntil, certificate_no = @certificateNo, institution = @institution,
         result = @result, notes = @notes where id = @id`,
    ).run({ ...f, id });
    const after = calibrationRecord(db, id);
    const moved = settleCalibration(db, asset, before, after);
    appendAuditSync(db, who, [
      { action: 'update', entity: 'calibration', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(after), agencies: [asset.agencyCode] },
      ...(moved ? [moved] : []),
    ]);
    return id;
  })();
}

/** Voids a calibration record: it no longer makes the instrument usable, and stays in its history. */
export function voidCalibration(db: Db, who: Actor, id: number, reason: string): number {
  return db.$client.transaction(() => {
    const before = calibrationRecord(db, id);
    notVoided(before, '检定记录');
    const asset = assetStateSync(db, before.assetId);
    db.$client.prepare('update calibrations set voided_at = ?, voided_by = ?, void_reason = ? where id = ?').run(who.at, who.actor, reason, id);
    const moved = settleCalibration(db, asset, before, null);
    appendAuditSync(db, who, [
      { action: 'void', entity: 'calibration', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(calibrationRecord(db, id)), agencies: [asset.agencyCode] },
      ...(moved ? [moved] : []),
    ]);
    return id;
  })();
}

const LOG_JOIN = `join assets s on s.id = r.asset_id join agencies a on a.id = s.agency_id join catalog_items c on c.code = s.item_code`;
const LOG_ASSET = `s.asset_tag as assetTag, s.item_code as itemCode, c.name as itemName, a.code as agencyCode, a.name as agencyName`;

/** Maintenance records dated within [from, to] that count (not voided), oldest first. */
export function maintenanceLog(db: Db, from: string, to: string): MaintenanceLogRow[] {
  return db.$client.prepare(
    `select r.date, ${LOG_ASSET}, r.kind, r.description, r.cost_fen as costFen, r.vendor, r.odometer_km as odometerKm, r.next_due_date as nextDueDate
     from maintenance_records r ${LOG_JOIN} where r.date between ? and ? and r.voided_at is null order by r.date, r.id`,
  ).all(from, to) as MaintenanceLogRow[];
}

/** Calibrations dated within [from, to] that count (not voided), oldest first. */
export function calibrationLog(db: Db, from: string, to: string): CalibrationLogRow[] {
  return db.$client.prepare(
    `select r.date, r.valid_until as validUntil, ${LOG_ASSET}, r.certificate_no as certificateNo, r.institution, r.result, r.notes
     from calibrations r ${LOG_JOIN} where r.date between ? and ? and r.voided_at is null order by r.date, r.id`,
  ).all(from, to) as CalibrationLogRow[];
}
