import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { SCAN_OUTCOMES, SCAN_SOURCES } from '../../lib/domain/stocktakes';
import { agencies } from './agencies';
import { assets } from './assets';
import { stocktakes } from './stocktakes';

/**
 * One scan of a stocktake: the code as read, the asset it names (none for 盘盈), where it was found and
 * what it was judged. `clientId` makes a scan queued on a phone count once however often it is sent.
 */
export const stocktakeScans = sqliteTable(
  'stocktake_scans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    stocktakeId: integer('stocktake_id').notNull().references(() => stocktakes.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    assetId: integer('asset_id').references(() => assets.id, { onDelete: 'restrict' }),
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    custodian: text('custodian'),
    outcome: text('outcome', { enum: SCAN_OUTCOMES }).notNull(),
    source: text('source', { enum: SCAN_SOURCES }).notNull(),
    clientId: text('client_id'),
    scannedBy: text('scanned_by').notNull(),
    scannedAt: text('scanned_at').notNull(),
  },
  (t) => [
    index('stocktake_scans_code').on(t.stocktakeId, t.code),
    index('stocktake_scans_asset').on(t.stocktakeId, t.assetId),
    uniqueIndex('stocktake_scans_client').on(t.stocktakeId, t.clientId),
  ],
);
