import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

export const catalogItems = sqliteTable('catalog_items', {
  code: text('code').primaryKey(),
  category: text('category').notNull(),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  kind: text('kind', { enum: ['basic', 'optional'] }).notNull(),
  needsCalibration: integer('needs_calibration', { mode: 'boolean' }).notNull().default(false),
  /** JSON array of other names the item goes by in agencies' own ledgers. */
  aliases: text('aliases', { mode: 'json' }).$type<string[]>().notNull().default([]),
});
