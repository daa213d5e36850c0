import { z } from 'zod';
import type { IsoDate } from '../dates';
import type { AuditItem } from './audit';
import type { CalibrationFields, DisposalRow, MaintenanceFields, VoidMark } from './records';
import { code, countOf, dateOf, fenOf, isoDate, ITEM_CODE } from './values';

export const ASSET_STATUS = z.enum(['in_service', 'under_repair', 'idle', 'scrapped']);
export type AssetStatus = z.infer<typeof ASSET_STATUS>;

/** The ledger's columns a user can sort and filter by. */
export const ASSET_COLUMNS = [
  'assetTag', 'itemCode', 'itemName', 'agencyCode', 'agencyName', 'model', 'serialNumber', 'purchaseDate', 'priceFen', 'fundingSource', 'status',
  'custodian', 'location', 'plateNumber', 'odometerKm', 'calibrationValidUntil', 'notes',
] as const;
export const ASSET_COLUMN = z.enum(ASSET_COLUMNS);
export type AssetColumn = z.infer<typeof ASSET_COLUMN>;

const textFilter = z.object({
  filterType: z.literal('text'),
  type: z.enum(['contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank']),
  filter: z.string().max(200).nullish(),
});
const numberFilter = z.object({
  filterType: z.literal('number'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'inRange', 'blank', 'notBlank']),
  filter: z.number().finite().nullish(),
  filterTo: z.number().finite().nullish(),
});
const dateFilter = z.object({
  filterType: z.literal('date'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank']),
  dateFrom: z.string().max(30).nullish(),
  dateTo: z.string().max(30).nullish(),
});
export const COLUMN_FILTER = z.discriminatedUnion('filterType', [textFilter, numberFilter, dateFilter]);
export type ColumnFilter = z.infer<typeof COLUMN_FILTER>;

export const ASSET_QUERY = z.object({
  /** Only this agency and its subtree. */
  agency: code.optional(),
  /** With `agency`: only the agency's own assets, not its subtree's (what a compliance cell counts when not rolled up). */
  agencyOnly: z.boolean().optional(),
  statuses: z.array(ASSET_STATUS).max(4).optional(),
  /** Matches tag, plate, model, custodian, item name. */
  quick: z.string().trim().max(100).optional(),
  filters: z.partialRecord(ASSET_COLUMN, COLUMN_FILTER).optional(),
  itemCode: code.optional(),
  /** Assets due for something by a date: replacement (by their item's rule), calibration, or maintenance. */
  due: z.object({ kind: z.enum(['replacement', 'calibration', 'maintenance']), until: isoDate }).optional(),
});
export type DueKind = 'replacement' | 'calibration' | 'maintenance';
export type AssetQuery = z.infer<typeof ASSET_QUERY>;

export interface AssetRow {
  id: number;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  agencyName: string;
  model: string | null;
  serialNumber: string | null;
  purchaseDate: string | null;
  priceFen: number | null;
  fundingSource: string | null;
  status: AssetStatus;
  custodian: string | null;
  location: string | null;
  plateNumber: string | null;
  odometerKm: number | null;
  calibrationValidUntil: string | null;
  notes: string | null;
  /**
   * Set when the query asks for a due-list: when the unit falls due (calibration valid until, next maintenance date,
   * or replacement by service years), and whether a replacement is due by odometer instead.
   */
  dueDate?: string | null;
  dueByKm?: boolean;
}

/** The fields a user edits; the asset tag is the asset's identity in every ledger it came from. */
export const ASSET_FIELDS = z.object({
  assetTag: z.string().trim().min(1, '资产编号必填').max(64, '资产编号最多 64 字'),
  itemCode: z.string().trim().regex(ITEM_CODE, '请选择装备品目'),
  agencyCode: code,
  model: z.string().trim().max(200).nullable(),
  serialNumber: z.string().trim().max(100).nullable(),
  purchaseDate: dateOf('购置日期').nullable(),
  priceFen: fenOf('购置金额', 1e12).nullable(),
  fundingSource: z.string().trim().max(100).nullable(),
  status: ASSET_STATUS,
  custodian: z.string().trim().max(50).nullable(),
  location: z.string().trim().max(200).nullable(),
  // Plates are identifiers: stored in upper case with full-width characters folded, as imports store them.
  plateNumber: z.string().trim().max(20).transform((v) => v.normalize('NFKC').toUpperCase()).nullable(),
  odometerKm: countOf('行驶里程', 5_000_000).nullable(),
  calibrationValidUntil: dateOf('检定有效期至').nullable(),
  notes: z.string().max(2000).nullable(),
});
export type AssetFields = z.infer<typeof ASSET_FIELDS>;

/** One change applied to many assets at once. */
export const BULK_CHANGE = z.union([
  z.object({ status: z.enum(['in_service', 'under_repair', 'idle']) }).strict(),
  z.object({ agencyCode: z.string().trim().min(1).max(50) }).strict(),
  z.object({ custodian: z.string().trim().max(50).nullable() }).strict(),
]);
export type BulkChange = z.infer<typeof BULK_CHANGE>;

export interface AssetHistory {
  asset: AssetRow;
  maintenance: (MaintenanceFields & VoidMark & { id: number })[];
  calibrations: (CalibrationFields & VoidMark & { id: number })[];
  custody: { id: number; agencyCode: string; custodian: string; fromDate: string; toDate: string | null; purpose: string | null }[];
  disposals: DisposalRow[];
  audit: AuditItem[];
  /** 姓名 by user name, for the people its history mentions. */
  people: Record<string, string>;
}

/** One unit of a spreadsheet row, as an import stores it. */
export interface AssetInput {
  row: number;
  assetTag: string;
  itemCode: string;
  model: string | null;
  agencyCode: string;
  purchaseDate: IsoDate | null;
  priceFen: number | null;
  status: AssetStatus;
  custodian: string | null;
  plateNumber: string | null;
  odometerKm: number | null;
  calibrationValidUntil: IsoDate | null;
  notes: string | null;
  /** Open a disposal request with this reason on import, unless one is open already. */
  disposalReason?: string | null;
  /** Reported lost: an asset already held keeps its status (the request decides); a new tag is not stored. */
  lost?: boolean;
}
