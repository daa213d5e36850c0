import type { AssetColumn, AssetQuery, AssetRow, AssetStatus, ColumnFilter, DueKind } from '../../lib/domain/assets';
import type { Db } from '../types';
import { sql } from 'kysely';
import { inList, type Tx } from '../store';

const COLUMN_SQL: Record<AssetColumn, string> = {
  assetTag: 's.asset_tag', itemCode: 's.item_code', itemName: 'c.name', agencyCode: 'a.code', agencyName: 'a.name', model: 's.model',
  serialNumber: 's.serial_number', purchaseDate: 's.purchase_date', priceFen: 's.price_fen', fundingSource: 's.funding_source',
  status: 's.status', custodian: 's.custodian', location: 's.location', plateNumber: 's.plate_number', odometerKm: 's.odometer_km',
  calibrationValidUntil: 's.calibration_valid_until', notes: 's.notes',
};

const SELECT_FIELDS = `s.id, s.asset_tag as "assetTag", s.item_code as "itemCode", c.name as "itemName", a.code as "agencyCode", a.name as "agencyName",
  s.model, s.serial_number as "serialNumber", s.purchase_date as "purchaseDate", s.price_fen as "priceFen", s.funding_source as "fundingSource",
  s.status, s.custodian, s.location, s.plate_number as "plateNumber", s.odometer_km as "odometerKm",
  s.calibration_valid_until as "calibrationValidUntil", s.notes`;
const FROM_JOINED = `from assets s join agencies a on a.id = s.agency_id join catalog_items c on c.code = s.item_code`;
const SELECT = `select ${SELECT_FIELDS} ${FROM_JOINED}`;

/** The next maintenance date of an asset: its latest record's. */
const NEXT_MAINTENANCE = `(select m.next_due_date from maintenance_records m where m.asset_id = s.id and m.voided_at is null order by m.date desc, m.id desc limit 1)`;
/** The day an asset has served its item's years. */
const REPLACEMENT_DATE = `(select add_years(s.purchase_date, t.service_years) from item_terms t where t.item_code = s.item_code)`;

/** Conditions for the due-lists; each takes the date as its one parameter. */
const DUE_SQL: Record<DueKind, string> = {
  // The replacement rule (quotas/replacement.ts): served its item's years by the date, or the odometer at the limit.
  replacement: `(s.status <> 'scrapped' and exists (select 1 from item_terms t where t.item_code = s.item_code
    and (add_years(s.purchase_date, t.service_years) <= ? or s.odometer_km >= t.service_km)))`,
  calibration: `(c.needs_calibration = 1 and s.status <> 'scrapped' and (s.calibration_valid_until is null or s.calibration_valid_until <= ?))`,
  maintenance: `(s.status <> 'scrapped' and ${NEXT_MAINTENANCE} <= ?)`,
};

/** What a due-list shows as each row's due date. */
const DUE_DATE_SQL: Record<DueKind, string> = {
  replacement: `${REPLACEMENT_DATE} as "dueDate", coalesce((select s.odometer_km >= t.service_km from item_terms t where t.item_code = s.item_code), 0) as "dueByKm"`,
  calibration: `s.calibration_valid_until as "dueDate"`,
  maintenance: `${NEXT_MAINTENANCE} as "dueDate"`,
};


/** How many assets are due for `kind` by `until`, within an agency's subtree when one is named, of one item when named. */
export function countDue(db: Db, kind: DueKind, until: string, query: Pick<AssetQuery, 'agency' | 'itemCode'> = {}): number {
  const { sql, params, joins } = whereClause(db, { ...query, due: { kind, until } });
  return db.$client.prepare(`select count(*) ${fromClause(joins)}${sql}`).pluck().get(...params) as number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

function filterSql(col: string, f: ColumnFilter, params: unknown[]): string | null {
  if (f.type === 'blank') return `(${col} is null or ${col} = '')`;
  if (f.type === 'notBlank') return `(${col} is not null and ${col} <> '')`;
  if (f.filterType === 'text') {
    if (f.filter === null || f.filter === undefined || f.filter === '') return null;
    const v = f.filter;
    const like = (pattern: string, not = false) => {
      params.push(pattern);
      return `${not ? `(${col} is null or ${col} not like ? escape '\\')` : `${col} like ? escape '\\'`}`;
    };
    switch (f.type) {
      case 'contains': return like(`%${likeEscape(v)}%`);
      case 'notContains': return like(`%${likeEscape(v)}%`, true);
      case 'startsWith': return like(`${likeEscape(v)}%`);
      case 'endsWith': return like(`%${likeEscape(v)}`);
      case 'equals': params.push(v); return `${col} = ?`;
      case 'notEqual': params.push(v); return `(${col} is null or ${col} <> ?)`;
    }
  }
  const [from, to] = f.filterType === 'number' ? [f.filter, f.filterTo] : [f.dateFrom?.slice(0, 10), f.dateTo?.slice(0, 10)];
  if (from === null || from === undefined) return null;
  const ops: Record<string, string> = { equals: '=', notEqual: '<>', lessThan: '<', lessThanOrEqual: '<=', greaterThan: '>', greaterThanOrEqual: '>=' };
  if (f.type === 'inRange') {
    if (to === null || to === undefined) return null;
    params.push(from, to);
    return `${col} between ? and ?`;
  }
  params.push(from);
  return `${col} ${ops[f.type]} ?`;
}

interface Where {
  sql: string;
  params: unknown[];
  /** Which of the agencies (a) and catalog (c) tables the condition reads. */
  joins: Set<'a' | 'c'>;
}

const LIVE_STATUSES = ['in_service', 'under_repair', 'idle'] as const;

const tableOf = (column: string) => column.split('.')[0] as 's' | 'a' | 'c';

/**
 * Plates are stored in upper case, so a prefix or exact match is an index range on the upper-cased
 * text; null for the other filter types, which go through `filterSql`.
 */
function plateFilterSql(f: ColumnFilter, params: unknown[]): string | null {
  if (f.filterType !== 'text' || !f.filter || (f.type !== 'startsWith' && f.type !== 'equals')) return null;
  const v = f.filter.normalize('NFKC').toUpperCase();
  if (f.type === 'equals') {
    params.push(v);
    return 's.plate_number = ?';
  }
  params.push(v, `${v}\u{10FFFF}`);
  return 's.plate_number >= ? and s.plate_number < ?';
}

/**
 * The WHERE clause of a ledger query. `statusIndex: false` keeps the planner off the status index
 * (SQLite's unary +), so a page sorted by an indexed column walks that column's index instead.
 */
function whereClause(db: Db, q: AssetQuery, statusIndex = true): Where {
  const parts: string[] = [];
  const params: unknown[] = [];
  const joins = new Set<'a' | 'c'>();
  if (q.agency && q.agencyOnly) {
    parts.push('s.agency_id = (select id from agencies where code = ?)');
    params.push(q.agency);
  } else if (q.agency) {
    parts.push(`s.agency_id in (with recursive sub(id) as (select id from agencies where code = ?
      union all select x.id from agencies x join sub on x.parent_id = sub.id) select id from sub)`);
    params.push(q.agency);
  }
  if (q.statuses && q.statuses.length > 0) {
    const live = !statusIndex && q.statuses.length === LIVE_STATUSES.length && LIVE_STATUSES.every((x) => q.statuses!.includes(x));
    if (live) parts.push(`s.status <> 'scrapped'`); // the literal form the partial index assets_live is declared with
    else {
      parts.push(`${statusIndex ? '' : '+'}s.status in (${q.statuses.map(() => '?').join(', ')})`);
      params.push(...q.statuses);
    }
  }
  if (q.itemCode) {
    parts.push('s.item_code = ?');
    params.push(q.itemCode);
  }
  if (q.due) {
    parts.push(DUE_SQL[q.due.kind]);
    params.push(q.due.until);
    if (q.due.kind === 'calibration') joins.add('c');
  }
  if (q.quick) {
    const p = `%${likeEscape(q.quick)}%`;
    // Item names are matched in the 56-row catalog, not row by row.
    const items = db.$client.prepare(`select code from catalog_items where name like ? escape '\\' or aliases like ? escape '\\'`).pluck().all(p, p) as string[];
    if ([...q.quick].length >= 3) {
      // Three characters or more: the trigram index gives the matching ids, so the query starts from them.
      parts.push(`s.id in (select rowid from assets_search where assets_search match ?
        union all select id from assets where item_code in (select value from json_each(?)))`);
      params.push(`"${q.quick.replace(/"/g, '""')}"`, JSON.stringify(items));
    } else {
      parts.push(`(${['s.asset_tag', 's.plate_number', 's.model', 's.custodian'].map((c) => `${c} like ? escape '\\'`).join(' or ')}
        or s.item_code in (select value from json_each(?)))`);
      params.push(p, p, p, p, JSON.stringify(items));
    }
  }
  for (const [column, f] of Object.entries(q.filters ?? {}) as [AssetColumn, ColumnFilter][]) {
    const sql = column === 'plateNumber' ? plateFilterSql(f, params) ?? filterSql(COLUMN_SQL[column], f, params) : filterSql(COLUMN_SQL[column], f, params);
    if (!sql) continue;
    parts.push(sql);
    const table = tableOf(COLUMN_SQL[column]);
    if (table !== 's') joins.add(table);
  }
  return { sql: parts.length ? ` where ${parts.join(' and ')}` : '', params, joins };
}

function fromClause(joins: Set<'a' | 'c'>): string {
  return `from assets s${joins.has('a') ? ' join agencies a on a.id = s.agency_id' : ''}${joins.has('c') ? ' join catalog_items c on c.code = s.item_code' : ''}`;
}

export interface AssetPage {
  query: AssetQuery;
  startRow: number;
  endRow: number;
  sort?: { colId: AssetColumn; sort: 'asc' | 'desc' }[];
  /** Count the rows the query matches (the grid asks once per query, with its first block). */
  withTotal?: boolean;
}

/**
 * One page of the ledger, and the number of rows the query matches when asked. The page's ids are
 * chosen first, reading only the tables the filter and sort need; then those rows are fetched whole.
 */
/** The ids of the rows a query matches, in the order asked; the tie-breaker runs the same way as the last sort, so an index on the sorted column serves both. */
function orderedIds(db: Db, query: AssetQuery, sort: AssetPage['sort'] = [], limit = -1, offset = 0): number[] {
  const { sql, params, joins } = whereClause(db, query, false);
  const last = sort.length ? sort[sort.length - 1].sort : 'asc';
  const order = [...sort.map((x) => `${COLUMN_SQL[x.colId]} ${x.sort === 'desc' ? 'desc' : 'asc'}`), `s.id ${last === 'desc' ? 'desc' : 'asc'}`].join(', ');
  const pageJoins = new Set(joins);
  for (const x of sort) {
    const table = tableOf(COLUMN_SQL[x.colId]);
    if (table !== 's') pageJoins.add(table);
  }
  return db.$client.prepare(`select s.id ${fromClause(pageJoins)}${sql} order by ${order} limit ? offset ?`).pluck().all(...params, limit, offset) as number[];
}

function rowsByIds(db: Db, ids: number[], due?: DueKind): AssetRow[] {
  const select = due ? `select ${SELECT_FIELDS}, ${DUE_DATE_SQL[due]} ${FROM_JOINED}` : SELECT;
  const rows = db.$client.prepare(`${select} where s.id in (select value from json_each(?))`).all(JSON.stringify(ids)) as AssetRow[];
  if (due === 'replacement') for (const r of rows) r.dueByKm = !!r.dueByKm;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!);
}

/**
 * One page of the ledger, and the number of rows the query matches when asked. The page's ids are
 * chosen first, reading only the tables the filter and sort need; then those rows are fetched whole.
 */
export function listAssets(db: Db, page: AssetPage): { rows: AssetRow[]; total: number | null } {
  const rows = rowsByIds(db, orderedIds(db, page.query, page.sort, page.endRow - page.startRow, page.startRow), page.query.due?.kind);
  let total: number | null = null;
  if (page.withTotal !== false) {
    const w = whereClause(db, page.query);
    total = db.$client.prepare(`select count(*) ${fromClause(w.joins)}${w.sql}`).pluck().get(...w.params) as number;
  }
  return { rows, total };
}

/** Every row a query matches, in order, a block at a time (for exports). */
export function* allAssets(db: Db, query: AssetQuery, sort: AssetPage['sort']): Generator<AssetRow> {
  const ids = orderedIds(db, query, sort);
  for (let i = 0; i < ids.length; i += 1000) yield* rowsByIds(db, ids.slice(i, i + 1000));
}

export function getAssetRowSync(db: Db, id: number): AssetRow | undefined {
  return db.$client.prepare(`${SELECT} where s.id = ?`).get(id) as AssetRow | undefined;
}

/** The codes of the agencies holding any of the assets. */
export async function agenciesOfAssets(tx: Tx, ids: readonly number[]): Promise<string[]> {
  const rows = await tx.all<{ code: string }>(sql`select distinct a.code from assets s join agencies a on a.id = s.agency_id where ${inList(tx, sql.ref('s.id'), ids)}`);
  return rows.map((r) => r.code);
}

/** The codes of the agencies holding any of the assets. */
export function agenciesOfAssetsSync(db: Db, ids: readonly number[]): string[] {
  return db.$client.prepare(
    `select distinct a.code from assets s join agencies a on a.id = s.agency_id where s.id in (select value from json_each(?))`,
  ).pluck().all(JSON.stringify(ids)) as string[];
}

const OF_AGENCIES = `agency_id in (select value from json_each(?))`;

/** The assets of these agencies by status, the scrapped among them. */
export function countByStatus(db: Db, agencyIds: readonly number[]): Record<AssetStatus, number> {
  const byStatus: Record<AssetStatus, number> = { in_service: 0, under_repair: 0, idle: 0, scrapped: 0 };
  for (const r of db.$client.prepare(`select status, count(*) as n from assets where ${OF_AGENCIES} group by status`).all(JSON.stringify(agencyIds)) as { status: AssetStatus; n: number }[]) {
    byStatus[r.status] = r.n;
  }
  return byStatus;
}

/** Units of these items the agencies hold, not scrapped. */
export function countHeld(db: Db, agencyIds: readonly number[], items: readonly string[]): number {
  return db.$client
    .prepare(`select count(*) from assets where ${OF_AGENCIES} and status <> 'scrapped' and item_code in (select value from json_each(?))`)
    .pluck().get(JSON.stringify(agencyIds), JSON.stringify(items)) as number;
}

/** Every instrument that needs calibration and is not scrapped: its agency and the date its certificate runs to. */
export function calibratedInstruments(db: Db): { until: string | null; agency: string }[] {
  return db.$client.prepare(
    `select s.calibration_valid_until as until, a.code as agency from assets s join catalog_items c on c.code = s.item_code join agencies a on a.id = s.agency_id
     where c.needs_calibration = 1 and s.status <> 'scrapped'`,
  ).all() as { until: string | null; agency: string }[];
}

/** The agency holding each of these tags, for the tags the ledger holds. */
export function holdersOfTagsSync(db: Db, tags: readonly string[]): Map<string, string> {
  const holders = new Map<string, string>();
  const lookup = db.$client.prepare(`select s.asset_tag, a.code from assets s join agencies a on a.id = s.agency_id where s.asset_tag in (select value from json_each(?))`).raw();
  for (let i = 0; i < tags.length; i += 1000) {
    for (const [tag, code] of lookup.all(JSON.stringify(tags.slice(i, i + 1000))) as [string, string][]) holders.set(tag, code);
  }
  return holders;
}

/** Which of these tags the ledger holds. */
export function heldTagsSync(db: Db, tags: readonly string[]): Set<string> {
  const lookup = db.$client.prepare(`select asset_tag from assets where asset_tag in (select value from json_each(?))`).pluck();
  const out = new Set<string>();
  for (let i = 0; i < tags.length; i += 1000) for (const t of lookup.all(JSON.stringify(tags.slice(i, i + 1000))) as string[]) out.add(t);
  return out;
}

export function getAssetRow(tx: Tx, id: number): Promise<AssetRow | undefined> {
  return tx.get<AssetRow>(sql`${sql.raw(SELECT)} where s.id = ${id}`);
}

/** The agency holding each of these tags, for the tags the ledger holds. */
export async function holdersOfTags(tx: Tx, tags: readonly string[]): Promise<Map<string, string>> {
  const holders = new Map<string, string>();
  for (let i = 0; i < tags.length; i += 1000) {
    const rows = await tx.all<{ tag: string; code: string }>(sql`select s.asset_tag as tag, a.code from assets s join agencies a on a.id = s.agency_id
      where ${inList(tx, sql.ref('s.asset_tag'), tags.slice(i, i + 1000))}`);
    for (const r of rows) holders.set(r.tag, r.code);
  }
  return holders;
}

/** Which of these tags the ledger holds. */
export async function heldTags(tx: Tx, tags: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < tags.length; i += 1000) {
    for (const r of await tx.all<{ tag: string }>(sql`select asset_tag as tag from assets where ${inList(tx, sql.ref('asset_tag'), tags.slice(i, i + 1000))}`)) out.add(r.tag);
  }
  return out;
}
