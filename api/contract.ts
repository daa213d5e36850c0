import { z } from 'zod';
import type { Problem } from '../lib/problems';
import { ROLES, type Right, type SessionUser } from './roles';
import type { QuotaRow } from '../quotas/engine';
import type { AgencyRecord, CatalogItem } from '../quotas/types';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD');
const code = z.string().trim().min(1).max(50);

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
  statuses: z.array(ASSET_STATUS).max(4).optional(),
  /** Matches tag, plate, model, custodian, item name. */
  quick: z.string().trim().max(100).optional(),
  filters: z.partialRecord(ASSET_COLUMN, COLUMN_FILTER).optional(),
  itemCode: code.optional(),
  /** Assets due for something by a date: vehicle replacement, calibration, or maintenance. */
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
}

/** The fields a user edits; the asset tag is the asset's identity in every ledger it came from. */
export const ASSET_FIELDS = z.object({
  assetTag: z.string().trim().min(1, '资产编号必填').max(64, '资产编号最多 64 字'),
  itemCode: z.string().trim().regex(/^[SO]\d{2}$/, '请选择装备品目'),
  agencyCode: code,
  model: z.string().trim().max(200).nullable(),
  serialNumber: z.string().trim().max(100).nullable(),
  purchaseDate: isoDate.nullable(),
  priceFen: z.number().int('金额最小单位为分').min(0, '金额不能为负').max(1e12).nullable(),
  fundingSource: z.string().trim().max(100).nullable(),
  status: ASSET_STATUS,
  custodian: z.string().trim().max(50).nullable(),
  location: z.string().trim().max(200).nullable(),
  // Plates are identifiers: stored in upper case with full-width characters folded, as imports store them.
  plateNumber: z.string().trim().max(20).transform((v) => v.normalize('NFKC').toUpperCase()).nullable(),
  odometerKm: z.number().int('里程应为整数').min(0, '里程不能为负').max(5_000_000).nullable(),
  calibrationValidUntil: isoDate.nullable(),
  notes: z.string().max(2000).nullable(),
});
export type AssetFields = z.infer<typeof ASSET_FIELDS>;

export const MAINTENANCE_INPUT = z.object({
  assetId: z.number().int().positive(),
  date: isoDate,
  kind: z.enum(['repair', 'service', 'inspection']),
  description: z.string().trim().min(1, '请填写维护内容').max(1000),
  costFen: z.number().int().min(0, '费用不能为负').max(1e11).nullable(),
  vendor: z.string().trim().max(100).nullable(),
  odometerKm: z.number().int().min(0).max(5_000_000).nullable(),
  nextDueDate: isoDate.nullable(),
  /** Sends the asset to repair, or back into service when the repair is done. */
  setStatus: z.enum(['in_service', 'under_repair']).nullable(),
});
export type MaintenanceInput = z.infer<typeof MAINTENANCE_INPUT>;

export const CALIBRATION_INPUT = z.object({
  assetId: z.number().int().positive(),
  date: isoDate,
  validUntil: isoDate,
  certificateNo: z.string().trim().max(100).nullable(),
  institution: z.string().trim().max(100).nullable(),
  result: z.enum(['pass', 'fail']),
  notes: z.string().max(1000).nullable(),
});
export type CalibrationInput = z.infer<typeof CALIBRATION_INPUT>;

export type DisposalStatus = 'requested' | 'approved' | 'scrapped' | 'rejected';

export interface DisposalRow {
  id: number;
  assetId: number;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  agencyName: string;
  status: DisposalStatus;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  approvalRef: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  disposedDate: string | null;
  residualValueFen: number | null;
}

export interface AuditItem {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  before: unknown;
  after: unknown;
}

export interface AssetHistory {
  asset: AssetRow;
  maintenance: (Omit<MaintenanceInput, 'assetId' | 'setStatus'> & { id: number })[];
  calibrations: (Omit<CalibrationInput, 'assetId'> & { id: number })[];
  custody: { id: number; agencyCode: string; custodian: string; fromDate: string; toDate: string | null; purpose: string | null }[];
  disposals: DisposalRow[];
  audit: AuditItem[];
}

export const AGENCY_FIELDS = z.object({
  name: z.string().trim().min(1, '机构名称必填').max(100),
  staff: z.number().int('执法人员数应为整数').min(0, '执法人员数不能为负').max(100_000),
  authorizedPosts: z.number().int().min(0, '编制数不能为负').max(100_000).nullable(),
  offices: z.number().int().min(0, '办公室数不能为负').max(10_000),
  longitude: z.number().min(-180, '经度应在 -180 至 180 之间').max(180, '经度应在 -180 至 180 之间').nullable(),
  latitude: z.number().min(-90, '纬度应在 -90 至 90 之间').max(90, '纬度应在 -90 至 90 之间').nullable(),
});
export type AgencyFields = z.infer<typeof AGENCY_FIELDS>;

export const NEW_AGENCY = AGENCY_FIELDS.extend({
  code: z.string().trim().min(1, '机构编码必填').max(50),
  level: z.enum(['province', 'city', 'county']),
  parentCode: z.string().trim().max(50).nullable(),
});

/** One change applied to many assets at once. */
export const BULK_CHANGE = z.union([
  z.object({ status: z.enum(['in_service', 'under_repair', 'idle']) }).strict(),
  z.object({ agencyCode: z.string().trim().min(1).max(50) }).strict(),
  z.object({ custodian: z.string().trim().max(50).nullable() }).strict(),
]);
export type BulkChange = z.infer<typeof BULK_CHANGE>;

export type AgencyNode = AgencyRecord & { id: number };

export interface Overview {
  date: string;
  agencies: number;
  /** Assets not scrapped, by status. */
  byStatus: Record<AssetStatus, number>;
  /** Agencies short of at least one basic item at their own level. */
  agenciesBelowStandard: number;
  shortfallUnits: number;
  vehiclesDue: number;
  vehicles: number;
  calibrationsExpiring: number;
  maintenanceDue: number;
  /** Where the shortfall is largest. */
  worst: { agency: string; name: string; shortfall: number }[];
}

export interface LedgerStatus {
  file: string;
  agencies: number;
  assets: number;
}

export interface ImportOutcome {
  agencies: { created: number; updated: number; unchanged: number };
  assets: { created: number; updated: number; unchanged: number };
}

const username = z.string().trim().min(1, '用户名必填').max(50, '用户名最多 50 字').regex(/^[^\s]+$/, '用户名不能含空格');
const password = z.string().min(8, '密码至少 8 位').max(200, '密码过长');
const ROLE = z.enum(ROLES);

export const NEW_USER = z.object({
  username,
  displayName: z.string().trim().min(1, '姓名必填').max(50),
  role: ROLE,
  /** The agency whose subtree the user works in; null: the whole ledger. */
  agencyCode: z.string().trim().min(1).max(50).nullable(),
  password,
});

export const USER_CHANGE = NEW_USER.omit({ username: true, password: true }).extend({
  id: z.number().int().positive(),
  active: z.boolean(),
  /** A new password set by the administrator; null keeps the current one. */
  password: password.nullable(),
});

export interface UserRow extends SessionUser {
  active: boolean;
  createdAt: string;
}

export const AUDIT_QUERY = z.object({
  actor: z.string().trim().max(50).optional(),
  entity: z.string().trim().max(30).optional(),
  /** Contains, on the entity's key (asset tag, agency code, user name). */
  key: z.string().trim().max(100).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  batch: z.string().max(64).optional(),
});
export type AuditQuery = z.infer<typeof AUDIT_QUERY>;

export interface AuditRow extends AuditItem {
  entityKey: string;
  batch: string | null;
}

/** The last bulk edit or import, which can be taken back as one step. */
export interface UndoableBatch {
  batch: string;
  kind: 'bulk' | 'import';
  at: string;
  actor: string;
  entries: number;
}

export interface BackupInfo {
  name: string;
  kind: 'daily' | 'manual' | 'migration' | 'before-restore' | 'uploaded';
  at: string;
  bytes: number;
}

export interface BackupPreview extends BackupInfo {
  integrity: string;
  agencies: number;
  assets: number;
  users: number;
  lastChange: { at: string; actor: string } | null;
}

/** A file a transport hands to the user to save (an .xlsx export, a backup). */
export interface FileOut {
  fileName: string;
  base64: string;
}

/** Declares an operation: its input schema, the right it needs, whether it writes, then (as a type) its output. */
function op<I extends z.ZodType>(input: I, right: Right, writes = false) {
  return { returns: <O>() => ({ input, right, writes, output: undefined as unknown as O }) };
}

const none = z.object({}).strict();

export const SHORTFALL_INPUT = z.object({
  ruleSet: z.string().max(50).optional(),
  agency: code.optional(),
  rollup: z.boolean().optional(),
  date: isoDate.optional(),
});

export const ASSET_PAGE = z
  .object({
    query: ASSET_QUERY,
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1),
    sort: z.array(z.object({ colId: ASSET_COLUMN, sort: z.enum(['asc', 'desc']) })).max(5).optional(),
    withTotal: z.boolean().optional(),
  })
  .refine((v) => v.endRow > v.startRow && v.endRow - v.startRow <= 1000, '每页最多 1000 行');

export const api = {
  'auth/status': op(none, 'public').returns<{ hasUsers: boolean; user: SessionUser | null }>(),
  'auth/setup': op(NEW_USER.omit({ role: true, agencyCode: true }), 'public', true).returns<SessionUser>(),
  'auth/login': op(z.object({ username: z.string().trim().max(50), password: z.string().max(200) }), 'public').returns<SessionUser>(),
  'auth/logout': op(none, 'public').returns<null>(),
  'auth/changePassword': op(z.object({ current: z.string().max(200), next: password }), 'self', true).returns<null>(),
  'users/list': op(none, 'admin').returns<UserRow[]>(),
  'users/create': op(NEW_USER, 'admin', true).returns<UserRow>(),
  'users/update': op(USER_CHANGE, 'admin', true).returns<UserRow>(),
  'audit/list': op(z.object({ query: AUDIT_QUERY, startRow: z.number().int().min(0), endRow: z.number().int().min(1) }).refine((v) => v.endRow > v.startRow && v.endRow - v.startRow <= 1000, '每页最多 1000 行'), 'audit').returns<{ rows: AuditRow[]; total: number }>(),
  'audit/export': op(z.object({ query: AUDIT_QUERY }), 'audit').returns<FileOut>(),
  'undo/last': op(none, 'edit').returns<UndoableBatch | null>(),
  'undo/apply': op(z.object({ batch: z.string().min(1).max(64) }), 'edit', true).returns<{ undone: number }>(),
  'backups/list': op(none, 'admin').returns<BackupInfo[]>(),
  'backups/create': op(none, 'admin', true).returns<BackupInfo>(),
  'backups/download': op(z.object({ name: z.string().min(1).max(255) }), 'admin').returns<FileOut>(),
  'backups/upload': op(z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(1024 * 1024 * 1024) }), 'admin', true).returns<BackupInfo>(),
  'backups/preview': op(z.object({ name: z.string().min(1).max(255) }), 'admin').returns<BackupPreview>(),
  'backups/restore': op(z.object({ name: z.string().min(1).max(255) }), 'admin', true).returns<{ restored: string; safetyCopy: string }>(),
  'ledger/status': op(none, 'read').returns<LedgerStatus>(),
  'ledger/loadDemo': op(none, 'admin', true).returns<{ agencies: number; assets: number }>(),
  'catalog/list': op(none, 'read').returns<CatalogItem[]>(),
  'ruleSets/list': op(none, 'read').returns<{ id: string; name: string; source: string }[]>(),
  'agencies/list': op(none, 'read').returns<AgencyNode[]>(),
  'agencies/create': op(NEW_AGENCY, 'edit', true).returns<AgencyNode>(),
  'agencies/update': op(z.object({ code: code, fields: AGENCY_FIELDS }), 'edit', true).returns<AgencyNode>(),
  'quotas/shortfall': op(SHORTFALL_INPUT, 'read').returns<{ ruleSet: string; date: string; rows: QuotaRow[] }>(),
  'overview/summary': op(z.object({ agency: code.optional(), ruleSet: z.string().max(50).optional() }), 'read').returns<Overview>(),
  'assets/list': op(ASSET_PAGE, 'read').returns<{ rows: AssetRow[]; total: number | null }>(),
  'assets/get': op(z.object({ id: z.number().int().positive() }), 'read').returns<AssetHistory>(),
  'assets/create': op(ASSET_FIELDS, 'edit', true).returns<AssetRow>(),
  'assets/update': op(z.object({ id: z.number().int().positive(), fields: ASSET_FIELDS }), 'edit', true).returns<AssetRow>(),
  'assets/bulkUpdate': op(z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000), change: BULK_CHANGE }), 'edit', true).returns<{ updated: number; batch: string }>(),
  'maintenance/create': op(MAINTENANCE_INPUT, 'edit', true).returns<{ id: number }>(),
  'calibrations/create': op(CALIBRATION_INPUT, 'edit', true).returns<{ id: number }>(),
  'disposals/list': op(z.object({ status: z.enum(['requested', 'approved', 'scrapped', 'rejected']).optional() }), 'read').returns<DisposalRow[]>(),
  'disposals/request': op(z.object({ assetId: z.number().int().positive(), reason: z.string().trim().min(1, '请填写报废原因').max(1000) }), 'edit', true).returns<DisposalRow>(),
  'disposals/approve': op(z.object({ id: z.number().int().positive(), approvalRef: z.string().trim().min(1, '请填写审批文号').max(100) }), 'approve', true).returns<DisposalRow>(),
  'disposals/reject': op(z.object({ id: z.number().int().positive(), note: z.string().trim().min(1, '请填写不予报废的理由').max(1000) }), 'approve', true).returns<DisposalRow>(),
  'disposals/complete': op(z.object({ id: z.number().int().positive(), disposedDate: isoDate, residualValueFen: z.number().int().min(0).max(1e11).nullable() }), 'edit', true).returns<DisposalRow>(),
  'imports/template': op(z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(300 * 1024 * 1024) }), 'edit', true).returns<ImportOutcome>(),
} as const;

export type Api = typeof api;
export type OpName = keyof Api;
export type Input<N extends OpName> = z.input<Api[N]['input']>;
export type ParsedInput<N extends OpName> = z.output<Api[N]['input']>;
export type Output<N extends OpName> = Api[N]['output'];

/** What every transport carries back: a value, or the problems the user can fix. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };
