import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { assets } from './assets';

export const maintenanceRecords = sqliteTable(
  'maintenance_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    assetId: integer('asset_id').notNull().references(() => assets.id, { onDelete: 'restrict' }),
    date: text('date').notNull(),
    kind: text('kind', { enum: ['repair', 'service', 'inspection'] }).notNull(),
    description: text('description').notNull(),
    costFen: integer('cost_fen'),
    vendor: text('vendor'),
    odometerKm: integer('odometer_km'),
    nextDueDate: text('next_due_date'),
    /** A record entered by mistake is voided with a reason, never deleted: it then counts for nothing. */
    voidedAt: text('voided_at'),
    voidedBy: text('voided_by'),
    voidReason: text('void_reason'),
  },
  (t) => [index('maintenance_asset').on(t.assetId, t.date), index('maintenance_due').on(t.nextDueDate)],
);
