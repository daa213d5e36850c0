import type Database from 'better-sqlite3';
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
  action: 'create' | 'update' | 'delete' | 'bulk';
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
