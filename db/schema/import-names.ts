import { primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** How agencies' own ledgers name items, agencies and statuses, as users mapped them in the import wizard; offered again for the next file. */
export const importNames = sqliteTable(
  'import_names',
  {
    /** The agency whose subtree the mapping was made for ('' for the whole ledger); offered only within it. */
    scope: text('scope').notNull().default(''),
    kind: text('kind', { enum: ['item', 'agency', 'status'] }).notNull(),
    name: text('name').notNull(),
    code: text('code').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.kind, t.name] })],
);
