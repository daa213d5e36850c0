import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { catalogItems } from './catalog-items';

/**
 * Per catalog item: the unit price a budget request uses, and the replacement rule — due after
 * `serviceYears` in service, or (vehicles) at `serviceKm` on the odometer, whichever comes first.
 * Seeded from `quotas/data/replacement.json`; every value is the user's to change.
 */
export const itemTerms = sqliteTable(
  'item_terms',
  {
    itemCode: text('item_code').primaryKey().references(() => catalogItems.code),
    unitPriceFen: integer('unit_price_fen').notNull(),
    priceNote: text('price_note'),
    serviceYears: integer('service_years'),
    serviceKm: integer('service_km'),
    lifeNote: text('life_note'),
    updatedBy: text('updated_by').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    check('item_terms_values', sql`${t.unitPriceFen} >= 0 and (${t.serviceYears} is null or ${t.serviceYears} between 1 and 50) and (${t.serviceKm} is null or ${t.serviceKm} >= 1000)`),
  ],
);
