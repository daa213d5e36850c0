import { sql } from 'kysely';
import type { DisposalRow, DisposalStatus } from '../../lib/domain/records';
import { UserError } from '../../lib/problems';
import { inList, type Tx } from '../store';
import { appendAudit, type Actor } from './audit';
import { assetState, recordCustody } from './asset-writes';

const DISPOSAL_SELECT = sql`select d.id, d.asset_id as "assetId", s.asset_tag as "assetTag", s.item_code as "itemCode", c.name as "itemName",
    a.code as "agencyCode", a.name as "agencyName", d.status, d.reason, d.requested_by as "requestedBy", d.requested_at as "requestedAt",
    d.approval_ref as "approvalRef", d.approved_by as "approvedBy", d.approved_at as "approvedAt", d.disposed_date as "disposedDate",
    d.residual_value_fen as "residualValueFen"
  from disposals d join assets s on s.id = d.asset_id join agencies a on a.id = s.agency_id join catalog_items c on c.code = s.item_code`;

const STATUS_WORDS: Record<DisposalStatus, string> = { requested: '待审批', approved: '已批准', scrapped: '已报废', rejected: '未批准' };

async function disposal(tx: Tx, id: number): Promise<DisposalRow> {
  const row = await tx.get<DisposalRow>(sql`${DISPOSAL_SELECT} where d.id = ${id}`);
  if (!row) throw new UserError([{ field: 'id', message: `报废申请 #${id} 不存在` }]);
  return row;
}

/** Disposals of a status (else the newest 1,000 of any), newest first, of assets held within a set of agencies when given. */
export function listDisposals(tx: Tx, status: DisposalStatus | undefined, within: ReadonlySet<string> | null): Promise<DisposalRow[]> {
  const where = [
    ...(status ? [sql`d.status = ${status}`] : []),
    ...(within === null ? [] : [inList(tx, sql.ref('a.code'), [...within])]),
  ];
  return tx.all<DisposalRow>(sql`${DISPOSAL_SELECT} ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    order by d.id desc ${status ? sql`` : sql`limit 1000`}`);
}

/** An asset's disposal requests, newest first. */
export function disposalsOf(tx: Tx, assetId: number): Promise<DisposalRow[]> {
  return tx.all<DisposalRow>(sql`${DISPOSAL_SELECT} where d.asset_id = ${assetId} order by d.id desc`);
}

export async function disposalAssetId(tx: Tx, id: number): Promise<number | undefined> {
  return (await tx.get<{ assetId: number }>(sql`select asset_id as "assetId" from disposals where id = ${id}`))?.assetId;
}

/** 报废申请: one open request per asset. Call inside a write transaction. */
export async function requestDisposal(tx: Tx, who: Actor, assetId: number, reason: string, batch?: string): Promise<DisposalRow> {
  const asset = await assetState(tx, assetId);
  if (asset.status === 'scrapped') throw new UserError([{ field: 'assetId', message: '该装备已报废' }]);
  if (await tx.get(sql`select 1 as open from disposals where asset_id = ${assetId} and status in ('requested', 'approved')`)) {
    throw new UserError([{ field: 'assetId', message: '该装备已有未办结的报废申请' }]);
  }
  const { id } = (await tx.get<{ id: number }>(sql`insert into disposals (asset_id, status, reason, requested_by, requested_at)
    values (${assetId}, 'requested', ${reason}, ${who.actor}, ${who.at}) returning id`))!;
  const after = await disposal(tx, id);
  await appendAudit(tx, who, [{ action: 'create', entity: 'disposal', entityKey: `${asset.assetTag}#${id}`, after, batch, agencies: [asset.agencyCode] }]);
  return after;
}

/** One step of a request that must be at `from`: read, checked and changed in the caller's one write transaction. */
async function move(tx: Tx, who: Actor, id: number, from: DisposalStatus, apply: (d: DisposalRow) => Promise<void>): Promise<DisposalRow> {
  const before = await disposal(tx, id);
  if (before.status !== from) throw new UserError([{ field: 'id', message: `报废申请当前为「${STATUS_WORDS[before.status]}」,不能执行此操作` }]);
  await apply(before);
  const after = await disposal(tx, id);
  await appendAudit(tx, who, [{ action: 'update', entity: 'disposal', entityKey: `${before.assetTag}#${id}`, before, after, agencies: [before.agencyCode] }]);
  return after;
}

export function approveDisposal(tx: Tx, who: Actor, id: number, approvalRef: string): Promise<DisposalRow> {
  return move(tx, who, id, 'requested', async () => {
    await tx.run(sql`update disposals set status = 'approved', approval_ref = ${approvalRef}, approved_by = ${who.actor}, approved_at = ${who.at} where id = ${id}`);
  });
}

export function rejectDisposal(tx: Tx, who: Actor, id: number, note: string): Promise<DisposalRow> {
  return move(tx, who, id, 'requested', async () => {
    await tx.run(sql`update disposals set status = 'rejected', approval_ref = ${note}, approved_by = ${who.actor}, approved_at = ${who.at} where id = ${id}`);
  });
}

/** The approved disposal is carried out: the asset leaves the holdings and keeps its history. Call inside a write transaction. */
export function completeDisposal(tx: Tx, who: Actor, id: number, disposedDate: string, residualValueFen: number | null): Promise<DisposalRow> {
  return move(tx, who, id, 'approved', async (d) => {
    const before = await assetState(tx, d.assetId);
    await tx.run(sql`update disposals set status = 'scrapped', disposed_date = ${disposedDate}, residual_value_fen = ${residualValueFen} where id = ${id}`);
    await tx.run(sql`update assets set status = 'scrapped', custodian = null where id = ${d.assetId}`);
    const after = await assetState(tx, d.assetId);
    await recordCustody(tx, who, before, after);
    await appendAudit(tx, who, [{ action: 'update', entity: 'asset', entityKey: before.assetTag, before, after, agencies: [before.agencyCode, after.agencyCode] }]);
  });
}
