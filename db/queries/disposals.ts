import type { DisposalRow } from '../../lib/domain/records';
import { UserError } from '../../lib/problems';
import type { Db } from '../types';
import { appendAuditSync, type Actor } from './audit';
import { assetStateSync, recordCustodySync } from './asset-writes';
import { sql } from 'kysely';
import type { Tx } from '../store';

export const DISPOSAL_SELECT = `select d.id, d.asset_id as assetId, s.asset_tag as assetTag, s.item_code as itemCode, c.name as itemName, a.code as agencyCode,
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

export async function disposalAssetId(tx: Tx, id: number): Promise<number | undefined> {
  return (await tx.get<{ assetId: number }>(sql`select asset_id as "assetId" from disposals where id = ${id}`))?.assetId;
}

export function disposalAssetIdSync(db: Db, id: number): number | undefined {
  return db.$client.prepare('select asset_id from disposals where id = ?').pluck().get(id) as number | undefined;
}

/** 报废申请: one open request per asset. */
export function requestDisposal(db: Db, who: Actor, assetId: number, reason: string): DisposalRow {
  return db.$client.transaction(() => {
    const asset = assetStateSync(db, assetId);
    if (asset.status === 'scrapped') throw new UserError([{ field: 'assetId', message: '该装备已报废' }]);
    if (db.$client.prepare(`select 1 from disposals where asset_id = ? and status in ('requested','approved')`).get(assetId)) {
      throw new UserError([{ field: 'assetId', message: '该装备已有未办结的报废申请' }]);
    }
    const id = Number(db.$client.prepare(
      `insert into disposals (asset_id, status, reason, requested_by, requested_at) values (?, 'requested', ?, ?, ?)`,
    ).run(assetId, reason, who.actor, who.at).lastInsertRowid);
    const after = disposal(db, id);
    appendAuditSync(db, who, [{ action: 'create', entity: 'disposal', entityKey: `${asset.assetTag}#${id}`, after, agencies: [asset.agencyCode] }]);
    return after;
  })();
}

function move(db: Db, who: Actor, id: number, from: DisposalRow['status'], apply: (d: DisposalRow) => void): DisposalRow {
  return db.$client.transaction(() => {
    const before = disposal(db, id);
    if (before.status !== from) throw new UserError([{ field: 'id', message: `报废申请当前为「${before.status}」,不能执行此操作` }]);
    apply(before);
    const after = disposal(db, id);
    appendAuditSync(db, who, [{ action: 'update', entity: 'disposal', entityKey: `${before.assetTag}#${id}`, before, after, agencies: [before.agencyCode] }]);
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
    const before = assetStateSync(db, d.assetId);
    db.$client.prepare(`update disposals set status = 'scrapped', disposed_date = ?, residual_value_fen = ? where id = ?`).run(disposedDate, residualValueFen, id);
    db.$client.prepare(`update assets set status = 'scrapped', custodian = null where id = ?`).run(d.assetId);
    const after = assetStateSync(db, d.assetId);
    recordCustodySync(db, who, before, after);
    appendAuditSync(db, who, [{ action: 'update', entity: 'asset', entityKey: before.assetTag, before, after, agencies: [before.agencyCode, after.agencyCode] }]);
  });
}
