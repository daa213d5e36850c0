import type Database from 'better-sqlite3';
import type { AuditQuery, AuditRow } from '../../lib/domain/audit';
import { DEFAULT_TIME_ZONE, formatInstant, localDate, localDayRange, type Clock } from '../../lib/clock';
import type { IsoDate } from '../../lib/dates';
import type { Db } from '../types';

/** Who is acting and when; every mutation carries one. */
export interface Actor {
  actor: string;
  /** ISO timestamp (an instant, UTC). */
  at: string;
  /**
   * The local date of `at` in the ledger's zone: what a record dated by the change (custody from/to)
   * stores. Set by `actorNow`; an actor written by hand (a script, a test) without it is taken in
   * Asia/Shanghai.
   */
  day?: IsoDate;
  /** The ledger's zone, in which messages show other instants to this actor (Asia/Shanghai when absent). */
  timeZone?: string;
}

/** The local date an actor acts on. */
export const actorDay = (who: Actor): IsoDate => who.day ?? localDate(who.at, who.timeZone ?? DEFAULT_TIME_ZONE);

/** A stored instant as this actor's screens show it. */
export const actorTime = (who: Actor, instant: string): string => formatInstant(instant, who.timeZone ?? DEFAULT_TIME_ZONE);

/** `actor` acting at the clock's present instant. */
export function actorNow(actor: string, clock: Pick<Clock, 'now' | 'timeZone'>): Actor {
  const now = clock.now();
  return { actor, at: now.toISOString(), day: localDate(now, clock.timeZone), timeZone: clock.timeZone };
}

export interface AuditEntry {
  action: 'create' | 'update' | 'delete' | 'bulk' | 'undo' | 'void';
  entity: string;
  entityKey: string;
  before?: unknown;
  after?: unknown;
  batch?: string | null;
  /**
   * The agencies the entry concerns (an asset's agency before and after, a record's asset's agency,
   * an agency itself, a plan's lead agencies…); a reader scoped to a subtree sees the entries naming
   * one of its agencies. Empty: a ledger-wide entry (prices, settings, users), for whole-ledger readers only.
   */
  agencies: readonly (string | null | undefined)[];
}

/** Rows per multi-row insert: a bulk import appends one entry per asset, and each statement run costs more than its rows. */
const AUDIT_ROWS = 64;

interface AuditStatements {
  entries: Map<number, Database.Statement>;
  agencies: Map<number, Database.Statement>;
}

const statements = new WeakMap<Database.Database, AuditStatements>();

function insertOf(c: Database.Database, cache: Map<number, Database.Statement>, n: number, sql: (n: number) => string): Database.Statement {
  let s = cache.get(n);
  if (!s) cache.set(n, (s = c.prepare(sql(n))));
  return s;
}

const entrySql = (n: number) => `insert into audit_log (at, actor, action, entity, entity_key, before, after, batch) values ${Array(n).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
const agencySql = (n: number) => `insert or ignore into audit_agencies (audit_id, agency_code) values ${Array(n).fill('(?, ?)').join(', ')}`;

/** Appends entries; call inside the mutation's transaction so they commit or roll back with it. */
export function appendAudit(db: Db, who: Actor, entries: Iterable<AuditEntry>): void {
  const c = db.$client;
  let cache = statements.get(c);
  if (!cache) statements.set(c, (cache = { entries: new Map(), agencies: new Map() }));
  const { entries: entryInserts, agencies: agencyInserts } = cache;
  const group: AuditEntry[] = [];
  const flush = () => {
    const params: unknown[] = [];
    for (const e of group) {
      params.push(
        who.at, who.actor, e.action, e.entity, e.entityKey,
        e.before === undefined ? null : JSON.stringify(e.before),
        e.after === undefined ? null : JSON.stringify(e.after),
        e.batch ?? null,
      );
    }
    // One statement's rows take consecutive ids (audit_log's id is AUTOINCREMENT and this connection is the only writer inside the transaction).
    const last = Number(insertOf(c, entryInserts, group.length, entrySql).run(params).lastInsertRowid);
    const links: unknown[] = [];
    group.forEach((e, i) => {
      for (const code of new Set(e.agencies)) if (code) links.push(last - group.length + 1 + i, code);
    });
    // Seeding a ledger names no agency, also on a schema before audit_agencies: nothing is prepared for it then.
    for (let k = 0; k < links.length; k += 2 * AUDIT_ROWS) {
      const part = links.slice(k, k + 2 * AUDIT_ROWS);
      insertOf(c, agencyInserts, part.length / 2, agencySql).run(part);
    }
    group.length = 0;
  };
  for (const e of entries) {
    group.push(e);
    if (group.length === AUDIT_ROWS) flush();
  }
  if (group.length) flush();
}

/**
 * Entries a reader may see: with `scope` (a subtree's codes), those naming one of its agencies, and
 * never the administration of users; null: every entry.
 */
function scopeWhere(scope: ReadonlySet<string> | null): { sql: string; params: unknown[] } | null {
  if (scope === null) return null;
  return {
    sql: `entity <> 'user' and id in (select audit_id from audit_agencies where agency_code in (select value from json_each(?)))`,
    params: [JSON.stringify([...scope])],
  };
}

function auditWhere(q: AuditQuery, scope: ReadonlySet<string> | null, timeZone: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const scoped = scopeWhere(scope);
  if (scoped) (parts.push(scoped.sql), params.push(...scoped.params));
  if (q.actor) (parts.push('actor = ?'), params.push(q.actor));
  if (q.entity) (parts.push('entity = ?'), params.push(q.entity));
  if (q.key) (parts.push(`entity_key like ? escape '\\'`), params.push(`%${q.key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  // `at` is a UTC instant and from/to are local days: compare against the instants those days begin and end.
  const range = localDayRange(q.from, q.to, timeZone);
  if (range.from) (parts.push('at >= ?'), params.push(range.from));
  if (range.to) (parts.push('at < ?'), params.push(range.to));
  if (q.batch) (parts.push('batch = ?'), params.push(q.batch));
  return { sql: parts.length ? ` where ${parts.join(' and ')}` : '', params };
}

type StoredAudit = Omit<AuditRow, 'before' | 'after'> & { before: string | null; after: string | null };
const parsed = (r: StoredAudit): AuditRow => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null });
const AUDIT_SELECT = `select id, at, actor, action, entity, entity_key as entityKey, before, after, batch from audit_log`;

/** The audit log, newest first; `scope` limits it to the entries of a subtree's agencies (null: all). */
export function listAudit(db: Db, q: AuditQuery, startRow: number, endRow: number, scope: ReadonlySet<string> | null, timeZone: string): { rows: AuditRow[]; total: number } {
  const { sql, params } = auditWhere(q, scope, timeZone);
  const rows = db.$client.prepare(`${AUDIT_SELECT}${sql} order by id desc limit ? offset ?`).all(...params, endRow - startRow, startRow) as StoredAudit[];
  const total = db.$client.prepare(`select count(*) from audit_log${sql}`).pluck().get(...params) as number;
  return { rows: rows.map(parsed), total };
}

/** Every entry a query matches within a scope (null: all), newest first, for an export. */
export function* auditEntries(db: Db, q: AuditQuery, scope: ReadonlySet<string> | null, timeZone: string): Generator<AuditRow> {
  const { sql, params } = auditWhere(q, scope, timeZone);
  for (const r of db.$client.prepare(`${AUDIT_SELECT}${sql} order by id desc`).iterate(...params) as IterableIterator<StoredAudit>) yield parsed(r);
}
