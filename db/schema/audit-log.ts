import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Every mutation appends here in its own transaction: who, when, what, before and after. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action', { enum: ['create', 'update', 'delete', 'bulk', 'undo'] }).notNull(),
    entity: text('entity').notNull(),
    entityKey: text('entity_key').notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    /** Groups the entries of one operation (one import, one bulk edit). */
    batch: text('batch'),
  },
  (t) => [index('audit_entity').on(t.entity, t.entityKey), index('audit_at').on(t.at), index('audit_batch').on(t.batch)],
);
