import type { AgencyInput } from '../../lib/domain/agencies';
import type { AssetInput } from '../../lib/domain/assets';
import type { Db } from '../types';
import { agencyByCodeSync } from './agencies';
import { appendAuditSync, type Actor, type AuditEntry } from './audit';
import { indexAssetsAfterSync, lastAssetIdSync } from './search';

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportSummary {
  batch: string;
  agencies: UpsertCounts;
  assets: UpsertCounts;
  /** Disposal requests the import opened (待报废, 丢失/盘亏). */
  disposals: number;
}

/** Existing assets are looked up this many tags at a time. */
const LOOKUP_BATCH = 1000;

export const IMPORTED_AGENCY_FIELDS = ['name', 'level', 'parentCode', 'staff', 'authorizedPosts', 'offices', 'longitude', 'latitude'] as const;
export const IMPORTED_ASSET_FIELDS = [
  'itemCode', 'model', 'agencyCode', 'purchaseDate', 'priceFen', 'status', 'custodian', 'plateNumber', 'odometerKm', 'calibrationValidUntil', 'notes',
] as const;

type ImportedAsset = Pick<AssetInput, (typeof IMPORTED_ASSET_FIELDS)[number]>;

/** `pick(a, IMPORTED_ASSET_FIELDS)` written out: an object of one fixed shape, which V8 builds and JSON.stringify writes faster, 100,000 times an import. */
const importedAsset = (a: AssetInput): ImportedAsset => ({
  itemCode: a.itemCode, model: a.model, agencyCode: a.agencyCode, purchaseDate: a.purchaseDate, priceFen: a.priceFen, status: a.status,
  custodian: a.custodian, plateNumber: a.plateNumber, odometerKm: a.odometerKm, calibrationValidUntil: a.calibrationValidUntil, notes: a.notes,
});

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

function sameFields<T extends object>(a: T, b: T, keys: readonly (keyof T)[]): boolean {
  return keys.every((k) => a[k] === b[k]);
}

/**
 * Stores a validated template import in one transaction: agencies by code, assets by asset tag,
 * created or updated, each change written to the audit log with before and after.
 */
export type NameKind = 'item' | 'agency' | 'status';

/** The memory of the whole ledger, written by users who work on every agency. */
export const WHOLE_LEDGER = '';

/**
 * The names users mapped in earlier imports: the file's wording → code. `scope` is the agency code
 * of the users' scope root ('' the whole ledger): a scope's own memory, over the whole ledger's.
 */
export function importNames(db: Db, kind: NameKind, scope: string = WHOLE_LEDGER): Map<string, string> {
  return new Map(db.$client.prepare(`select name, code from import_names where kind = ? and scope in (?, ?) order by scope = ?`)
    .raw().all(kind, WHOLE_LEDGER, scope, scope) as [string, string][]);
}

function rememberNames(db: Db, who: Actor, batch: string, kind: NameKind, names: ReadonlyMap<string, string>, scope: string): void {
  const known = importNames(db, kind, scope);
  const own = db.$client.prepare('select code from import_names where scope = ? and kind = ? and name = ?').pluck();
  const upsert = db.$client.prepare(
    `insert into import_names (scope, kind, name, code, updated_by, updated_at) values (?, ?, ?, ?, ?, ?)
     on conflict (scope, kind, name) do update set code = excluded.code, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  );
  for (const [name, code] of names) {
    if (known.get(name) === code) continue;
    const before = own.get(scope, kind, name) as string | undefined;
    upsert.run(scope, kind, name, code, who.actor, who.at);
    appendAuditSync(db, who, [{
      action: before === undefined ? 'create' : 'update', entity: 'import_name', entityKey: scope ? `${scope}/${kind}:${name}` : `${kind}:${name}`, before, after: code, batch,
      agencies: [scope],
    }]);
  }
}

/** Names to remember with an import, so the next file from the same agency maps itself; `scope` as for `importNames`. */
export interface RememberedNames {
  scope: string;
  items: ReadonlyMap<string, string>;
  agencies: ReadonlyMap<string, string>;
  statuses?: ReadonlyMap<string, string>;
}

export function applyTemplateImport(
  db: Db, who: Actor, batch: string, label: string, agencies: AgencyInput[], assets: AssetInput[], remember?: RememberedNames,
): ImportSummary {
  const c = db.$client;
  const insertAgency = c.prepare(
    `insert into agencies (code, name, level, staff, authorized_posts, offices, longitude, latitude)
     values (@code, @name, @level, @staff, @authorizedPosts, @offices, @longitude, @latitude)`,
  );
  const updateAgencySync = c.prepare(
    `update agencies set name = @name, level = @level, staff = @staff, authorized_posts = @authorizedPosts,
       offices = @offices, longitude = @longitude, latitude = @latitude where code = @code`,
  );
  const setParent = c.prepare(`update agencies set parent_id = (select id from agencies where code = ?) where code = ?`);
  const agencyId = c.prepare(`select id from agencies where code = ?`).pluck();
  const assetsByTags = c.prepare(
    `select s.asset_tag as assetTag, s.id, s.item_code as itemCode, s.model, a.code as agencyCode, s.purchase_date as purchaseDate,
       s.price_fen as priceFen, s.status, s.custodian, s.plate_number as plateNumber, s.odometer_km as odometerKm,
       s.calibration_valid_until as calibrationValidUntil, s.notes
     from assets s join agencies a on a.id = s.agency_id where s.asset_tag in (select value from json_each(?))`,
  );
  const insertAsset = c.prepare(
    `insert into assets (asset_tag, item_code, agency_id, model, purchase_date, price_fen, status, custodian, plate_number,
       odometer_km, calibration_valid_until, notes)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateAsset = c.prepare(
    `update assets set asset_tag = ?, item_code = ?, agency_id = ?, model = ?, purchase_date = ?, price_fen = ?, status = ?,
       custodian = ?, plate_number = ?, odometer_km = ?, calibration_valid_until = ?, notes = ?
     where id = ?`,
  );
  const openDisposal = c.prepare(`select 1 from disposals where asset_id = ? and status in ('requested', 'approved')`).pluck();
  const insertDisposal = c.prepare(`insert into disposals (asset_id, status, reason, requested_by, requested_at) values (?, 'requested', ?, ?, ?)`);
  const assetValues = (a: AssetInput, agencyId: number) => [
    a.assetTag, a.itemCode, agencyId, a.model, a.purchaseDate, a.priceFen, a.status, a.custodian, a.plateNumber, a.odometerKm,
    a.calibrationValidUntil, a.notes,
  ];

  return c.transaction(() => {
    const indexedUpTo = lastAssetIdSync(db);
    const touched = new Set<string>();
    // Entries wait here and go in groups (appendAuditSync writes many rows a statement); all before the transaction ends.
    const pending: AuditEntry[] = [];
    const audit = (e: AuditEntry) => {
      for (const code of e.agencies) if (code) touched.add(code);
      pending.push(e);
    };
    const flushAudit = () => {
      appendAuditSync(db, who, pending);
      pending.length = 0;
    };
    const agencyCounts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
    const assetCounts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
    let disposals = 0;

    // Parents may come later in the file than their children: store every agency, then link.
    const befores = agencies.map((a) => agencyByCodeSync(db, a.code));
    agencies.forEach((a, i) => {
      const before = befores[i];
      const after = pick(a, IMPORTED_AGENCY_FIELDS);
      if (!before) {
        insertAgency.run(a);
        agencyCounts.created++;
        audit({ action: 'create', entity: 'agency', entityKey: a.code, after, batch, agencies: [a.code] });
      } else if (sameFields(pick(before as never, IMPORTED_AGENCY_FIELDS), after, IMPORTED_AGENCY_FIELDS)) {
        agencyCounts.unchanged++;
      } else {
        updateAgencySync.run(a);
        agencyCounts.updated++;
        audit({ action: 'update', entity: 'agency', entityKey: a.code, before: pick(before as never, IMPORTED_AGENCY_FIELDS), after, batch, agencies: [a.code] });
      }
    });
    agencies.forEach((a, i) => {
      if (a.parentCode !== (befores[i]?.parentCode ?? null)) setParent.run(a.parentCode, a.code);
    });
    flushAudit();

    const ids = new Map<string, number>();
    const idOf = (code: string) => {
      let id = ids.get(code);
      if (id === undefined) ids.set(code, (id = agencyId.get(code) as number));
      return id;
    };
    for (let start = 0; start < assets.length; start += LOOKUP_BATCH) {
      const chunk = assets.slice(start, start + LOOKUP_BATCH);
      const existing = new Map<string, Record<string, unknown> & { id: number }>();
      for (const row of assetsByTags.all(JSON.stringify(chunk.map((a) => a.assetTag))) as (Record<string, unknown> & { id: number; assetTag: string })[]) {
        existing.set(row.assetTag, row);
      }
      for (const input of chunk) {
        const before = existing.get(input.assetTag);
        // A held asset reported lost keeps its status until the bureau head decides on the request.
        const a = before && input.lost ? { ...input, status: before.status as AssetInput['status'] } : input;
        const after = importedAsset(a);
        let id: number;
        if (!before) {
          id = Number(insertAsset.run(assetValues(a, idOf(a.agencyCode))).lastInsertRowid);
          assetCounts.created++;
          audit({ action: 'create', entity: 'asset', entityKey: a.assetTag, after, batch, agencies: [a.agencyCode] });
        } else {
          id = before.id;
          const old = pick(before as never, IMPORTED_ASSET_FIELDS) as typeof after;
          if (sameFields(old, after, IMPORTED_ASSET_FIELDS)) {
            assetCounts.unchanged++;
          } else {
            updateAsset.run([...assetValues(a, idOf(a.agencyCode)), before.id]);
            assetCounts.updated++;
            audit({ action: 'update', entity: 'asset', entityKey: a.assetTag, before: old, after, batch, agencies: [old.agencyCode, a.agencyCode] });
          }
        }
        if (a.disposalReason && a.status !== 'scrapped' && !openDisposal.get(id)) {
          const disposal = Number(insertDisposal.run(id, a.disposalReason, who.actor, who.at).lastInsertRowid);
          disposals++;
          audit({ action: 'create', entity: 'disposal', entityKey: `${a.assetTag}#${disposal}`, after: { status: 'requested', reason: a.disposalReason }, batch, agencies: [a.agencyCode] });
        }
      }
      flushAudit();
    }
    indexAssetsAfterSync(db, indexedUpTo);
    if (remember) {
      rememberNames(db, who, batch, 'item', remember.items, remember.scope);
      rememberNames(db, who, batch, 'agency', remember.agencies, remember.scope);
      if (remember.statuses) rememberNames(db, who, batch, 'status', remember.statuses, remember.scope);
    }
    appendAuditSync(db, who, [{ action: 'bulk', entity: 'import', entityKey: label, after: { agencies: agencyCounts, assets: assetCounts, disposals }, batch, agencies: [...touched] }]);
    return { batch, agencies: agencyCounts, assets: assetCounts, disposals };
  })();
}
