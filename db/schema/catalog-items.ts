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
  /** The technical parameters an edition of the standard asks of the item, as its table writes them. */
  parameters: text('parameters'),
  /** The item this one takes over from (an edition retiring it): under an edition that sets quotas for this item and none for that one, that one's units count as this one's. */
  succeeds: text('succeeds'),
  /** The edition whose import added the item; null for the standard's own 56. */
  addedBy: text('added_by'),
});
