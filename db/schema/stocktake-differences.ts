import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { DIFFERENCE_KINDS, SETTLEMENTS } from '../../lib/domain/stocktakes';
import { agencies } from './agencies';
import { assets } from './assets';
import { stocktakes } from './stocktakes';

/**
 * A difference a closed stocktake found, with its 原因 and 处置意见, the settlement proposed, and what the
 * approval did (`settledAssetId`: the asset moved, registered or written off).
 */
export const stocktakeDifferences = sqliteTable(
  'stocktake_differences',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    stocktakeId: integer('stocktake_id').notNull().references(() => stocktakes.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: DIFFERENCE_KINDS }).notNull(),
    code: text('code').notNull(),
    assetId: integer('asset_id').references(() => assets.id, { onDelete: 'restrict' }),
    expectedAgencyId: integer('expected_agency_id').references(() => agencies.id, { onDelete: 'restrict' }),
    foundAgencyId: integer('found_agency_id').references(() => agencies.id, { onDelete: 'restrict' }),
    foundCustodian: text('found_custodian'),
    reason: text('reason'),
    proposal: text('proposal'),
    settlement: text('settlement', { enum: SETTLEMENTS }),
    /** For a 盘盈 registered: the item and facts the asset is registered with, as JSON. */
    registration: text('registration'),
    settledAssetId: integer('settled_asset_id').references(() => assets.id, { onDelete: 'restrict' }),
  },
  (t) => [index('stocktake_differences_stocktake').on(t.stocktakeId)],
);
