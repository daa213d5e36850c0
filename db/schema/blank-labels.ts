import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';
import { assets } from './assets';

/** A pre-printed label not yet on an asset: its code is linked to the asset it is stuck on at its first scan. */
export const blankLabels = sqliteTable(
  'blank_labels',
  {
    code: text('code').primaryKey(),
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    printedBy: text('printed_by').notNull(),
    printedAt: text('printed_at').notNull(),
    assetId: integer('asset_id').unique('blank_labels_asset').references(() => assets.id, { onDelete: 'restrict' }),
    linkedBy: text('linked_by'),
    linkedAt: text('linked_at'),
  },
  (t) => [index('blank_labels_agency').on(t.agencyId)],
);
