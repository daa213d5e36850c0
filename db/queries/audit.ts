import type Database from 'better-sqlite3';
import type { AuditQuery, AuditRow } from '../../api/contract';
import type { Db } from '../open';

/** Who is acting and when; every mutation carries one. */
export interface Actor {
  actor: string;
  /** ISO timestamp. */
  at: string;
}

export function actorNow(actor: string, now: Date = new Date()): Actor {
  return { actor, at: now.toISOString() };
}

export interface AuditEntry {
  action: 'create' | 'update' | 'delete' | 'bulk' | 'undo' | 'void';
  entity: string;
  entityKey: string;
  before?: unknown;
  after?: unknown;
  batch?: string | null;
}

const statements = new WeakMap<Database.Database, Database.Statement>();

/** Appends entries; call inside the mutation's transaction so they commit or roll back with it. */
export function appendAudit(db: Db, who: Actor, entries: Iterable<AuditEntry>): void {
  const c = db.$client;
  let insert = statements.get(c);
  if (!insert) {
    insert = c.prepare(
      `insert into audit_log (at, actor, action, entity, entity_key, before, after, batch) values (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    statements.set(c, insert);
  }
  for (const e of entries) {
    insert.run(
      who.at, who.actor, e.action, e.entity, e.entityKey,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.batch ?? null,
    );
  }
}

function auditWhere(q: AuditQuery): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (q.actor) (parts.push('actor = ?'), params.push(q.actor));
  if (q.entity) (parts.push('entity = ?'), params.push(q.entity));
  if (q.key) (parts.push(`entity_key like ? escape '\\'`), params.push(`%${q.key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  // `at` is an ISO timestamp: a day's entries sort between the day and the day followed by 'T~'.
  if (q.from) (parts.push('at >= ?'), params.push(q.from));
  if (q.to) (parts.push('at < ?'), params.push(`${q.to}T~`));
  if (q.batch) (parts.push('batch = ?'), params.push(q.batch));
  return { sql: parts.length ? ` where ${parts.join(' and ')}` : '', params };
}

type StoredAudit = Omit<AuditRow, 'before' | 'after'> & { before: string | null; after: string | null };
const parsed = (r: StoredAudit): AuditRow => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null });
const AUDIT_SELECT = `select id, at, actor, action, entity, entity_key as entityKey, before, after, batch from audit_log`;

/** The audit log, newest first. */
export function listAudit(db: Db, q: AuditQuery, startRow: number, endRow: number): { rows: AuditRow[]; total: number } {
  const { sql, params } = auditWhere(q);
  const rows = db.$client.prepare(`${AUDIT_SELECT}${sql} order by id desc limit ? offset ?`).all(...params, endRow - startRow, startRow) as StoredAudit[];
  const total = db.$client.prepare(`select count(*) from audit_log${sql}`).pluck().get(...params) as number;
  return { rows: rows.map(parsed), total };
}

/** Every entry a query matches, newest first, for an export. */
export function* auditEntries(db: Db, q: AuditQuery): Generator<AuditRow> {
  const { sql, params } = auditWhere(q);
  for (const r of db.$client.prepare(`${AUDIT_SELECT}${sql} order by id desc`).iterate(...params) as IterableIterator<StoredAudit>) yield parsed(r);
}
