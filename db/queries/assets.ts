import type { AssetColumn, AssetQuery, AssetRow, AssetStatus, ColumnFilter, DueKind } from '../../lib/domain/assets';
import { sql, type RawBuilder } from 'kysely';
import { lastDateYearsBefore } from '../../lib/dates';
import { inList, type Tx } from '../store';

const COLUMN_SQL: Record<AssetColumn, string> = {
  assetTag: 's.asset_tag', itemCode: 's.item_code', itemName: 'c.name', agencyCode: 'a.code', agencyName: 'a.name', model: 's.model',
  serialNumber: 's.serial_number', purchaseDate: 's.purchase_date', priceFen: 's.price_fen', fundingSource: 's.funding_source',
  status: 's.status', custodian: 's.custodian', location: 's.location', plateNumber: 's.plate_number', odometerKm: 's.odometer_km',
  calibrationValidUntil: 's.calibration_valid_until', notes: 's.notes',
};

/**
 * Columns never blank: sorted without a word on blanks, so that the index PostgreSQL has on them (which holds
 * blanks last, unlike db/migrations-pg/0005's) serves the sort.
 */
const NEVER_BLANK = new Set<AssetColumn>(['assetTag', 'itemCode', 'status']);

/** The columns holding numbers; the others hold text (dates as ISO text). */
const NUMBER_COLUMNS = new Set<AssetColumn>(['priceFen', 'odometerKm']);

const SELECT_FIELDS = `s.id, s.asset_tag as "assetTag", s.item_code as "itemCode", c.name as "itemName", a.code as "agencyCode", a.name as "agencyName",
  s.model, s.serial_number as "serialNumber", s.purchase_date as "purchaseDate", s.price_fen as "priceFen", s.funding_source as "fundingSource",
  s.status, s.custodian, s.location, s.plate_number as "plateNumber", s.odometer_km as "odometerKm",
  s.calibration_valid_until as "calibrationValidUntil", s.notes`;
const FROM_JOINED = `from assets s join agencies a on a.id = s.agency_id join catalog_items c on c.code = s.item_code`;
const SELECT = `select ${SELECT_FIELDS} ${FROM_JOINED}`;

/** The next maintenance date of an asset: its latest record's. */
const NEXT_MAINTENANCE = sql`(select m.next_due_date from maintenance_records m where m.asset_id = s.id and m.voided_at is null order by m.date desc, m.id desc limit 1)`;
/** The day an asset has served its item's years. */
const REPLACEMENT_DATE = sql`(select add_years(s.purchase_date, t.service_years) from item_terms t where t.item_code = s.item_code)`;

/**
 * The replacement rule (quotas/replacement.ts): served its item's years by the date, or the odometer at the
 * limit. The years are turned into the last purchase date due, once per item, so that each row is compared
 * with a date rather than passed through add_years (a function call per row costs seconds on a province).
 */
async function replacementDue(tx: Tx, until: string): Promise<RawBuilder<unknown>> {
  const terms = await tx.all<{ code: string; years: number | null; km: number | null }>(
    sql`select item_code as code, service_years as years, service_km as km from item_terms where service_years is not null or service_km is not null`);
  // Items sharing the same last date and kilometres are tested together, so a row is compared a few times, not once per item.
  const groups = new Map<string, { cutoff: string | null; km: number | null; codes: string[] }>();
  for (const t of terms) {
    const cutoff = t.years === null ? null : lastDateYearsBefore(until, t.years);
    const key = `${cutoff}|${t.km}`;
    if (!groups.has(key)) groups.set(key, { cutoff, km: t.km, codes: [] });
    groups.get(key)!.codes.push(t.code);
  }
  if (!groups.size) return sql`1 = 0`;
  const tests = [...groups.values()].map((g) => {
    const reached = [g.cutoff === null ? null : sql`s.purchase_date <= ${g.cutoff}`, g.km === null ? null : sql`s.odometer_km >= ${g.km}`].filter((x) => x !== null);
    return sql`(${inList(tx, sql.ref('s.item_code'), g.codes)} and (${sql.join(reached, sql` or `)}))`;
  });
  return sql`(s.status <> 'scrapped' and (${sql.join(tests, sql` or `)}))`;
}

/** Conditions for the due-lists, by the date they are due by. */
const DUE_SQL: Record<DueKind, (tx: Tx, until: string) => RawBuilder<unknown> | Promise<RawBuilder<unknown>>> = {
  replacement: replacementDue,
  calibration: (_tx, until) => sql`(c.needs_calibration = 1 and s.status <> 'scrapped' and (s.calibration_valid_until is null or s.calibration_valid_until <= ${until}))`,
  maintenance: (_tx, until) => sql`(s.status <> 'scrapped' and ${NEXT_MAINTENANCE} <= ${until})`,
};

/** What a due-list shows as each row's due date. */
const DUE_DATE_SQL: Record<DueKind, RawBuilder<unknown>> = {
  replacement: sql`${REPLACEMENT_DATE} as "dueDate",
    coalesce((select case when s.odometer_km >= t.service_km then 1 else 0 end from item_terms t where t.item_code = s.item_code), 0) as "dueByKm"`,
  calibration: sql`s.calibration_valid_until as "dueDate"`,
  maintenance: sql`${NEXT_MAINTENANCE} as "dueDate"`,
};

/** How many assets are due for `kind` by `until`, within an agency's subtree when one is named, of one item when named. */
export function countDue(tx: Tx, kind: DueKind, until: string, query: Pick<AssetQuery, 'agency' | 'itemCode'> = {}): Promise<number> {
  return countAssets(tx, { ...query, due: { kind, until } });
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * `column like pattern` whatever the case of the letters, as a user types it: SQLite's like ignores the case
 * already; PostgreSQL's ilike does, and the provincial database's trigram indexes (db/migrations-pg/0001) serve it.
 * A pattern without letters that have a case (Chinese, digits) needs no ilike, whose folding of each row's text
 * costs four times a plain like.
 */
function like(tx: Pick<Tx, 'engine'>, column: RawBuilder<unknown>, pattern: string, not = false): RawBuilder<unknown> {
  const caseless = pattern.toLowerCase() === pattern.toUpperCase();
  const op = `${not ? 'not ' : ''}${tx.engine === 'postgres' && !caseless ? 'ilike' : 'like'}`;
  return sql`${column} ${sql.raw(op)} ${pattern} escape '\\'`;
}

const COMPARISONS: Record<string, string> = { equals: '=', notEqual: '<>', lessThan: '<', lessThanOrEqual: '<=', greaterThan: '>', greaterThanOrEqual: '>=' };

function filterSql(tx: Pick<Tx, 'engine'>, column: AssetColumn, f: ColumnFilter): RawBuilder<unknown> | null {
  const ref = sql.ref(COLUMN_SQL[column]);
  const number = NUMBER_COLUMNS.has(column);
  // A number is never '' (PostgreSQL refuses to compare it with text at all); compared by a text or date filter, it is compared as its text.
  if (f.type === 'blank') return number ? sql`${ref} is null` : sql`(${ref} is null or ${ref} = '')`;
  if (f.type === 'notBlank') return number ? sql`${ref} is not null` : sql`(${ref} is not null and ${ref} <> '')`;
  const col = number && f.filterType !== 'number' ? sql`cast(${ref} as text)` : ref;
  if (f.filterType === 'text') {
    if (f.filter === null || f.filter === undefined || f.filter === '') return null;
    const v = f.filter;
    switch (f.type) {
      case 'contains': return like(tx, col, `%${likeEscape(v)}%`);
      case 'notContains': return sql`(${col} is null or ${like(tx, col, `%${likeEscape(v)}%`, true)})`;
      case 'startsWith': return like(tx, col, `${likeEscape(v)}%`);
      case 'endsWith': return like(tx, col, `%${likeEscape(v)}`);
      case 'equals': return sql`${col} = ${v}`;
      case 'notEqual': return sql`(${col} is null or ${col} <> ${v})`;
    }
  }
  const [from, to] = f.filterType === 'number' ? [f.filter, f.filterTo] : [f.dateFrom?.slice(0, 10), f.dateTo?.slice(0, 10)];
  if (from === null || from === undefined) return null;
  if (f.type === 'inRange') return to === null || to === undefined ? null : sql`${col} between ${from} and ${to}`;
  return sql`${col} ${sql.raw(COMPARISONS[f.type])} ${from}`;
}

interface Where {
  where: RawBuilder<unknown>;
  /** Which of the agencies (a) and catalog (c) tables the condition reads. */
  joins: Set<'a' | 'c'>;
}

const LIVE_STATUSES = ['in_service', 'under_repair', 'idle'] as const;

const tableOf = (column: string) => column.split('.')[0] as 's' | 'a' | 'c';

/**
 * Plates are stored in upper case, so a prefix or exact match is an index range on the upper-cased
 * text; null for the other filter types, which go through `filterSql`.
 */
function plateFilterSql(f: ColumnFilter): RawBuilder<unknown> | null {
  if (f.filterType !== 'text' || !f.filter || (f.type !== 'startsWith' && f.type !== 'equals')) return null;
  const v = f.filter.normalize('NFKC').toUpperCase();
  return f.type === 'equals' ? sql`s.plate_number = ${v}` : sql`s.plate_number >= ${v} and s.plate_number < ${`${v}\u{10FFFF}`}`;
}

/** The columns the quick search reads, besides the item's name. */
const SEARCHED = ['s.asset_tag', 's.plate_number', 's.model', 's.custodian'];

/** Assets whose tag, plate, model or custodian contains the text, whatever its case, or whose item's name or alias does. */
async function quickSearch(tx: Tx, text: string): Promise<RawBuilder<unknown>> {
  const p = `%${likeEscape(text)}%`;
  // Item names are matched in the 56-row catalog, not row by row.
  const items = (await tx.all<{ code: string }>(sql`select code from catalog_items where ${like(tx, sql.ref('name'), p)} or ${like(tx, sql.ref('aliases'), p)}`))
    .map((r) => r.code);
  // A blank label's whole code finds the asset it was linked to (a phone opening the label's address lands here).
  const labelled = (await tx.get<{ id: number }>(sql`select asset_id as id from blank_labels where code = ${text.trim().toUpperCase()} and asset_id is not null`))?.id;
  const ids = labelled === undefined ? [] : [Number(labelled)];
  if (tx.engine === 'sqlite' && [...text].length >= 3) {
    // Three characters or more: the embedded ledger's trigram index (migration 0002) gives the matching ids, so the query starts from them.
    return sql`s.id in (select rowid from assets_search where assets_search match ${`"${text.replace(/"/g, '""')}"`}
      union all select id from assets where ${inList(tx, sql.ref('item_code'), items)} union all select value from json_each(${JSON.stringify(ids)}))`;
  }
  return sql`(${inList(tx, sql.ref('s.item_code'), items)} or ${inList(tx, sql.ref('s.id'), ids)} or ${sql.join(SEARCHED.map((c) => like(tx, sql.ref(c), p)), sql` or `)})`;
}

/**
 * The WHERE clause of a ledger query. `statusIndex: false` keeps the planner off the status index (the
 * status compared as an expression, not as the column), so a page sorted by an indexed column walks that
 * column's index instead.
 */
async function whereClause(tx: Tx, q: AssetQuery, statusIndex = true): Promise<Where> {
  const parts: RawBuilder<unknown>[] = [];
  const joins = new Set<'a' | 'c'>();
  if (q.agency) {
    // The subtree's ids are read first and given as values: the planner cannot tell how many rows a recursive
    // query yields, and guessing hundreds for a county's one it scans a province's assets instead of the index.
    const ids = await tx.all<{ id: number }>(q.agencyOnly ? sql`select id from agencies where code = ${q.agency}`
      : sql`with recursive sub(id) as (select id from agencies where code = ${q.agency}
        union all select x.id from agencies x join sub on x.parent_id = sub.id) select id from sub`);
    parts.push(inList(tx, sql.ref('s.agency_id'), ids.map((r) => r.id)));
  }
  if (q.statuses && q.statuses.length > 0) {
    const live = !statusIndex && q.statuses.length === LIVE_STATUSES.length && LIVE_STATUSES.every((x) => q.statuses!.includes(x));
    if (live) parts.push(sql`s.status <> 'scrapped'`); // the literal form the partial index assets_live is declared with
    else parts.push(sql`${statusIndex ? sql`s.status` : sql`(s.status || '')`} in (${sql.join(q.statuses)})`);
  }
  if (q.itemCode) parts.push(sql`s.item_code = ${q.itemCode}`);
  if (q.due) {
    parts.push(await DUE_SQL[q.due.kind](tx, q.due.until));
    if (q.due.kind === 'calibration') joins.add('c');
  }
  if (q.quick) parts.push(await quickSearch(tx, q.quick));
  for (const [column, f] of Object.entries(q.filters ?? {}) as [AssetColumn, ColumnFilter][]) {
    const condition = (column === 'plateNumber' ? plateFilterSql(f) : null) ?? filterSql(tx, column, f);
    if (!condition) continue;
    parts.push(condition);
    const table = tableOf(COLUMN_SQL[column]);
    if (table !== 's') joins.add(table);
  }
  return { where: parts.length ? sql` where ${sql.join(parts, sql` and `)}` : sql``, joins };
}

function fromClause(joins: Set<'a' | 'c'>): RawBuilder<unknown> {
  return sql.raw(`from assets s${joins.has('a') ? ' join agencies a on a.id = s.agency_id' : ''}${joins.has('c') ? ' join catalog_items c on c.code = s.item_code' : ''}`);
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
 * The ids of the rows a query matches, in the order asked (a block of them when `block` is given). The
 * tie-breaker runs the same way as the last sort, so an index on the sorted column serves both. Blanks sort
 * first going up and last going down on both engines (SQLite's own order; PostgreSQL's is the reverse).
 */
async function orderedIds(tx: Tx, query: AssetQuery, sort: AssetPage['sort'] = [], block?: { limit: number; offset: number }): Promise<number[]> {
  const { where, joins } = await whereClause(tx, query, false);
  const last = sort.length ? sort[sort.length - 1].sort : 'asc';
  const order = sql.join([
    ...sort.map((x) => sql`${sql.ref(COLUMN_SQL[x.colId])} ${sql.raw(`${x.sort}${NEVER_BLANK.has(x.colId) ? '' : x.sort === 'desc' ? ' nulls last' : ' nulls first'}`)}`),
    sql.raw(`s.id ${last === 'desc' ? 'desc' : 'asc'}`),
  ]);
  const pageJoins = new Set(joins);
  for (const x of sort) {
    const table = tableOf(COLUMN_SQL[x.colId]);
    if (table !== 's') pageJoins.add(table);
  }
  const limit = block ? sql` limit ${block.limit} offset ${block.offset}` : sql``;
  return (await tx.all<{ id: number }>(sql`select s.id ${fromClause(pageJoins)}${where} order by ${order}${limit}`)).map((r) => r.id);
}

/** The rows of these assets, in the order of the ids; an id the ledger does not hold is left out. */
export async function getAssetRows(tx: Tx, ids: readonly number[], due?: DueKind): Promise<AssetRow[]> {
  if (!ids.length) return [];
  const select = due ? sql`select ${sql.raw(SELECT_FIELDS)}, ${DUE_DATE_SQL[due]} ${sql.raw(FROM_JOINED)}` : sql.raw(SELECT);
  const rows = await tx.all<AssetRow>(sql`${select} where ${inList(tx, sql.ref('s.id'), ids)}`);
  if (due === 'replacement') for (const r of rows) r.dueByKm = !!r.dueByKm;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * One page of the ledger, and the number of rows the query matches when asked (run both on one snapshot). The
 * page's ids are chosen first, reading only the tables the filter and sort need; then those rows are fetched whole.
 */
export async function listAssets(tx: Tx, page: AssetPage): Promise<{ rows: AssetRow[]; total: number | null }> {
  const ids = await orderedIds(tx, page.query, page.sort, { limit: page.endRow - page.startRow, offset: page.startRow });
  const rows = await getAssetRows(tx, ids, page.query.due?.kind);
  return { rows, total: page.withTotal === false ? null : await countAssets(tx, page.query) };
}

/** How many assets a query matches. */
export async function countAssets(tx: Tx, query: AssetQuery): Promise<number> {
  const w = await whereClause(tx, query);
  return (await tx.get<{ n: number }>(sql`select count(*) as n ${fromClause(w.joins)}${w.where}`))!.n;
}

/** Every row a query matches, in order, up to `limit` (for exports): the ids first, then the rows a block of ids at a time. */
export async function allAssets(tx: Tx, query: AssetQuery, sort: AssetPage['sort'], limit?: number): Promise<AssetRow[]> {
  const ids = await orderedIds(tx, query, sort, limit === undefined ? undefined : { limit, offset: 0 });
  const rows: AssetRow[] = [];
  for (let i = 0; i < ids.length; i += 1000) rows.push(...(await getAssetRows(tx, ids.slice(i, i + 1000))));
  return rows;
}


/** The codes of the agencies holding any of the assets. */
export async function agenciesOfAssets(tx: Tx, ids: readonly number[]): Promise<string[]> {
  const rows = await tx.all<{ code: string }>(sql`select distinct a.code from assets s join agencies a on a.id = s.agency_id where ${inList(tx, sql.ref('s.id'), ids)}`);
  return rows.map((r) => r.code);
}

/** The assets of these agencies by status, the scrapped among them. */
export async function countByStatus(tx: Tx, agencyIds: readonly number[]): Promise<Record<AssetStatus, number>> {
  const byStatus: Record<AssetStatus, number> = { in_service: 0, under_repair: 0, idle: 0, scrapped: 0 };
  const rows = await tx.all<{ status: AssetStatus; n: number }>(sql`select status, count(*) as n from assets where ${inList(tx, sql.ref('agency_id'), agencyIds)} group by status`);
  for (const r of rows) byStatus[r.status] = r.n;
  return byStatus;
}

/** Units of these items the agencies hold, not scrapped. */
export async function countHeld(tx: Tx, agencyIds: readonly number[], items: readonly string[]): Promise<number> {
  return (await tx.get<{ n: number }>(sql`select count(*) as n from assets where ${inList(tx, sql.ref('agency_id'), agencyIds)} and status <> 'scrapped'
    and ${inList(tx, sql.ref('item_code'), items)}`))!.n;
}

/** Every instrument that needs calibration and is not scrapped: its agency and the date its certificate runs to. */
export function calibratedInstruments(tx: Tx): Promise<{ until: string | null; agency: string }[]> {
  return tx.all(sql`select s.calibration_valid_until as "until", a.code as agency from assets s join catalog_items c on c.code = s.item_code
    join agencies a on a.id = s.agency_id where c.needs_calibration = 1 and s.status <> 'scrapped'`);
}

export function getAssetRow(tx: Tx, id: number): Promise<AssetRow | undefined> {
  return tx.get<AssetRow>(sql`${sql.raw(SELECT)} where s.id = ${id}`);
}

/**
 * The assets holding these tags, as a FROM item whose rows are `s`. On PostgreSQL each tag is looked up in the tags'
 * unique index: for `asset_tag = any(…)` the planner takes the trigram index of quick search (db/migrations-pg/0001)
 * instead, which costs seconds for a few hundred tags sharing their prefix. The `limit 1` (a tag is unique) keeps the
 * lookup per tag: flattened into a join, a province's 50,000 assets were scanned and hashed for 500 tags.
 */
export function assetsTagged(tx: Tx, tags: readonly string[]): RawBuilder<unknown> {
  return tx.engine === 'postgres'
    ? sql`unnest(cast(${tags} as text[])) as wanted(tag) cross join lateral (select * from assets x where x.asset_tag = wanted.tag limit 1) s`
    : sql`(select * from assets where ${inList(tx, sql.ref('asset_tag'), tags)}) s`;
}

/** The agency holding each of these tags, for the tags the ledger holds. */
export async function holdersOfTags(tx: Tx, tags: readonly string[]): Promise<Map<string, string>> {
  const holders = new Map<string, string>();
  for (let i = 0; i < tags.length; i += 1000) {
    const rows = await tx.all<{ tag: string; code: string }>(sql`select s.asset_tag as tag, a.code from ${assetsTagged(tx, tags.slice(i, i + 1000))}
      join agencies a on a.id = s.agency_id`);
    for (const r of rows) holders.set(r.tag, r.code);
  }
  return holders;
}

/** Which of these tags the ledger holds. */
export async function heldTags(tx: Tx, tags: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < tags.length; i += 1000) {
    for (const r of await tx.all<{ tag: string }>(sql`select s.asset_tag as tag from ${assetsTagged(tx, tags.slice(i, i + 1000))}`)) out.add(r.tag);
  }
  return out;
}
