import { sql, type RawBuilder } from 'kysely';
import type { AuditQuery, AuditRow } from '../../lib/domain/audit';
import { DEFAULT_TIME_ZONE, formatInstant, localDate, localDayRange, type Clock } from '../../lib/clock';
import type { IsoDate } from '../../lib/dates';
import { inList, runSteps, type Steps, type Tx } from '../store';

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

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** The statements that append entries (see `Steps`). */
export function* auditSteps(who: Actor, entries: Iterable<AuditEntry>): Steps<void> {
  const group: AuditEntry[] = [];
  function* flush(): Steps<void> {
    const values = group.map((e) => sql`(${who.at}, ${who.actor}, ${e.action}, ${e.entity}, ${e.entityKey}, ${json(e.before)}, ${json(e.after)}, ${e.batch ?? null})`);
    // One statement's rows take ascending ids in the order of its values, on both engines.
    const ids = (yield sql`insert into audit_log (at, actor, action, entity, entity_key, before, after, batch) values ${sql.join(values)} returning id`)
      .map((r) => Number(r.id)).sort((a, b) => a - b);
    const links: RawBuilder<unknown>[] = [];
    group.forEach((e, i) => {
      for (const code of new Set(e.agencies)) if (code) links.push(sql`(${ids[i]}, ${code})`);
    });
    for (let k = 0; k < links.length; k += AUDIT_ROWS) {
      yield sql`insert into audit_agencies (audit_id, agency_code) values ${sql.join(links.slice(k, k + AUDIT_ROWS))}`;
    }
    group.length = 0;
  }
  for (const e of entries) {
    group.push(e);
    if (group.length === AUDIT_ROWS) yield* flush();
  }
  if (group.length) yield* flush();
}

/** Appends entries; call inside the mutation's transaction so they commit or roll back with it. */
export function appendAudit(tx: Tx, who: Actor, entries: Iterable<AuditEntry>): Promise<void> {
  return runSteps(tx, auditSteps(who, entries));
}


/**
 * Entries a reader may see: with `scope` (a subtree's codes), those naming one of its agencies, and
 * never the administration of users; null: every entry.
 */
function auditWhere(tx: Pick<Tx, 'engine'>, q: AuditQuery, scope: ReadonlySet<string> | null, timeZone: string): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (scope !== null) parts.push(sql`entity <> 'user' and id in (select audit_id from audit_agencies where ${inList(tx, sql.ref('agency_code'), [...scope])})`);
  if (q.actor) parts.push(sql`actor = ${q.actor}`);
  if (q.entity) parts.push(sql`entity = ${q.entity}`);
  if (q.key) parts.push(sql`entity_key like ${`%${q.key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  // `at` is a UTC instant and from/to are local days: compare against the instants those days begin and end.
  const range = localDayRange(q.from, q.to, timeZone);
  if (range.from) parts.push(sql`at >= ${range.from}`);
  if (range.to) parts.push(sql`at < ${range.to}`);
  if (q.batch) parts.push(sql`batch = ${q.batch}`);
  return parts.length ? sql` where ${sql.join(parts, sql` and `)}` : sql``;
}

type StoredAudit = Omit<AuditRow, 'before' | 'after'> & { before: string | null; after: string | null };
const parsed = (r: StoredAudit): AuditRow => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null });
const AUDIT_SELECT = sql`select id, at, actor, action, entity, entity_key as "entityKey", before, after, batch from audit_log`;

/** The audit log, newest first; `scope` limits it to the entries of a subtree's agencies (null: all). */
export async function listAudit(tx: Tx, q: AuditQuery, startRow: number, endRow: number, scope: ReadonlySet<string> | null, timeZone: string): Promise<{ rows: AuditRow[]; total: number }> {
  const where = auditWhere(tx, q, scope, timeZone);
  const rows = await tx.all<StoredAudit>(sql`${AUDIT_SELECT}${where} order by id desc limit ${endRow - startRow} offset ${startRow}`);
  const total = await tx.get<{ n: number }>(sql`select count(*) as n from audit_log${where}`);
  return { rows: rows.map(parsed), total: total!.n };
}

/** Every entry a query matches within a scope (null: all), newest first, for an export. */
export async function auditEntries(tx: Tx, q: AuditQuery, scope: ReadonlySet<string> | null, timeZone: string): Promise<AuditRow[]> {
  return (await tx.all<StoredAudit>(sql`${AUDIT_SELECT}${auditWhere(tx, q, scope, timeZone)} order by id desc`)).map(parsed);
}
