import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';
import { assets } from './assets';
import { stocktakes } from './stocktakes';

/** What a stocktake expects to find, frozen when it starts: each asset not scrapped, where and with whom. */
export const stocktakeExpected = sqliteTable(
  'stocktake_expected',
  {
    stocktakeId: integer('stocktake_id').notNull().references(() => stocktakes.id, { onDelete: 'cascade' }),
    assetId: integer('asset_id').notNull().references(() => assets.id, { onDelete: 'restrict' }),
    assetTag: text('asset_tag').notNull(),
    itemCode: text('item_code').notNull(),
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    custodian: text('custodian'),
    location: text('location'),
    status: text('status').notNull(),
  },
  (t) => [primaryKey({ columns: [t.stocktakeId, t.assetId] }), index('stocktake_expected_tag').on(t.stocktakeId, t.assetTag)],
);
