import type { AssetRow } from '../../lib/domain/assets';
import type { UndoableBatch } from '../../lib/domain/audit';
import { UserError } from '../../lib/problems';
import type { Db } from '../types';
import { agencyByCodeSync } from './agencies';
import { getAssetRowSync } from './assets';
import { actorTime, appendAuditSync, type Actor, type AuditEntry } from './audit';
import { IMPORTED_AGENCY_FIELDS, IMPORTED_ASSET_FIELDS } from './imports';
import { recordCustodySync } from './asset-writes';

/** The entries that open an import's or a bulk edit's batch in the log, written with it. */
const MARKERS: Record<string, UndoableBatch['kind']> = { import: 'import', 'bulk-edit': 'bulk' };

/**
 * The most recent import or bulk edit (of `actor`, when named), when it has not been taken back
 * yet: the one step undo offers.
 */
export function lastUndoable(db: Db, actor?: string): UndoableBatch | null {
  const marker = db.$client.prepare(
    `select batch, entity, at, actor from audit_log where entity in ('import', 'bulk-edit') and batch is not null and (? is null or actor = ?)
     order by id desc limit 1`,
  ).get(actor ?? null, actor ?? null) as { batch: string; entity: string; at: string; actor: string } | undefined;
  if (!marker) return null;
  if (db.$client.prepare(`select 1 from audit_log where entity = 'undo' and entity_key = ?`).get(marker.batch)) return null;
  const entries = db.$client.prepare(`select count(*) from audit_log where batch = ? and entity in ('asset', 'agency')`).pluck().get(marker.batch) as number;
  return { batch: marker.batch, kind: MARKERS[marker.entity], at: marker.at, actor: marker.actor, entries };
}

interface Stored {
  id: number;
  action: 'create' | 'update';
  entity: 'asset' | 'agency';
  entityKey: string;
  before: string | null;
}

const ASSET_SET = `item_code = @itemCode, model = @model, agency_id = (select id from agencies where code = @agencyCode), purchase_date = @purchaseDate,
  price_fen = @priceFen, status = @status, custodian = @custodian, plate_number = @plateNumber, odometer_km = @odometerKm,
  calibration_valid_until = @calibrationValidUntil, notes = @notes`;
const AGENCY_SET = `name = @name, level = @level, parent_id = (select id from agencies where code = @parentCode), staff = @staff,
  authorized_posts = @authorizedPosts, offices = @offices, longitude = @longitude, latitude = @latitude`;

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k] ?? null]));
}

/**
 * Takes back the last import or bulk edit in one transaction, provided nothing it touched has
 * changed since: updated rows get their earlier values, created rows are removed. The undo is
 * itself recorded in the audit log, entry by entry.
 */
export function undoBatch(db: Db, who: Actor, batch: string, undoBatchId: string, anyones = false): number {
  const c = db.$client;
  return c.transaction(() => {
    const last = lastUndoable(db, anyones ? undefined : who.actor);
    if (!last || last.batch !== batch) {
      const author = c.prepare(`select actor from audit_log where batch = ? and entity in ('import', 'bulk-edit')`).pluck().get(batch) as string | undefined;
      if (!anyones && author !== undefined && author !== who.actor) {
        throw new UserError([{ field: 'batch', message: `这是 ${author} 的操作;只能撤销自己的操作(系统管理员除外)` }]);
      }
      throw new UserError([{ field: 'batch', message: '只能撤销最近一次批量修改或导入,且只能撤销一次' }]);
    }
    const entries = c.prepare(
      `select id, action, entity, entity_key as entityKey, before from audit_log where batch = ? and entity in ('asset', 'agency') order by id desc`,
    ).all(batch) as Stored[];
    const lastId = c.prepare('select max(id) from audit_log where batch = ?').pluck().get(batch) as number;
    const tags = entries.filter((e) => e.entity === 'asset').map((e) => e.entityKey);
    const codes = entries.filter((e) => e.entity === 'agency').map((e) => e.entityKey);
    const later = c.prepare(
      `select entity, entity_key as entityKey, at, actor from audit_log where id > ? and (
         (entity = 'asset' and entity_key in (select value from json_each(@tags)))
         or (entity in ('maintenance', 'calibration', 'disposal') and substr(entity_key, 1, instr(entity_key, '#') - 1) in (select value from json_each(@tags)))
         or (entity = 'agency' and entity_key in (select value from json_each(@codes)))) limit 1`,
    ).get(lastId, { tags: JSON.stringify(tags), codes: JSON.stringify(codes) }) as { entityKey: string; at: string; actor: string } | undefined;
    if (later) {
      throw new UserError([{ field: 'batch', message: `「${later.entityKey}」在此后已被 ${later.actor} 于 ${actorTime(who, later.at).slice(0, 16)} 修改,无法撤销` }]);
    }

    const audit: AuditEntry[] = [];
    const idOf = (tag: string) => c.prepare('select id from assets where asset_tag = ?').pluck().get(tag) as number;
    for (const e of entries.filter((x) => x.entity === 'asset')) {
      const id = idOf(e.entityKey);
      const now = getAssetRowSync(db, id)!;
      if (e.action === 'create') {
        c.prepare('delete from custody_records where asset_id = ?').run(id);
        c.prepare('delete from assets where id = ?').run(id);
        audit.push({ action: 'delete', entity: 'asset', entityKey: e.entityKey, before: now, batch: undoBatchId, agencies: [now.agencyCode] });
      } else {
        c.prepare(`update assets set ${ASSET_SET} where id = @id`).run({ ...pick(JSON.parse(e.before!), IMPORTED_ASSET_FIELDS), id });
        const restored = getAssetRowSync(db, id) as AssetRow;
        // A bulk edit recorded the hand-over, so its undo records the hand-back; imports record no custody.
        if (last.kind === 'bulk') recordCustodySync(db, who, now, restored);
        audit.push({ action: 'update', entity: 'asset', entityKey: e.entityKey, before: now, after: restored, batch: undoBatchId, agencies: [now.agencyCode, restored.agencyCode] });
      }
    }
    // Agencies: restore updated ones first (parents may point back), then remove created ones, children first.
    const agencyEntries = entries.filter((x) => x.entity === 'agency');
    for (const e of agencyEntries.filter((x) => x.action === 'update')) {
      const now = pick(agencyByCodeSync(db, e.entityKey) as never, IMPORTED_AGENCY_FIELDS);
      const restored = pick(JSON.parse(e.before!), IMPORTED_AGENCY_FIELDS);
      c.prepare(`update agencies set ${AGENCY_SET} where code = @code`).run({ ...restored, code: e.entityKey });
      audit.push({ action: 'update', entity: 'agency', entityKey: e.entityKey, before: now, after: restored, batch: undoBatchId, agencies: [e.entityKey] });
    }
    const created = agencyEntries.filter((x) => x.action === 'create').map((x) => x.entityKey);
    const level = (code: string) => ({ county: 0, city: 1, province: 2 })[c.prepare('select level from agencies where code = ?').pluck().get(code) as 'county'] ?? 0;
    for (const code of created.sort((a, b) => level(a) - level(b))) {
      try {
        c.prepare('delete from agencies where code = ?').run(code);
      } catch {
        throw new UserError([{ field: 'batch', message: `机构「${code}」此后已有下级机构、装备或用户,无法撤销` }]);
      }
      audit.push({ action: 'delete', entity: 'agency', entityKey: code, batch: undoBatchId, agencies: [code] });
    }
    audit.push({ action: 'undo', entity: 'undo', entityKey: batch, after: { kind: last.kind, entries: entries.length }, batch: undoBatchId, agencies: audit.flatMap((e) => e.agencies) });
    appendAuditSync(db, who, audit);
    return entries.length;
  })();
}
