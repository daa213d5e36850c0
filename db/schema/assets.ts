import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';
import { catalogItems } from './catalog-items';

export const ASSET_STATUSES = ['in_service', 'under_repair', 'idle', 'scrapped'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const assets = sqliteTable(
  'assets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    assetTag: text('asset_tag').notNull().unique(),
    itemCode: text('item_code').notNull().references(() => catalogItems.code),
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    model: text('model'),
    serialNumber: text('serial_number'),
    purchaseDate: text('purchase_date'),
    priceFen: integer('price_fen'),
    fundingSource: text('funding_source'),
    status: text('status', { enum: ASSET_STATUSES }).notNull().default('in_service'),
    custodian: text('custodian'),
    location: text('location'),
    plateNumber: text('plate_number'),
    odometerKm: integer('odometer_km'),
    calibrationValidUntil: text('calibration_valid_until'),
    notes: text('notes'),
  },
  (t) => [
    // Covers the quota engine's GROUP BY (agency, item) with its status and calibration sums.
    index('assets_holdings').on(t.agencyId, t.itemCode, t.status, t.calibrationValidUntil),
    index('assets_item').on(t.itemCode),
    index('assets_plate').on(t.plateNumber),
    // The ledger grid's common sorts and its status chips.
    index('assets_status').on(t.status),
    index('assets_purchase_date').on(t.purchaseDate),
    index('assets_calibration').on(t.calibrationValidUntil),
    index('assets_odometer').on(t.odometerKm),
    index('assets_custodian').on(t.custodian),
    // The default view (everything not scrapped) in id order: a deep block walks only this narrow index.
    index('assets_live').on(t.id).where(sql`status <> 'scrapped'`),
    check('assets_status', sql`${t.status} in ('in_service','under_repair','idle','scrapped')`),
    check('assets_numbers', sql`(${t.priceFen} is null or ${t.priceFen} >= 0) and (${t.odometerKm} is null or ${t.odometerKm} >= 0)`),
  ],
);
