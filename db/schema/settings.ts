import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Ledger-wide settings a user can change, e.g. the dispatch reserve ratio; each value is JSON. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
});
