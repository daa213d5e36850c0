import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { assets } from './assets';

/** 报废: requested -> approved -> scrapped (or rejected). */
export const disposals = sqliteTable(
  'disposals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    assetId: integer('asset_id').notNull().references(() => assets.id, { onDelete: 'restrict' }),
    status: text('status', { enum: ['requested', 'approved', 'scrapped', 'rejected'] }).notNull(),
    reason: text('reason').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: text('requested_at').notNull(),
    approvalRef: text('approval_ref'),
    approvedBy: text('approved_by'),
    approvedAt: text('approved_at'),
    disposedDate: text('disposed_date'),
    residualValueFen: integer('residual_value_fen'),
  },
  (t) => [index('disposals_asset').on(t.assetId), index('disposals_status').on(t.status)],
);
