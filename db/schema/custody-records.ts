import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';
import { assets } from './assets';

/** Who held or used an asset, from when to when, for what. */
export const custodyRecords = sqliteTable(
  'custody_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    assetId: integer('asset_id').notNull().references(() => assets.id, { onDelete: 'restrict' }),
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    custodian: text('custodian').notNull(),
    fromDate: text('from_date').notNull(),
    toDate: text('to_date'),
    purpose: text('purpose'),
  },
  (t) => [index('custody_asset').on(t.assetId, t.fromDate)],
);
