import type {
  AssetFields, AssetHistory, BulkChange, AssetRow, CalibrationFields, CalibrationInput, DisposalRow, MaintenanceFields, MaintenanceInput, VoidMark,
} from '../../api/contract';
import { UserError } from '../../lib/problems';
import type { Db } from '../types';
import { actorDay, appendAudit, type Actor, type AuditEntry } from './audit';
import { getAssetRow } from './assets';
import { indexAssetsAfter, lastAssetId } from './search';

const assetState = (db: Db, id: number): AssetRow => {
  const row = getAssetRow(db, id);
  if (!row) throw new UserError([{ field: 'assetId', message: `装备 #${id} 不存在` }]);
  return row;
};

/** The id of the agency with a code; an unknown code is the user's error at `field`. */
export function agencyId(db: Db, code: string, field = 'agencyCode'): number {
  const id = db.$client.prepare('select id from agencies where code = ?').pluck().get(code) as number | undefined;
  if (id === undefined) throw new UserError([{ field, message: `机构「${code}」不存在` }]);
  return id;
}

export function checkItem(db: Db, code: string, field = 'itemCode'): void {
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
export function recordCustody(db: Db, who: Actor, before: AssetRow | null, after: AssetRow): void {
  if (before && before.custodian === after.custodian && before.agencyCode === after.agencyCode) return;
  const day = actorDay(who);
  db.$client.prepare('update custody_records set to_date = ? where asset_id = ? and to_date is null').run(day, after.id);
  if (after.custodian && after.status !== 'scrapped') {
    db.$client.prepare(`insert into custody_records (asset_id, agency_id, custodian, from_date) values (?, (select id from agencies where code = ?), ?, ?)`)
      .run(after.id, after.agencyCode, after.custodian, day);
  }
}

const FIELD_COLUMNS = `asset_tag = @assetTag, item_code = @itemCode, agency_id = @agencyId, model = @model, serial_number = @serialNumber,
  purchase_date = @purchaseDate, price_fen = @priceFen, funding_source = @fundingSource, status = @status, custodian = @custodian,
  location = @location, plate_number = @plateNumber, odometer_km = @odometerKm, calibration_valid_until = @calibrationValidUntil, notes = @notes`;

/** Registers a new asset; its status cannot start as scrapped (that goes through 报废). */
export function createAsset(db: Db, who: Actor, f: AssetFields): AssetRow {
  return db.$client.transaction(() => {
    tagTaken(db, f.assetTag);
    checkItem(db, f.itemCode);
    if (f.status === 'scrapped') throw new UserError([{ field: 'status', message: '新登记的装备不能为报废状态;报废请走报废流程' }]);
    const indexedUpTo = lastAssetId(db);
    const id = Number(db.$client.prepare(
      `insert into assets (asset_tag, item_code, agency_id, model, serial_number, purchase_date, price_fen, funding_source, status, custodian,
         location, plate_number, odometer_km, calibration_valid_until, notes)
       values (@assetTag, @itemCode, @agencyId, @model, @serialNumber, @purchaseDate, @priceFen, @fundingSource, @status, @custodian,
         @location, @plateNumber, @odometerKm, @calibrationValidUntil, @notes)`,
    ).run({ ...f, agencyId: agencyId(db, f.agencyCode) }).lastInsertRowid);
    indexAssetsAfter(db, indexedUpTo);
    const after = assetState(db, id);
    recordCustody(db, who, null, after);
    appendAudit(db, who, [{ action: 'create', entity: 'asset', entityKey: f.assetTag, after, agencies: [after.agencyCode] }]);
    return after;
  })();
}

/** Edits an asset's fields; scrapping and un-scrapping go through 报废, not through an edit. */
export function updateAsset(db: Db, who: Actor, id: number, f: AssetFields): AssetRow {
  return db.$client.transaction(() => {
    const before = assetState(db, id);
    tagTaken(db, f.assetTag, id);
    checkItem(db, f.itemCode);
    if ((f.status === 'scrapped') !== (before.status === 'scrapped')) {
      throw new UserError([{ field: 'status', message: before.status === 'scrapped' ? '已报废的装备不能恢复' : '报废须经报废审批流程' }]);
    }
    db.$client.prepare(`update assets set ${FIELD_COLUMNS} where id = @id`).run({ ...f, agencyId: agencyId(db, f.agencyCode), id });
    const after = assetState(db, id);
    recordCustody(db, who, before, after);
    appendAudit(db, who, [{ action: 'update', entity: 'asset', entityKey: after.assetTag, before, after, agencies: [before.agencyCode, after.agencyCode] }]);
    return after;
  })();
}

/** Logs maintenance; a repair can send the asset to 维修 or bring it back into service, and updates the odometer. */
export function addMaintenance(db: Db, who: Actor, m: MaintenanceInput): number {
  return db.$client.transaction(() => {
    const before = assetState(db, m.assetId);
    if (before.status === 'scrapped') throw new UserError([{ field: 'assetId', message: '已报废的装备不能登记维护' }]);
    const id = Number(db.$client.prepare(
      `insert into maintenance_records (asset_id, date, kind, description, cost_fen, vendor, odometer_km, next_due_date)
       values (@assetId, @date, @kind, @description, @costFen, @vendor, @odometerKm, @nextDueDate)`,
    ).run(m).lastInsertRowid);
    const changes: string[] = [];
    if (m.setStatus && m.setStatus !== before.status) changes.push('status = @setStatus');
    if (m.odometerKm !== null && (before.odometerKm === null || m.odometerKm > before.odometerKm)) changes.push('odometer_km = @odometerKm');
    if (changes.length) db.$client.prepare(`update assets set ${changes.join(', ')} where id = @assetId`).run(m);
    appendAudit(db, who, [
      { action: 'create', entity: 'maintenance', entityKey: `${before.assetTag}#${id}`, after: m, agencies: [before.agencyCode] },
      ...(changes.length ? [{ action: 'update' as const, entity: 'asset', entityKey: before.assetTag, before, after: assetState(db, m.assetId), agencies: [before.agencyCode] }] : []),
    ]);
    return id;
  })();
}

/** Records a verification; a passed one moves the asset's calibration date forward. */
export function addCalibration(db: Db, who: Actor, c: CalibrationInput): number {
  return db.$client.transaction(() => {
    const before = assetState(db, c.assetId);
    if (c.validUntil < c.date) throw new UserError([{ field: 'validUntil', message: '有效期不能早于检定日期' }]);
    const id = Number(db.$client.prepare(
      `insert into calibrations (asset_id, date, valid_until, certificate_no, institution, result, notes)
       values (@assetId, @date, @validUntil, @certificateNo, @institution, @result, @notes)`,
    ).run(c).lastInsertRowid);
    const entries: AuditEntry[] = [{ action: 'create', entity: 'calibration', entityKey: `${before.assetTag}#${id}`, after: c, agencies: [before.agencyCode] }];
    if (c.result === 'pass' && (before.calibrationValidUntil === null || c.validUntil > before.calibrationValidUntil)) {
      db.$client.prepare('update assets set calibration_valid_until = ? where id = ?').run(c.validUntil, c.assetId);
      entries.push({ action: 'update', entity: 'asset', entityKey: before.assetTag, before, after: assetState(db, c.assetId), agencies: [before.agencyCode] });
    }
    appendAudit(db, who, entries);
    return id;
  })();
}

type MaintenanceRecord = MaintenanceFields & VoidMark & { id: number; assetId: number };
type CalibrationRecord = CalibrationFields & VoidMark & { id: number; assetId: number };

const MAINTENANCE_COLUMNS = `id, asset_id as assetId, date, kind, description, cost_fen as costFen, vendor, odometer_km as odometerKm, next_due_date as nextDueDate,
  voided_at as voidedAt, voided_by as voidedBy, void_reason as voidReason`;
const CALIBRATION_COLUMNS = `id, asset_id as assetId, date, valid_until as validUntil, certificate_no as certificateNo, institution, result, notes,
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
const auditedRecord = <T extends { assetId: number }>({ assetId: _, ...rest }: T) => rest;

function notVoided(r: VoidMark, what: string): void {
  if (r.voidedAt !== null) throw new UserError([{ field: 'id', message: `该${what}已作废(${r.voidReason}),不能再修改或作废` }]);
}

/** Corrects a maintenance record; a higher odometer reading moves the asset's odometer forward, as a new record does. */
export function updateMaintenance(db: Db, who: Actor, id: number, f: MaintenanceFields): number {
  return db.$client.transaction(() => {
    const before = maintenanceRecord(db, id);
    notVoided(before, '维护记录');
    const asset = assetState(db, before.assetId);
    db.$client.prepare(
      `update maintenance_records set date = @date, kind = @kind, description = @description, cost_fen = @costFen, vendor = @vendor,
         odometer_km = @odometerKm, next_due_date = @nextDueDate where id = @id`,
    ).run({ ...f, id });
    const after = maintenanceRecord(db, id);
    const entries: AuditEntry[] = [{ action: 'update', entity: 'maintenance', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(after), agencies: [asset.agencyCode] }];
    if (f.odometerKm !== null && (asset.odometerKm === null || f.odometerKm > asset.odometerKm)) {
      db.$client.prepare('update assets set odometer_km = ? where id = ?').run(f.odometerKm, asset.id);
      entries.push({ action: 'update', entity: 'asset', entityKey: asset.assetTag, before: asset, after: assetState(db, asset.id), agencies: [asset.agencyCode] });
    }
    appendAudit(db, who, entries);
    return id;
  })();
}

/** Voids a maintenance record with a reason: it stays in the asset's history and counts for nothing. */
export function voidMaintenance(db: Db, who: Actor, id: number, reason: string): number {
  return db.$client.transaction(() => {
    const before = maintenanceRecord(db, id);
    notVoided(before, '维护记录');
    const asset = assetState(db, before.assetId);
    db.$client.prepare('update maintenance_records set voided_at = ?, voided_by = ?, void_reason = ? where id = ?').run(who.at, who.actor, reason, id);
    appendAudit(db, who, [{ action: 'void', entity: 'maintenance', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(maintenanceRecord(db, id)), agencies: [asset.agencyCode] }]);
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
  return { action: 'update', entity: 'asset', entityKey: asset.assetTag, before: asset, after: assetState(db, asset.id), agencies: [asset.agencyCode] };
}

/** Corrects a calibration record; the asset's calibration date follows the corrected record. */
export function updateCalibration(db: Db, who: Actor, id: number, f: CalibrationFields): number {
  return db.$client.transaction(() => {
    const before = calibrationRecord(db, id);
    notVoided(before, '检定记录');
    if (f.validUntil < f.date) throw new UserError([{ field: 'validUntil', message: '有效期不能早于检定日期' }]);
    const asset = assetState(db, before.assetId);
    db.$client.prepare(
      `update calibrations set date = @date, valid_until = @validUntil, certificate_no = @certificateNo, institution = @institution,
         result = @result, notes = @notes where id = @id`,
    ).run({ ...f, id });
    const after = calibrationRecord(db, id);
    const moved = settleCalibration(db, asset, before, after);
    appendAudit(db, who, [
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
    const asset = assetState(db, before.assetId);
    db.$client.prepare('update calibrations set voided_at = ?, voided_by = ?, void_reason = ? where id = ?').run(who.at, who.actor, reason, id);
    const moved = settleCalibration(db, asset, before, null);
    appendAudit(db, who, [
      { action: 'void', entity: 'calibration', entityKey: `${asset.assetTag}#${id}`, before: auditedRecord(before), after: auditedRecord(calibrationRecord(db, id)), agencies: [asset.agencyCode] },
      ...(moved ? [moved] : []),
    ]);
    return id;
  })();
}

const DISPOSAL_SELECT = `select d.id, d.asset_id as assetId, s.asset_tag as assetTag, s.item_code as itemCode, c.name as itemName, a.code as agencyCode,
  a.name as agencyName, d.status, d.reason, d.requested_by as requestedBy, d.requested_at as requestedAt, d.approval_ref as approvalRef,
  d.approved_by as approvedBy, d.approved_at as approvedAt, d.disposed_date as disposedDate, d.residual_value_fen as residualValueFen
  from disposals d join assets s on s.id = d.asset_id join agencies a on a.id = s.agency_id join catalog_items c on c.code = s.item_code`;

function disposal(db: Db, id: number): DisposalRow {
  const row = db.$client.prepare(`${DISPOSAL_SELECT} where d.id = ?`).get(id) as DisposalRow | undefined;
  if (!row) throw new UserError([{ field: 'id', message: `报废申请 #${id} 不存在` }]);
  return row;
}

/** Disposals of a status (else the newest 1,000 of any), newest first, of assets held within a set of agencies when given. */
export function listDisposals(db: Db, status: DisposalRow['status'] | undefined, within: ReadonlySet<string> | null): DisposalRow[] {
  const codes = within === null ? null : JSON.stringify([...within]);
  return db.$client.prepare(
    `${DISPOSAL_SELECT} where (@status is null or d.status = @status) and (@codes is null or a.code in (select value from json_each(@codes)))
     order by d.id desc ${status ? '' : 'limit 1000'}`,
  ).all({ status: status ?? null, codes }) as DisposalRow[];
}

export function disposalAssetId(db: Db, id: number): number | undefined {
  return db.$client.prepare('select asset_id from disposals where id = ?').pluck().get(id) as number | undefined;
}

/** 报废申请: one open request per asset. */
export function requestDisposal(db: Db, who: Actor, assetId: number, reason: string): DisposalRow {
  return db.$client.transaction(() => {
    const asset = assetState(db, assetId);
    if (asset.status === 'scrapped') throw new UserError([{ field: 'assetId', message: '该装备已报废' }]);
    if (db.$client.prepare(`select 1 from disposals where asset_id = ? and status in ('requested','approved')`).get(assetId)) {
      throw new UserError([{ field: 'assetId', message: '该装备已有未办结的报废申请' }]);
    }
    const id = Number(db.$client.prepare(
      `insert into disposals (asset_id, status, reason, requested_by, requested_at) values (?, 'requested', ?, ?, ?)`,
    ).run(assetId, reason, who.actor, who.at).lastInsertRowid);
    const after = disposal(db, id);
    appendAudit(db, who, [{ action: 'create', entity: 'disposal', entityKey: `${asset.assetTag}#${id}`, after, agencies: [asset.agencyCode] }]);
    return after;
  })();
}

function move(db: Db, who: Actor, id: number, from: DisposalRow['status'], apply: (d: DisposalRow) => void): DisposalRow {
  return db.$client.transaction(() => {
    const before = disposal(db, id);
    if (before.status !== from) throw new UserError([{ field: 'id', message: `报废申请当前为「${before.status}」,不能执行此操作` }]);
    apply(before);
    const after = disposal(db, id);
    appendAudit(db, who, [{ action: 'update', entity: 'disposal', entityKey: `${before.assetTag}#${id}`, before, after, agencies: [before.agencyCode] }]);
    return after;
  })();
}

export function approveDisposal(db: Db, who: Actor, id: number, approvalRef: string): DisposalRow {
  return move(db, who, id, 'requested', () =>
    db.$client.prepare(`update disposals set status = 'approved', approval_ref = ?, approved_by = ?, approved_at = ? where id = ?`).run(approvalRef, who.actor, who.at, id));
}

export function rejectDisposal(db: Db, who: Actor, id: number, note: string): DisposalRow {
  return move(db, who, id, 'requested', () =>
    db.$client.prepare(`update disposals set status = 'rejected', approval_ref = ?, approved_by = ?, approved_at = ? where id = ?`).run(note, who.actor, who.at, id));
}

/** The approved disposal is carried out: the asset leaves the holdings and keeps its history. */
export function completeDisposal(db: Db, who: Actor, id: number, disposedDate: string, residualValueFen: number | null): DisposalRow {
  return move(db, who, id, 'approved', (d) => {
    const before = assetState(db, d.assetId);
    db.$client.prepare(`update disposals set status = 'scrapped', disposed_date = ?, residual_value_fen = ? where id = ?`).run(disposedDate, residualValueFen, id);
    db.$client.prepare(`update assets set status = 'scrapped', custodian = null where id = ?`).run(d.assetId);
    const after = assetState(db, d.assetId);
    recordCustody(db, who, before, after);
    appendAudit(db, who, [{ action: 'update', entity: 'asset', entityKey: before.assetTag, before, after, agencies: [before.agencyCode, after.agencyCode] }]);
  });
}

export function assetHistory(db: Db, id: number): Omit<AssetHistory, 'people'> {
  const asset = assetState(db, id);
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

/** One change to many assets in one transaction; every asset's before and after share one audit batch. */
export function bulkUpdateAssets(db: Db, who: Actor, batch: string, ids: number[], change: BulkChange): number {
  return db.$client.transaction(() => {
    const rows = ids.map((id) => assetState(db, id));
    const scrapped = rows.filter((r) => r.status === 'scrapped');
    if (scrapped.length) {
      throw new UserError([{ field: 'ids', message: `所选装备中有 ${scrapped.length} 件已报废(如 ${scrapped[0].assetTag}),不能批量修改` }]);
    }
    let set: string;
    let value: unknown;
    if ('status' in change) [set, value] = ['status = ?', change.status];
    else if ('agencyCode' in change) [set, value] = ['agency_id = ?', agencyId(db, change.agencyCode)];
    else [set, value] = ['custodian = ?', change.custodian];
    const update = db.$client.prepare(`update assets set ${set} where id = ?`);
    const entries: AuditEntry[] = rows.map((before) => {
      update.run(value, before.id);
      const after = assetState(db, before.id);
      recordCustody(db, who, before, after);
      return { action: 'update', entity: 'asset', entityKey: before.assetTag, before, after, batch, agencies: [before.agencyCode, after.agencyCode] };
    });
    entries.push({ action: 'bulk', entity: 'bulk-edit', entityKey: `${rows.length}`, after: change, batch, agencies: entries.flatMap((e) => e.agencies) });
    appendAudit(db, who, entries);
    return rows.length;
  })();
}

export interface MaintenanceLogRow {
  date: string;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  agencyName: string;
  kind: 'repair' | 'service' | 'inspection';
  description: string;
  costFen: number | null;
  vendor: string | null;
  odometerKm: number | null;
  nextDueDate: string | null;
}

export interface CalibrationLogRow {
  date: string;
  validUntil: string;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  agencyName: string;
  certificateNo: string | null;
  institution: string | null;
  result: 'pass' | 'fail';
  notes: string | null;
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
