import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { assets } from './assets';

export const calibrations = sqliteTable(
  'calibrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    assetId: integer('asset_id').notNull().references(() => assets.id, { onDelete: 'restrict' }),
    date: text('date').notNull(),
    validUntil: text('valid_until').notNull(),
    certificateNo: text('certificate_no'),
    institution: text('institution'),
    result: text('result', { enum: ['pass', 'fail'] }).notNull(),
    notes: text('notes'),
    /** A record entered by mistake is voided with a reason, never deleted: it then counts for nothing. */
    voidedAt: text('voided_at'),
    voidedBy: text('voided_by'),
    voidReason: text('void_reason'),
  },
  (t) => [index('calibrations_asset').on(t.assetId, t.date)],
);
