import { sql } from 'kysely';
import type { AgencyInput } from '../../lib/domain/agencies';
import type { AssetInput } from '../../lib/domain/assets';
import { inList, type Tx } from '../store';
import { listAgencies } from './agencies';
import { assetsTagged } from './assets';
import { ASSET_FIELD_COLUMNS, assetFieldValues } from './asset-writes';
import { appendAudit, type Actor, type AuditEntry } from './audit';
import { indexAssetsAfter, lastAssetId } from './search';

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

/**
 * Rows a statement: existing assets looked up, new ones inserted, changed ones updated this many at a time
 * (500 assets of 15 values stay far below either engine's limit on a statement's parameters).
 */
const ROWS = 500;

export const IMPORTED_AGENCY_FIELDS = ['name', 'level', 'parentCode', 'staff', 'authorizedPosts', 'offices', 'longitude', 'latitude'] as const;
export const IMPORTED_ASSET_FIELDS = [
  'itemCode', 'model', 'agencyCode', 'purchaseDate', 'priceFen', 'status', 'custodian', 'plateNumber', 'odometerKm', 'calibrationValidUntil', 'notes',
] as const;

export type ImportedAsset = Pick<AssetInput, (typeof IMPORTED_ASSET_FIELDS)[number]>;

/** `pick(a, IMPORTED_ASSET_FIELDS)` written out: an object of one fixed shape, which V8 builds and JSON.stringify writes faster, 100,000 times an import. */
const importedAsset = (a: ImportedAsset): ImportedAsset => ({
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

function* chunks<T>(items: readonly T[], n: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += n) yield items.slice(i, i + n);
}

/** The new agencies by generation, parents before children, whatever order the file lists them in (checkTemplate refused cycles). */
function generations(created: readonly AgencyInput[]): AgencyInput[][] {
  const byCode = new Map(created.map((a) => [a.code, a]));
  const depth = new Map<string, number>();
  const depthOf = (a: AgencyInput, seen = new Set<string>()): number => {
    const known = depth.get(a.code);
    if (known !== undefined) return known;
    const parent = a.parentCode === null ? undefined : byCode.get(a.parentCode);
    const d = parent && !seen.has(a.code) ? depthOf(parent, seen.add(a.code)) + 1 : 0;
    depth.set(a.code, d);
    return d;
  };
  const out: AgencyInput[][] = [];
  for (const a of created) (out[depthOf(a)] ??= []).push(a);
  return out.filter(Boolean);
}

/** An asset's imported fields as stored, with its id: what a re-import compares with, and what an undo restores. */
export type StoredImportedAsset = ImportedAsset & { id: number; assetTag: string };

/** The assets holding these tags, in the import's fields. */
export async function assetsByTags(tx: Tx, tags: readonly string[]): Promise<StoredImportedAsset[]> {
  const out: StoredImportedAsset[] = [];
  for (const block of chunks(tags, ROWS)) {
    out.push(...(await tx.all<StoredImportedAsset>(sql`select s.id, s.asset_tag as "assetTag", s.item_code as "itemCode", s.model, a.code as "agencyCode",
      s.purchase_date as "purchaseDate", s.price_fen as "priceFen", s.status, s.custodian, s.plate_number as "plateNumber", s.odometer_km as "odometerKm",
      s.calibration_valid_until as "calibrationValidUntil", s.notes
      from ${assetsTagged(tx, block)} join agencies a on a.id = s.agency_id`)));
  }
  return out;
}

/**
 * Writes the imported fields (and the tag) of many assets, a few hundred a statement: `update … from (values …)`,
 * which both engines read alike. The values are cast, as PostgreSQL types a list of parameters as text.
 */
export async function writeImportedFields(tx: Tx, rows: readonly { id: number; assetTag: string; fields: ImportedAsset; agencyId: number }[]): Promise<void> {
  const int = (v: number | null) => sql`cast(${v} as bigint)`;
  const text = (v: string | null) => sql`cast(${v} as text)`;
  for (const block of chunks(rows, ROWS)) {
    const values = block.map(({ id, assetTag, fields: f, agencyId }) => sql`(${sql.join([
      int(id), text(assetTag), text(f.itemCode), int(agencyId), text(f.model), text(f.purchaseDate), int(f.priceFen), text(f.status), text(f.custodian),
      text(f.plateNumber), int(f.odometerKm), text(f.calibrationValidUntil), text(f.notes),
    ])})`);
    await tx.run(sql`update assets set asset_tag = v.column2, item_code = v.column3, agency_id = v.column4, model = v.column5, purchase_date = v.column6,
      price_fen = v.column7, status = v.column8, custodian = v.column9, plate_number = v.column10, odometer_km = v.column11,
      calibration_valid_until = v.column12, notes = v.column13
      from (values ${sql.join(values)}) as v where assets.id = v.column1`);
  }
}

/** Every agency's id by its code. */
export async function agencyIds(tx: Tx): Promise<Map<string, number>> {
  return new Map((await tx.all<{ id: number; code: string }>(sql`select id, code from agencies`)).map((r) => [r.code, r.id]));
}

export type NameKind = 'item' | 'agency' | 'status';

/** The memory of the whole ledger, written by users who work on every agency. */
export const WHOLE_LEDGER = '';

/**
 * The names users mapped in earlier imports: the file's wording → code. `scope` is the agency code
 * of the users' scope root ('' the whole ledger): a scope's own memory, over the whole ledger's.
 */
export async function importNames(tx: Tx, kind: NameKind, scope: string = WHOLE_LEDGER): Promise<Map<string, string>> {
  const rows = await tx.all<{ name: string; code: string }>(sql`select name, code from import_names where kind = ${kind} and scope in (${WHOLE_LEDGER}, ${scope})
    order by case when scope = ${scope} then 1 else 0 end`);
  return new Map(rows.map((r) => [r.name, r.code]));
}

async function rememberNames(tx: Tx, who: Actor, batch: string, kind: NameKind, names: ReadonlyMap<string, string>, scope: string): Promise<AuditEntry[]> {
  const known = await importNames(tx, kind, scope);
  const changed = [...names].filter(([name, code]) => known.get(name) !== code);
  if (!changed.length) return [];
  const own = new Map((await tx.all<{ name: string; code: string }>(sql`select name, code from import_names where scope = ${scope} and kind = ${kind}
    and ${inList(tx, sql.ref('name'), changed.map(([name]) => name))}`)).map((r) => [r.name, r.code]));
  for (const block of chunks(changed, ROWS)) {
    await tx.run(sql`insert into import_names (scope, kind, name, code, updated_by, updated_at)
      values ${sql.join(block.map(([name, code]) => sql`(${scope}, ${kind}, ${name}, ${code}, ${who.actor}, ${who.at})`))}
      on conflict (scope, kind, name) do update set code = excluded.code, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
  }
  return changed.map(([name, code]) => {
    const before = own.get(name);
    return {
      action: before === undefined ? 'create' : 'update', entity: 'import_name', entityKey: scope ? `${scope}/${kind}:${name}` : `${kind}:${name}`, before, after: code, batch,
      agencies: [scope],
    };
  });
}

/** Names to remember with an import, so the next file from the same agency maps itself; `scope` as for `importNames`. */
export interface RememberedNames {
  scope: string;
  items: ReadonlyMap<string, string>;
  agencies: ReadonlyMap<string, string>;
  statuses?: ReadonlyMap<string, string>;
}

/**
 * Stores a validated import inside the caller's write transaction: agencies by code (parents before children),
 * assets by asset tag, created or updated, a few hundred rows a statement; each change written to the audit log
 * with before and after, and the quick-search index kept. A second import of the same file changes nothing.
 */
export async function applyTemplateImport(
  tx: Tx, who: Actor, batch: string, label: string, agencies: readonly AgencyInput[], assets: readonly AssetInput[], remember?: RememberedNames,
): Promise<ImportSummary> {
  const indexedUpTo = await lastAssetId(tx);
  const touched = new Set<string>();
  // Entries wait here and go in groups (appendAudit writes many rows a statement); all before the transaction ends.
  const pending: AuditEntry[] = [];
  const audit = (e: AuditEntry) => {
    for (const code of e.agencies) if (code) touched.add(code);
    pending.push(e);
  };
  const flushAudit = () => appendAudit(tx, who, pending.splice(0));
  const agencyCounts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
  const assetCounts: UpsertCounts = { created: 0, updated: 0, unchanged: 0 };
  let disposals = 0;

  const befores = new Map((await listAgencies(tx)).map((a) => [a.code, a]));
  const created = agencies.filter((a) => !befores.has(a.code));
  for (const generation of generations(created)) {
    for (const block of chunks(generation, ROWS)) {
      await tx.run(sql`insert into agencies (code, name, level, parent_id, staff, authorized_posts, offices, longitude, latitude)
        values ${sql.join(block.map((a) => sql`(${a.code}, ${a.name}, ${a.level}, (select id from agencies where code = ${a.parentCode}), ${a.staff},
          ${a.authorizedPosts}, ${a.offices}, ${a.longitude}, ${a.latitude})`))}`);
    }
  }
  for (const a of agencies) {
    const before = befores.get(a.code);
    const after = pick(a, IMPORTED_AGENCY_FIELDS);
    if (!before) {
      agencyCounts.created++;
      audit({ action: 'create', entity: 'agency', entityKey: a.code, after, batch, agencies: [a.code] });
      continue;
    }
    const old = pick(before, IMPORTED_AGENCY_FIELDS);
    if (sameFields(old, after, IMPORTED_AGENCY_FIELDS)) {
      agencyCounts.unchanged++;
      continue;
    }
    // Its new parent, if new too, was inserted above.
    await tx.run(sql`update agencies set name = ${a.name}, level = ${a.level}, parent_id = (select id from agencies where code = ${a.parentCode}),
      staff = ${a.staff}, authorized_posts = ${a.authorizedPosts}, offices = ${a.offices}, longitude = ${a.longitude}, latitude = ${a.latitude} where code = ${a.code}`);
    agencyCounts.updated++;
    audit({ action: 'update', entity: 'agency', entityKey: a.code, before: old, after, batch, agencies: [a.code] });
  }
  await flushAudit();

  const ids = await agencyIds(tx);
  for (const block of chunks(assets, ROWS)) {
    const existing = new Map((await assetsByTags(tx, block.map((a) => a.assetTag))).map((r) => [r.assetTag, r]));
    const changes = block.map((input) => {
      const before = existing.get(input.assetTag);
      // A held asset reported lost keeps its status until the bureau head decides on the request.
      const a = before && input.lost ? { ...input, status: before.status } : input;
      const after = importedAsset(a);
      const old = before && importedAsset(before);
      return { a, before, old, after, same: old !== undefined && sameFields(old, after, IMPORTED_ASSET_FIELDS) };
    });
    const inserted = changes.filter((c) => !c.before);
    const assetIds = new Map<string, number>();
    if (inserted.length) {
      // One statement's rows take ascending ids in the order of its values, on both engines.
      const rows = await tx.all<{ id: number }>(sql`insert into assets (${ASSET_FIELD_COLUMNS})
        values ${sql.join(inserted.map(({ a }) => assetFieldValues(a, ids.get(a.agencyCode)!)))} returning id`);
      const sorted = rows.map((r) => Number(r.id)).sort((x, y) => x - y);
      inserted.forEach(({ a }, i) => assetIds.set(a.assetTag, sorted[i]));
    }
    for (const c of changes) if (c.before) assetIds.set(c.a.assetTag, c.before.id);
    await writeImportedFields(tx, changes.filter((c) => c.before && !c.same).map((c) => ({ id: c.before!.id, assetTag: c.a.assetTag, fields: c.after, agencyId: ids.get(c.a.agencyCode)! })));

    const asking = changes.filter(({ a }) => a.disposalReason && a.status !== 'scrapped');
    const open = new Set(asking.length
      ? (await tx.all<{ assetId: number }>(sql`select asset_id as "assetId" from disposals where status in ('requested', 'approved')
          and ${inList(tx, sql.ref('asset_id'), asking.map(({ a }) => assetIds.get(a.assetTag)!))}`)).map((r) => Number(r.assetId))
      : []);
    const requests = asking.filter(({ a }) => !open.has(assetIds.get(a.assetTag)!));
    const disposalIds = new Map<string, number>();
    if (requests.length) {
      const rows = await tx.all<{ id: number }>(sql`insert into disposals (asset_id, status, reason, requested_by, requested_at)
        values ${sql.join(requests.map(({ a }) => sql`(${assetIds.get(a.assetTag)!}, 'requested', ${a.disposalReason!}, ${who.actor}, ${who.at})`))} returning id`);
      const sorted = rows.map((r) => Number(r.id)).sort((x, y) => x - y);
      requests.forEach(({ a }, i) => disposalIds.set(a.assetTag, sorted[i]));
    }

    for (const { a, before, old, after, same } of changes) {
      if (!before) {
        assetCounts.created++;
        audit({ action: 'create', entity: 'asset', entityKey: a.assetTag, after, batch, agencies: [a.agencyCode] });
      } else if (same) {
        assetCounts.unchanged++;
      } else {
        assetCounts.updated++;
        audit({ action: 'update', entity: 'asset', entityKey: a.assetTag, before: old, after, batch, agencies: [old!.agencyCode, a.agencyCode] });
      }
      const disposal = disposalIds.get(a.assetTag);
      if (disposal !== undefined) {
        disposals++;
        audit({ action: 'create', entity: 'disposal', entityKey: `${a.assetTag}#${disposal}`, after: { status: 'requested', reason: a.disposalReason }, batch, agencies: [a.agencyCode] });
      }
    }
    await flushAudit();
  }
  await indexAssetsAfter(tx, indexedUpTo);
  if (remember) {
    pending.push(...await rememberNames(tx, who, batch, 'item', remember.items, remember.scope));
    pending.push(...await rememberNames(tx, who, batch, 'agency', remember.agencies, remember.scope));
    if (remember.statuses) pending.push(...await rememberNames(tx, who, batch, 'status', remember.statuses, remember.scope));
  }
  pending.push({ action: 'bulk', entity: 'import', entityKey: label, after: { agencies: agencyCounts, assets: assetCounts, disposals }, batch, agencies: [...touched] });
  await flushAudit();
  return { batch, agencies: agencyCounts, assets: assetCounts, disposals };
}

/** How long a file opened in the import wizard is kept: it is removed when a file is opened a day after it. */
export const IMPORT_FILE_KEEP_MS = 24 * 3_600_000;
/** Files a user keeps open in the wizard at once: opening another closes the oldest. */
export const KEEP_OPEN = 2;

/** The wizard's files of a user (null: the administrator of a ledger without users). */
const ownedBy = (owner: number | null) => (owner === null ? sql`owner_id is null` : sql`owner_id = ${owner}`);

export interface ImportFileRow {
  fileName: string;
  encoding: string | null;
  delimiter: string | null;
}

/**
 * Keeps a file the user opened in the wizard, under a token: the user's oldest files beyond `KEEP_OPEN`, and
 * everyone's older than `IMPORT_FILE_KEEP_MS`, are removed. `now`: milliseconds, from the ledger's clock.
 */
export async function keepImportFile(tx: Tx, owner: number | null, token: string, f: ImportFileRow & { bytes: Uint8Array }, now: number): Promise<void> {
  await tx.run(sql`delete from import_files where created_at < ${now - IMPORT_FILE_KEEP_MS}`);
  const bytes = Buffer.isBuffer(f.bytes) ? f.bytes : Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  await tx.run(sql`insert into import_files (token, owner_id, file_name, encoding, delimiter, bytes, created_at)
    values (${token}, ${owner}, ${f.fileName}, ${f.encoding}, ${f.delimiter}, ${bytes}, ${now})`);
  const mine = await tx.all<{ token: string }>(sql`select token from import_files where ${ownedBy(owner)} and token <> ${token} order by created_at desc, token`);
  const closed = mine.slice(KEEP_OPEN - 1).map((r) => r.token);
  if (closed.length) await tx.run(sql`delete from import_files where ${inList(tx, sql.ref('token'), closed)}`);
}

/** A file the user has open in the wizard (another user's token finds nothing). */
export function importFile(tx: Tx, owner: number | null, token: string): Promise<ImportFileRow | undefined> {
  return tx.get<ImportFileRow>(sql`select file_name as "fileName", encoding, delimiter from import_files where token = ${token} and ${ownedBy(owner)}`);
}

/** The bytes of a file the user has open in the wizard, as uploaded. */
export async function importFileBytes(tx: Tx, owner: number | null, token: string): Promise<Buffer | undefined> {
  return (await tx.get<{ bytes: Buffer }>(sql`select bytes from import_files where token = ${token} and ${ownedBy(owner)}`))?.bytes;
}

/** Closes a file of the wizard (it was imported); whether it was open. */
export async function closeImportFile(tx: Tx, owner: number | null, token: string): Promise<boolean> {
  return (await tx.run(sql`delete from import_files where token = ${token} and ${ownedBy(owner)}`)) > 0;
}
