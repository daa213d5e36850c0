import { sql } from 'kysely';
import type { AssetRow } from '../../lib/domain/assets';
import type { UndoableBatch } from '../../lib/domain/audit';
import { UserError } from '../../lib/problems';
import { inList, type Tx } from '../store';
import { agencyByCode } from './agencies';
import { recordCustodies } from './asset-writes';
import { assetsTagged, getAssetRows } from './assets';
import { actorTime, appendAudit, type Actor, type AuditEntry } from './audit';
import { agencyIds, IMPORTED_AGENCY_FIELDS, writeImportedFields, type ImportedAsset } from './imports';

/** The entries that open an import's or a bulk edit's batch in the log, written with it. */
const MARKERS: Record<string, UndoableBatch['kind']> = { import: 'import', 'bulk-edit': 'bulk' };

/**
 * The most recent import or bulk edit (of `actor`, when named), when it has not been taken back
 * yet: the one step undo offers.
 */
export async function lastUndoable(tx: Tx, actor?: string): Promise<UndoableBatch | null> {
  const marker = await tx.get<{ batch: string; entity: string; at: string; actor: string }>(sql`select batch, entity, at, actor from audit_log
    where entity in ('import', 'bulk-edit') and batch is not null${actor === undefined ? sql`` : sql` and actor = ${actor}`} order by id desc limit 1`);
  if (!marker) return null;
  if (await tx.get(sql`select 1 as one from audit_log where entity = 'undo' and entity_key = ${marker.batch}`)) return null;
  const entries = await tx.get<{ n: number }>(sql`select count(*) as n from audit_log where batch = ${marker.batch} and entity in ('asset', 'agency')`);
  return { batch: marker.batch, kind: MARKERS[marker.entity], at: marker.at, actor: marker.actor, entries: Number(entries!.n) };
}

interface Stored {
  id: number;
  action: 'create' | 'update';
  entity: 'asset' | 'agency';
  entityKey: string;
  before: string | null;
}

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k] ?? null]));
}

/** The asset tag a record's audit key starts with (`TAG#id`), on either engine. */
const keyTag = (tx: Tx) => (tx.engine === 'postgres' ? sql`split_part(entity_key, '#', 1)` : sql`substr(entity_key, 1, instr(entity_key, '#') - 1)`);

const BLOCK = 1000;

/** The current rows of the assets with these tags, by tag. */
async function rowsByTag(tx: Tx, tags: readonly string[]): Promise<Map<string, AssetRow>> {
  const out = new Map<string, AssetRow>();
  for (let i = 0; i < tags.length; i += BLOCK) {
    const ids = await tx.all<{ id: number }>(sql`select s.id from ${assetsTagged(tx, tags.slice(i, i + BLOCK))}`);
    for (const r of await getAssetRows(tx, ids.map((x) => Number(x.id)))) out.set(r.assetTag, r);
  }
  return out;
}

/**
 * Takes back the last import or bulk edit inside the caller's write transaction, provided nothing it touched has
 * changed since: updated rows get their earlier values, created rows are removed, and the disposal requests the
 * import opened are withdrawn. The undo is itself recorded in the audit log, entry by entry.
 */
export async function undoBatch(tx: Tx, who: Actor, batch: string, undoBatchId: string, anyones = false): Promise<number> {
  const last = await lastUndoable(tx, anyones ? undefined : who.actor);
  if (!last || last.batch !== batch) {
    const author = await tx.get<{ actor: string }>(sql`select actor from audit_log where batch = ${batch} and entity in ('import', 'bulk-edit')`);
    if (!anyones && author !== undefined && author.actor !== who.actor) {
      throw new UserError([{ field: 'batch', message: `这是 ${author.actor} 的操作;只能撤销自己的操作(系统管理员除外)` }]);
    }
    throw new UserError([{ field: 'batch', message: '只能撤销最近一次批量修改或导入,且只能撤销一次' }]);
  }
  const entries = await tx.all<Stored>(sql`select id, action, entity, entity_key as "entityKey", before from audit_log
    where batch = ${batch} and entity in ('asset', 'agency') order by id desc`);
  const opened = (await tx.all<{ entityKey: string }>(sql`select entity_key as "entityKey" from audit_log
    where batch = ${batch} and entity = 'disposal' and action = 'create' order by id desc`)).map((r) => r.entityKey);
  const lastId = Number((await tx.get<{ id: number }>(sql`select max(id) as id from audit_log where batch = ${batch}`))!.id);
  const tags = entries.filter((e) => e.entity === 'asset').map((e) => e.entityKey);
  const codes = entries.filter((e) => e.entity === 'agency').map((e) => e.entityKey);
  const later = await tx.get<{ entityKey: string; at: string; actor: string }>(sql`select entity_key as "entityKey", at, actor from audit_log where id > ${lastId} and (
      (entity = 'asset' and ${inList(tx, sql.ref('entity_key'), tags)})
      or (entity in ('maintenance', 'calibration', 'disposal') and ${inList(tx, keyTag(tx), tags)})
      or (entity = 'agency' and ${inList(tx, sql.ref('entity_key'), codes)})) order by id limit 1`);
  if (later) {
    throw new UserError([{ field: 'batch', message: `「${later.entityKey}」在此后已被 ${later.actor} 于 ${actorTime(who, later.at).slice(0, 16)} 修改,无法撤销` }]);
  }

  const audit: AuditEntry[] = [];
  const now = await rowsByTag(tx, tags);
  const gone = tags.find((t) => !now.has(t));
  if (gone !== undefined) throw new UserError([{ field: 'batch', message: `装备「${gone}」此后已被修改或删除,无法撤销` }]);

  // The disposal requests the import opened, withdrawn with it (a later step on one was refused above).
  const disposalIds = opened.map((key) => Number(key.slice(key.lastIndexOf('#') + 1)));
  if (disposalIds.length) {
    await tx.run(sql`delete from disposals where status = 'requested' and ${inList(tx, sql.ref('id'), disposalIds)}`);
    for (const key of opened) {
      const row = now.get(key.slice(0, key.lastIndexOf('#')));
      audit.push({ action: 'delete', entity: 'disposal', entityKey: key, batch: undoBatchId, agencies: [row?.agencyCode] });
    }
  }

  const assetEntries = entries.filter((x) => x.entity === 'asset');
  const removed = assetEntries.filter((e) => e.action === 'create').map((e) => now.get(e.entityKey)!.id);
  for (let i = 0; i < removed.length; i += BLOCK) {
    const ids = removed.slice(i, i + BLOCK);
    const held = await tx.get<{ tag: string }>(sql`select s.asset_tag as tag from assets s where ${inList(tx, sql.ref('s.id'), ids)} and (
        exists (select 1 from maintenance_records m where m.asset_id = s.id) or exists (select 1 from calibrations c where c.asset_id = s.id)
        or exists (select 1 from disposals d where d.asset_id = s.id) or exists (select 1 from plan_assignments p where p.asset_id = s.id)) limit 1`);
    if (held) throw new UserError([{ field: 'batch', message: `装备「${held.tag}」此后已有维修、检定、报废或调度记录,无法撤销` }]);
    await tx.run(sql`delete from custody_records where ${inList(tx, sql.ref('asset_id'), ids)}`);
    await tx.run(sql`delete from assets where ${inList(tx, sql.ref('id'), ids)}`);
  }
  const restoring = assetEntries.filter((e) => e.action === 'update');
  const agencyOf = await agencyIds(tx);
  await writeImportedFields(tx, restoring.map((e) => {
    const fields = JSON.parse(e.before!) as ImportedAsset;
    const agencyId = agencyOf.get(fields.agencyCode);
    if (agencyId === undefined) throw new UserError([{ field: 'batch', message: `机构「${fields.agencyCode}」此后已被删除,无法撤销` }]);
    return { id: now.get(e.entityKey)!.id, assetTag: e.entityKey, fields, agencyId };
  }));
  const restored = new Map((await getAssetRows(tx, restoring.map((e) => now.get(e.entityKey)!.id))).map((r) => [r.assetTag, r]));
  // A bulk edit recorded the hand-over, so its undo records the hand-back; imports record no custody.
  if (last.kind === 'bulk') await recordCustodies(tx, who, restoring.map((e) => [now.get(e.entityKey)!, restored.get(e.entityKey)!] as const));
  for (const e of assetEntries) {
    const before = now.get(e.entityKey)!;
    if (e.action === 'create') {
      audit.push({ action: 'delete', entity: 'asset', entityKey: e.entityKey, before, batch: undoBatchId, agencies: [before.agencyCode] });
    } else {
      const after = restored.get(e.entityKey)!;
      audit.push({ action: 'update', entity: 'asset', entityKey: e.entityKey, before, after, batch: undoBatchId, agencies: [before.agencyCode, after.agencyCode] });
    }
  }

  // Agencies: restore updated ones first (parents may point back), then remove created ones, children first.
  const agencyEntries = entries.filter((x) => x.entity === 'agency');
  for (const e of agencyEntries.filter((x) => x.action === 'update')) {
    const current = pick((await agencyByCode(tx, e.entityKey)) as never, IMPORTED_AGENCY_FIELDS);
    const r = pick(JSON.parse(e.before!), IMPORTED_AGENCY_FIELDS);
    await tx.run(sql`update agencies set name = ${r.name}, level = ${r.level}, parent_id = (select id from agencies where code = ${r.parentCode}),
      staff = ${r.staff}, authorized_posts = ${r.authorizedPosts}, offices = ${r.offices}, longitude = ${r.longitude}, latitude = ${r.latitude}
      where code = ${e.entityKey}`);
    audit.push({ action: 'update', entity: 'agency', entityKey: e.entityKey, before: current, after: r, batch: undoBatchId, agencies: [e.entityKey] });
  }
  const created = agencyEntries.filter((x) => x.action === 'create').map((x) => x.entityKey);
  const levels = new Map((await tx.all<{ code: string; level: string }>(sql`select code, level from agencies where ${inList(tx, sql.ref('code'), created)}`))
    .map((r) => [r.code, ({ county: 0, city: 1, province: 2 } as Record<string, number>)[r.level] ?? 0]));
  for (const code of created.sort((a, b) => (levels.get(a) ?? 0) - (levels.get(b) ?? 0))) {
    try {
      await tx.run(sql`delete from agencies where code = ${code}`);
    } catch (e) {
      // Something refers to it since (an agency under it, an asset, a user, a custody record): the whole undo is refused.
      if (!/foreign key|23503/i.test(`${(e as Error).message} ${(e as { code?: string }).code}`)) throw e;
      throw new UserError([{ field: 'batch', message: `机构「${code}」此后已有下级机构、装备或用户,无法撤销` }]);
    }
    audit.push({ action: 'delete', entity: 'agency', entityKey: code, batch: undoBatchId, agencies: [code] });
  }
  audit.push({ action: 'undo', entity: 'undo', entityKey: batch, after: { kind: last.kind, entries: entries.length }, batch: undoBatchId, agencies: audit.flatMap((e) => e.agencies) });
  await appendAudit(tx, who, audit);
  return entries.length;
}
