import { z } from 'zod';
import type { Problem } from '../lib/problems';
import { can, ROLE_NAMES, ROLES, type Right, type SessionUser } from './roles';
import { isIsoDate } from '../lib/dates';
import type { QuotaRow } from '../quotas/engine';
import type { BudgetLine } from '../quotas/budget';
import type { PlannedPurchase, PlanYear } from '../quotas/plan';
import type { ItemTerms } from '../quotas/replacement';
import type { Checklist, RaisePurchase, ScoreCard } from '../quotas/score';
import type { AgencyRecord, CatalogItem } from '../quotas/types';
import { LEDGER_FIELDS, IMPORT_STATUSES, type ColumnInfo, type ImportStatus, type LedgerField } from '../excel/fields';
import { DELIMITERS, TEXT_ENCODINGS, type FileFormat, type TextReading } from '../excel/formats';

export { ITEM_NAME_HEADER, IMPORT_STATUS_LABELS, IMPORT_STATUSES, LEDGER_FIELDS, type ImportStatus, type LedgerField } from '../excel/fields';

/**
 * A date field named `label` in its messages: YYYY-MM-DD and a day that exists (2019-13-45 is refused,
 * never dropped).
 */
export function dateOf(label: string) {
  return z.string().refine(isIsoDate, {
    error: (iss) => (/^\d{4}-\d{2}-\d{2}$/.test(String(iss.input)) ? `${label}「${String(iss.input)}」不是存在的日期` : `${label}应为 YYYY-MM-DD 格式的日期`),
  });
}
export const isoDate = dateOf('日期');
/** Whole units or money in fen, never below zero; the messages name the field. */
const countOf = (label: string, max: number) => z.number({ error: `${label}应为数字` }).int(`${label}应为整数`).min(0, `${label}不能为负数`).max(max, `${label}超出合理范围`);
const fenOf = (label: string, max: number) => z.number({ error: `${label}应为数字` }).int(`${label}精确到分`).min(0, `${label}不能为负数`).max(max, `${label}超出合理范围`);
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
  itemCode: z.string().trim().regex(/^[SO]\d{2}$/, '请选择装备品目'),
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

export const MAINTENANCE_INPUT = z.object({
  assetId: z.number().int().positive(),
  date: dateOf('维护日期'),
  kind: z.enum(['repair', 'service', 'inspection']),
  description: z.string().trim().min(1, '请填写维护内容').max(1000),
  costFen: fenOf('维护费用', 1e11).nullable(),
  vendor: z.string().trim().max(100).nullable(),
  odometerKm: countOf('行驶里程', 5_000_000).nullable(),
  nextDueDate: dateOf('下次保养日期').nullable(),
  /** Sends the asset to repair, or back into service when the repair is done. */
  setStatus: z.enum(['in_service', 'under_repair']).nullable(),
});
export type MaintenanceInput = z.infer<typeof MAINTENANCE_INPUT>;
/** What a correction of a maintenance record may change: the record itself, not the asset it moved. */
export const MAINTENANCE_FIELDS = MAINTENANCE_INPUT.omit({ assetId: true, setStatus: true });
export type MaintenanceFields = z.infer<typeof MAINTENANCE_FIELDS>;

export const CALIBRATION_INPUT = z.object({
  assetId: z.number().int().positive(),
  date: dateOf('检定日期'),
  validUntil: dateOf('有效期至'),
  certificateNo: z.string().trim().max(100).nullable(),
  institution: z.string().trim().max(100).nullable(),
  result: z.enum(['pass', 'fail']),
  notes: z.string().max(1000).nullable(),
});
export type CalibrationInput = z.infer<typeof CALIBRATION_INPUT>;
export const CALIBRATION_FIELDS = CALIBRATION_INPUT.omit({ assetId: true });
export type CalibrationFields = z.infer<typeof CALIBRATION_FIELDS>;

/** A record entered by mistake is voided with a reason, never deleted; it then counts for nothing. */
export const VOID_INPUT = z.object({ id: z.number().int().positive(), reason: z.string().trim().min(1, '请填写作废原因').max(500, '作废原因最多 500 字') });

/** Who voided a record, when and why; null while it counts. */
export interface VoidMark {
  voidedAt: string | null;
  voidedBy: string | null;
  voidReason: string | null;
}

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
  maintenance: (MaintenanceFields & VoidMark & { id: number })[];
  calibrations: (CalibrationFields & VoidMark & { id: number })[];
  custody: { id: number; agencyCode: string; custodian: string; fromDate: string; toDate: string | null; purpose: string | null }[];
  disposals: DisposalRow[];
  audit: AuditItem[];
  /** 姓名 by user name, for the people its history mentions. */
  people: Record<string, string>;
}

export const AGENCY_FIELDS = z.object({
  name: z.string().trim().min(1, '机构名称必填').max(100),
  staff: countOf('执法人员数', 100_000),
  authorizedPosts: countOf('编制数', 100_000).nullable(),
  offices: countOf('办公室数', 10_000),
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
  /** The rule set the shortfall is measured against, by its name (国家 2020 年版配备标准). */
  ruleSetName: string;
  agencies: number;
  /** Assets not scrapped, by status. */
  byStatus: Record<AssetStatus, number>;
  /** Agencies short of at least one basic item at their own level. */
  agenciesBelowStandard: number;
  shortfallUnits: number;
  /** Units due for replacement today by their item's rule (service years, or the odometer limit). */
  replacementDue: number;
  vehiclesDue: number;
  vehicles: number;
  calibrationsExpiring: number;
  maintenanceDue: number;
  /** Where the shortfall is largest. */
  worst: { agency: string; name: string; shortfall: number }[];
}

/**
 * The ledger's clock as the server reads it. The renderer takes today, default years and date
 * windows from here, and shows stored instants in `timeZone`, never by its own clock or zone.
 */
export interface ClockNow {
  /** The present instant, ISO (UTC). */
  now: string;
  /** The local date in `timeZone`. */
  today: string;
  /** IANA zone of every date shown or stored (Asia/Shanghai unless the machine says otherwise). */
  timeZone: string;
}

export interface LedgerStatus {
  /** The ledger's file, for the administrator; null for everyone else. */
  file: string | null;
  /** Within the caller's scope. */
  agencies: number;
  assets: number;
}

export interface ImportOutcome {
  agencies: { created: number; updated: number; unchanged: number };
  assets: { created: number; updated: number; unchanged: number };
  /** Disposal requests opened for assets the file marks 待报废 or 丢失/盘亏. */
  disposals?: number;
}

/** The mapping the import wizard builds and saves as JSON; `eql import --mapping` reads the same. */
export const LEDGER_MAPPING = z.object({
  sheet: z.string().max(100).optional(),
  headerRow: z.number().int('表头行号应为整数').min(1, '表头行号应为 1–1000').max(1000, '表头行号应为 1–1000').optional(),
  headerRows: z.union([z.literal(1), z.literal(2)]).optional(),
  columns: z.partialRecord(z.enum(LEDGER_FIELDS), z.string().max(200).nullable()).optional(),
  priceUnit: z.enum(['yuan', 'wan']).optional(),
  defaultAgency: code.nullable().optional(),
  items: z.record(z.string().max(200), z.string().trim().toUpperCase().regex(/^[SO]\d{2}$/, '装备代码应为 S01–S28 或 O01–O28')).optional(),
  agencies: z.record(z.string().max(200), code).optional(),
  statuses: z.record(z.string().max(200), z.enum(IMPORT_STATUSES)).optional(),
}).strict();
export type LedgerMapping = z.infer<typeof LEDGER_MAPPING>;

export interface ImportSheetInfo {
  name: string;
  rows: number;
  /** Hidden (or very hidden) in Excel: listed, marked, never suggested. */
  hidden: boolean;
  /** The first rows' texts, for choosing the sheet. */
  head: (string | null)[][];
}

export interface ImportFileInfo {
  token: string;
  fileName: string;
  /** What the file is, by its content. */
  format: FileFormat;
  /** For a text file: the encoding and delimiter it was read in; `certain: false` until the user confirms an encoding. */
  text?: TextReading;
  sheets: ImportSheetInfo[];
  /** The sheet whose header names the most ledger fields. */
  suggestedSheet: string | null;
  /** The file is the canonical template (sheets 机构 and 装备), imported as is. */
  template: boolean;
}

/** One wording a file uses for an item or an agency, and the code it maps to. */
export interface NameChoice {
  text: string;
  count: number;
  code: string | null;
  /**
   * Why that code: the mapping sent, an earlier import, or a sure match (the item's own name or alias).
   * 'likeness': no code yet; the name only resembles its candidates (the first is the closest) and is imported
   * only once the user confirms one (待确认).
   */
  source: 'mapping' | 'remembered' | 'auto' | 'likeness' | null;
  candidates: { code: string; name: string; score: number }[];
}

export interface ImportAnalysis {
  sheet: string;
  headerRow: number;
  headerRows: 1 | 2;
  columns: ColumnInfo[];
  /** Field → column letter. */
  fields: Partial<Record<LedgerField, string>>;
  priceUnit: 'yuan' | 'wan';
  items: NameChoice[];
  agencies: NameChoice[];
  /** The status words of the file beyond the usual ones, each to be given a meaning once. */
  statuses: StatusChoice[];
}

/** A status word the importer does not know by itself (⑤ writes 3, ⑥ 当月新增), and what it was said to mean. */
export interface StatusChoice {
  text: string;
  count: number;
  status: ImportStatus | null;
  source: 'mapping' | 'remembered' | null;
}

export interface PreviewRow {
  /** 1-based, as Excel shows it. */
  row: number;
  /** Field → the cell's text. */
  cells: Partial<Record<LedgerField, string | null>>;
  /** Field → what is wrong there; '' for a problem of the whole row. */
  problems: Record<string, string>;
}

export interface ImportPreview {
  /** Data rows: valid and rejected; skipped lines are not among them. */
  total: number;
  valid: number;
  rejected: number;
  /** The units the valid rows make (a row with 数量 3 is three). */
  units: number;
  /** Lines that hold no asset (合计, 制表人), and rows of assets reported lost that are not in the ledger. */
  skipped: { row: number; reason: string }[];
  /** Units whose asset tag is new, and those that update an asset already in the ledger. */
  create: number;
  update: number;
  problems: Problem[];
  /** Rejected rows first, then the first rows of the file; at most a few hundred. */
  rows: PreviewRow[];
}

export interface LedgerImportOutcome extends ImportOutcome {
  rejected: number;
  /** The rejected rows with their reasons, when some were left out. */
  errors: FileOut | null;
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
  from: dateOf('起始日期').optional(),
  to: dateOf('截止日期').optional(),
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
  /** The integrity check's result in words: 完好, or what failed. */
  integrity: string;
  integrityOk: boolean;
  /** Active administrators of the whole ledger; a backup without one cannot be restored. */
  admins: number;
  agencies: number;
  assets: number;
  users: number;
  lastChange: { at: string; actor: string } | null;
}

/** A file a transport hands to the user to save (an .xlsx, .csv or .zip export, a backup). */
export interface FileOut {
  fileName: string;
  base64: string;
}

/** How an export is written: an .xlsx workbook (the default), or CSV with a BOM for WPS and older Excel. */
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** What the CSV of a workbook of several sheets holds: each sheet as a .csv in one .zip, or only the named main sheet. */
export type CsvShape = 'zip' | { sheet: string };

export const TASK_TYPES = { special: '专项行动', cross: '交叉检查', assist: '监督帮扶', emergency: '应急' } as const;
export type TaskType = keyof typeof TASK_TYPES;
const itemCode = z.string().trim().regex(/^[SO]\d{2}$/, '装备代码应为 S01–S28 或 O01–O28');
const latitude = z.number().min(-90, '纬度应在 -90 至 90 之间').max(90, '纬度应在 -90 至 90 之间');
const longitude = z.number().min(-180, '经度应在 -180 至 180 之间').max(180, '经度应在 -180 至 180 之间');

/** A key enforcement task as the user edits it; demand lines are item x quantity. */
export const TASK_FIELDS = z
  .object({
    /** The task's number (任务编号); left empty, one is given. */
    code: z.string().trim().min(1).max(50).nullable(),
    name: z.string().trim().min(1, '任务名称必填').max(100),
    type: z.enum(Object.keys(TASK_TYPES) as [TaskType, ...TaskType[]]),
    leadAgency: code,
    /** Where the task takes place when it is not the lead agency's site: another agency, or coordinates. */
    locationAgency: code.nullable(),
    latitude: latitude.nullable(),
    longitude: longitude.nullable(),
    startDate: dateOf('开始日期'),
    endDate: dateOf('结束日期'),
    priority: z.number().int().min(1, '优先级为 1–5').max(5, '优先级为 1–5'),
    teamSize: z.number().int().min(1, '人数至少为 1').max(10_000).nullable(),
    notes: z.string().max(2000).nullable(),
    demand: z.array(z.object({ item: itemCode, quantity: z.number().int().min(1, '数量至少为 1').max(10_000) })).max(56),
  })
  .refine((t) => t.endDate >= t.startDate, { path: ['endDate'], message: '结束日期不能早于开始日期' })
  .refine((t) => (t.latitude === null) === (t.longitude === null), { path: ['latitude'], message: '经纬度须同时填写' })
  .refine((t) => new Set(t.demand.map((d) => d.item)).size === t.demand.length, { path: ['demand'], message: '同一装备品目只能填一行' });
export type TaskFields = z.infer<typeof TASK_FIELDS>;

export type PlanStatus = 'draft' | 'approved' | 'dispatched' | 'returned' | 'cancelled';

export interface TaskRow extends Omit<TaskFields, 'code'> {
  id: number;
  code: string;
  leadAgencyName: string;
  createdBy: string;
  createdAt: string;
  /** The plan that holds its units now (approved or dispatched), if any. */
  livePlan: { code: string; status: PlanStatus } | null;
}

export interface DispatchSettings {
  /** Share of its own requirement of each basic item an agency keeps at home during any task. */
  reserveRatio: number;
  /** Units of optional items each agency keeps at home; optional items have no reserve unless set here. */
  optionalReserve: Record<string, number>;
}

export const DISPATCH_SETTINGS = z.object({
  reserveRatio: z.number().min(0, '留守比例应在 0–1 之间').max(1, '留守比例应在 0–1 之间'),
  optionalReserve: z.record(z.string().regex(/^O\d{2}$/, '只能为选配装备(O01–O28)设置留守数量'), countOf('留守数量', 1000)),
});

export interface PlanAssignmentRow {
  id: number;
  taskCode: string;
  taskName: string;
  itemCode: string;
  itemName: string;
  assetId: number;
  assetTag: string;
  model: string | null;
  plateNumber: string | null;
  fromCode: string;
  fromName: string;
  km: number;
  returnedAt: string | null;
  returnOdometerKm: number | null;
  damageNote: string | null;
}

export interface PlanUnmetRow {
  taskCode: string;
  taskName: string;
  itemCode: string;
  itemName: string;
  quantity: number;
  reason: 'none' | 'reserve' | 'unusable' | 'committed';
  detail: string;
}

/** A ledger change that breaks an approved plan: the unit can no longer go as planned. */
export interface PlanFlag {
  assetTag: string;
  taskCode: string;
  message: string;
}

export interface PlanSummary {
  id: number;
  code: string;
  status: PlanStatus;
  tasks: string[];
  units: number;
  unmet: number;
  objective: number;
  solverStatus: string;
  createdBy: string;
  createdAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  flags: number;
}

export interface PlanDetail extends PlanSummary {
  reserveRatio: number;
  approvalRef: string | null;
  dispatchedAt: string | null;
  taskRows: TaskRow[];
  assignments: PlanAssignmentRow[];
  unmetRows: PlanUnmetRow[];
  flagRows: PlanFlag[];
}

/** One unit's commitment to a task, for the timeline. */
export interface CommitmentRow {
  assetId: number;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  taskCode: string;
  taskName: string;
  planCode: string;
  planStatus: PlanStatus;
  start: string;
  end: string;
  returnedAt: string | null;
}

/** Units sent to key tasks (台次), per source agency and item: the Zhejiang score's item 10. */
export interface DispatchCount {
  agencyCode: string;
  agencyName: string;
  itemCode: string;
  itemName: string;
  kind: 'basic' | 'optional';
  units: number;
}

export const RETURN_INPUT = z.object({
  id: z.number().int().positive(),
  date: dateOf('归还日期'),
  units: z.array(z.object({
    assignmentId: z.number().int().positive(),
    odometerKm: countOf('归还里程', 5_000_000).nullable(),
    damageNote: z.string().trim().max(1000).nullable(),
    /** Opens a repair record and sends the unit to repair. */
    toRepair: z.boolean(),
  })).min(1).max(10_000),
});
export type ReturnInput = z.infer<typeof RETURN_INPUT>;

/** Declares an operation: its input schema, the right it needs, whether it writes, then (as a type) its output. */
function op<I extends z.ZodType>(input: I, right: Right, writes = false) {
  return { returns: <O>() => ({ input, right, writes, output: undefined as unknown as O }) };
}

const none = z.object({}).strict();

/** An export: its input, plus the format the user chose. */
function exportOp<Shape extends z.ZodRawShape, Config extends z.core.$ZodObjectConfig>(input: z.ZodObject<Shape, Config>, right: Right) {
  return op(input.extend({ format: z.enum(EXPORT_FORMATS, { error: '导出格式应为 xlsx 或 csv' }).optional() }), right).returns<FileOut>();
}
/** A backup added from a file: its base64 must fit in one string (V8 holds about 512 MB of characters). */
export const MAX_BACKUP_UPLOAD_BYTES = 380 * 1024 * 1024;
const UPLOAD = z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(300 * 1024 * 1024) });
/** A spreadsheet to import; a text file is read in the encoding and delimiter given, else as detected. */
const SPREADSHEET_UPLOAD = UPLOAD.extend({ encoding: z.enum(TEXT_ENCODINGS).optional(), delimiter: z.enum(DELIMITERS).optional() });

export const SHORTFALL_INPUT = z.object({
  ruleSet: z.string().max(50).optional(),
  agency: code.optional(),
  rollup: z.boolean().optional(),
  date: isoDate.optional(),
});

const year = z.number().int().min(2000, '年度应在 2000–2100 之间').max(2100, '年度应在 2000–2100 之间');
const ruleSetId = z.string().max(50).optional();

/** A row of the price list: the catalog item and its terms. */
export interface TermsRow extends ItemTerms {
  name: string;
  unit: string;
  category: string;
  kind: 'basic' | 'optional';
}

export const ITEM_TERMS = z.object({
  item: itemCode,
  unitPriceFen: fenOf('单价', 1e12),
  priceNote: z.string().trim().max(200).nullable(),
  serviceYears: z.number().int('使用年限应为整数').min(1, '使用年限应为 1–50 年').max(50, '使用年限应为 1–50 年').nullable(),
  serviceKm: z.number().int('更新里程应为整数').min(1000, '更新里程应不少于 1000 公里').max(5_000_000).nullable(),
  lifeNote: z.string().trim().max(200).nullable(),
});

export const BUDGET_INPUT = z.object({ year, agency: code.optional(), rollup: z.boolean().optional(), ruleSet: ruleSetId });
export type BudgetInput = z.infer<typeof BUDGET_INPUT>;

export interface BudgetRow extends BudgetLine {
  agencyName: string;
  itemName: string;
  unit: string;
}

export interface BudgetResult {
  year: number;
  ruleSet: string;
  rollup: boolean;
  /** The agency whose subtree the request covers; null: the whole ledger. */
  agency: string | null;
  rows: BudgetRow[];
  /** The scope's total (each agency's own lines once), and its two parts. */
  totalFen: number;
  shortfallFen: number;
  replaceFen: number;
}

export const PLAN_INPUT = z.object({
  fromYear: year,
  /** One cap per plan year, from `fromYear` on. */
  capsFen: z.array(fenOf('预算上限', 1e13)).min(1, '请至少填写一个年度的预算上限').max(10, '最多规划 10 年'),
  weights: z.object({
    vehicles: z.number().min(0, '车辆权重不能为负数').max(1000, '权重最大为 1000'),
    perPerson: z.number().min(0, '人均装备权重不能为负数').max(1000, '权重最大为 1000'),
    other: z.number().min(0, '其他装备权重不能为负数').max(1000, '权重最大为 1000'),
  }),
  agency: code.optional(),
  ruleSet: ruleSetId,
});
export type PlanInput = z.infer<typeof PLAN_INPUT>;

export interface PurchasePlanResult {
  /** The solver's status, e.g. Optimal. */
  status: string;
  fromYear: number;
  years: PlanYear[];
  purchases: (PlannedPurchase & { agencyName: string; itemName: string; unit: string })[];
  /** Everything needed by the last plan year's end, at unit price, and what the plan buys of it. */
  needFen: number;
  spentFen: number;
}

export const SCORE_INPUT = z.object({ agency: code, year: year.optional(), ruleSet: ruleSetId });

export const CHECKLIST = z.object({
  plan: z.boolean().optional(),
  finance: z.boolean().optional(),
  budget: z.boolean().optional(),
  localDevices: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  database: z.boolean().optional(),
  dispatchSystem: z.boolean().optional(),
  trainingOwn: z.boolean().optional(),
  trainingHigher: z.boolean().optional(),
  usageLedger: z.boolean().optional(),
  custodian: z.boolean().optional(),
  disposalRules: z.boolean().optional(),
}).strict();

export interface ScoreResult extends ScoreCard {
  agency: string;
  agencyName: string;
  year: number;
  ruleSet: string;
  checklist: Checklist;
  checklistBy: { actor: string; at: string } | null;
}

export interface RaiseResult {
  status: string;
  budgetFen: number;
  before: number;
  after: number;
  costFen: number;
  purchases: (RaisePurchase & { itemName: string; unit: string; unitPriceFen: number })[];
}

export const CHARTS = ['coverage', 'staffPerVehicle', 'vehicleAge', 'odometer', 'calibration', 'budgetByYear'] as const;
export type ChartName = (typeof CHARTS)[number];
export const CHART_INPUT = z.object({ agency: code.optional(), ruleSet: ruleSetId });

/** A figure as a table: what the chart draws and what its .xlsx holds. */
export interface ChartTable {
  title: string;
  /** A line of key figures under the title, e.g. 车龄满 8 年 81.7%. */
  subtitle: string;
  columns: { key: string; label: string; kind: 'text' | 'count' | 'yuan' | 'decimal' | 'percent' }[];
  rows: Record<string, string | number | null>[];
  /** A reference line (8 years, 200,000 km, 5 staff per vehicle), on the category axis or the value axis. */
  mark?: { label: string; at: number | string; axis: 'category' | 'value' };
}

const ASSET_PAGE_SORT = z.array(z.object({ colId: ASSET_COLUMN, sort: z.enum(['asc', 'desc']) })).max(5);

const DATE_RANGE = z.object({ from: dateOf('起始日期'), to: dateOf('截止日期') }).refine((v) => v.from <= v.to, '起始日期不能晚于截止日期');

export const ASSET_PAGE = z
  .object({
    query: ASSET_QUERY,
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1),
    sort: ASSET_PAGE_SORT.optional(),
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
  'audit/list': op(z.object({ query: AUDIT_QUERY, startRow: z.number().int().min(0), endRow: z.number().int().min(1) }).refine((v) => v.endRow > v.startRow && v.endRow - v.startRow <= 1000, '每页最多 1000 行'), 'audit').returns<{ rows: AuditRow[]; total: number; people: Record<string, string> }>(),
  'audit/export': exportOp(z.object({ query: AUDIT_QUERY }), 'audit'),
  'undo/last': op(none, 'edit').returns<UndoableBatch | null>(),
  'undo/apply': op(z.object({ batch: z.string().min(1).max(64) }), 'edit', true).returns<{ undone: number }>(),
  'backups/list': op(none, 'admin').returns<BackupInfo[]>(),
  'backups/create': op(none, 'admin', true).returns<BackupInfo>(),
  'backups/download': op(z.object({ name: z.string().min(1).max(255) }), 'admin').returns<FileOut>(),
  'backups/upload': op(z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(Math.ceil(MAX_BACKUP_UPLOAD_BYTES / 3) * 4) }), 'admin', true).returns<BackupInfo>(),
  'backups/preview': op(z.object({ name: z.string().min(1).max(255) }), 'admin').returns<BackupPreview>(),
  'backups/restore': op(z.object({ name: z.string().min(1).max(255) }), 'admin', true).returns<{ restored: string; safetyCopy: string }>(),
  'ledger/status': op(none, 'read').returns<LedgerStatus>(),
  'clock/now': op(none, 'read').returns<ClockNow>(),
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
  'maintenance/update': op(z.object({ id: z.number().int().positive(), fields: MAINTENANCE_FIELDS }), 'edit', true).returns<{ id: number }>(),
  'maintenance/void': op(VOID_INPUT, 'edit', true).returns<{ id: number }>(),
  'calibrations/update': op(z.object({ id: z.number().int().positive(), fields: CALIBRATION_FIELDS }), 'edit', true).returns<{ id: number }>(),
  'calibrations/void': op(VOID_INPUT, 'edit', true).returns<{ id: number }>(),
  'disposals/list': op(z.object({ status: z.enum(['requested', 'approved', 'scrapped', 'rejected']).optional() }), 'read').returns<DisposalRow[]>(),
  'disposals/request': op(z.object({ assetId: z.number().int().positive(), reason: z.string().trim().min(1, '请填写报废原因').max(1000) }), 'edit', true).returns<DisposalRow>(),
  'disposals/approve': op(z.object({ id: z.number().int().positive(), approvalRef: z.string().trim().min(1, '请填写审批文号').max(100) }), 'approve', true).returns<DisposalRow>(),
  'disposals/reject': op(z.object({ id: z.number().int().positive(), note: z.string().trim().min(1, '请填写不予报废的理由').max(1000) }), 'approve', true).returns<DisposalRow>(),
  'disposals/complete': op(z.object({ id: z.number().int().positive(), disposedDate: dateOf('报废日期'), residualValueFen: fenOf('残值', 1e11).nullable() }), 'edit', true).returns<DisposalRow>(),
  'assets/export': exportOp(z.object({ query: ASSET_QUERY, sort: ASSET_PAGE_SORT.optional() }), 'read'),
  'quotas/export': exportOp(SHORTFALL_INPUT.omit({ rollup: true }), 'read'),
  'maintenance/export': exportOp(DATE_RANGE, 'read'),
  'calibrations/export': exportOp(DATE_RANGE, 'read'),
  'imports/open': op(SPREADSHEET_UPLOAD, 'edit').returns<ImportFileInfo>(),
  'imports/analyse': op(z.object({ token: z.string().max(64), mapping: LEDGER_MAPPING }), 'edit').returns<ImportAnalysis>(),
  'imports/preview': op(z.object({ token: z.string().max(64), mapping: LEDGER_MAPPING }), 'edit').returns<ImportPreview>(),
  'imports/ledger': op(z.object({ token: z.string().max(64), mapping: LEDGER_MAPPING, mode: z.enum(['all', 'valid']) }), 'edit', true).returns<LedgerImportOutcome>(),
  'imports/blankTemplate': exportOp(none, 'read'),
  'imports/template': op(SPREADSHEET_UPLOAD, 'edit', true).returns<ImportOutcome>(),
  'budget/terms': op(none, 'read').returns<TermsRow[]>(),
  'budget/saveTerms': op(z.object({ terms: z.array(ITEM_TERMS).min(1).max(200) }), 'budget', true).returns<{ changed: number }>(),
  'budget/exportTerms': exportOp(none, 'read'),
  'budget/importTerms': op(UPLOAD, 'budget', true).returns<{ changed: number }>(),
  'budget/request': op(BUDGET_INPUT, 'read').returns<BudgetResult>(),
  'budget/export': exportOp(BUDGET_INPUT, 'read'),
  'budget/plan': op(PLAN_INPUT, 'read').returns<PurchasePlanResult>(),
  'budget/exportPlan': exportOp(PLAN_INPUT, 'read'),
  'score/card': op(SCORE_INPUT, 'read').returns<ScoreResult>(),
  'score/saveChecklist': op(SCORE_INPUT.extend({ year, answers: CHECKLIST }), 'budget', true).returns<ScoreResult>(),
  'score/raise': op(SCORE_INPUT.extend({ budgetFen: fenOf('预算', 1e13) }), 'read').returns<RaiseResult>(),
  'score/export': exportOp(SCORE_INPUT, 'read'),
  'charts/data': op(CHART_INPUT, 'read').returns<Record<ChartName, ChartTable>>(),
  'charts/export': exportOp(CHART_INPUT.extend({ chart: z.enum(CHARTS) }), 'read'),
  'tasks/list': op(none, 'read').returns<TaskRow[]>(),
  'tasks/save': op(z.object({ id: z.number().int().positive().nullable(), fields: TASK_FIELDS }), 'dispatch', true).returns<TaskRow>(),
  'tasks/delete': op(z.object({ id: z.number().int().positive() }), 'dispatch', true).returns<null>(),
  'tasks/teamDemand': op(z.object({ leadAgency: code, teamSize: z.number().int().min(1).max(10_000) }), 'read').returns<Record<string, number>>(),
  'dispatch/settings': op(none, 'read').returns<DispatchSettings>(),
  'dispatch/saveSettings': op(DISPATCH_SETTINGS, 'approve', true).returns<DispatchSettings>(),
  'dispatch/timeline': op(z.object({ from: isoDate, to: isoDate }), 'read').returns<CommitmentRow[]>(),
  'dispatch/counts': op(z.object({ from: isoDate.optional(), to: isoDate.optional() }), 'read').returns<DispatchCount[]>(),
  'plans/list': op(none, 'read').returns<PlanSummary[]>(),
  'plans/get': op(z.object({ id: z.number().int().positive() }), 'read').returns<PlanDetail>(),
  'plans/create': op(z.object({ taskIds: z.array(z.number().int().positive()).min(1, '请选择任务').max(100), reserveRatio: DISPATCH_SETTINGS.shape.reserveRatio.optional() }), 'dispatch', true).returns<PlanDetail>(),
  'plans/approve': op(z.object({ id: z.number().int().positive(), approvalRef: z.string().trim().max(100).nullable() }), 'approve', true).returns<PlanDetail>(),
  'plans/dispatch': op(z.object({ id: z.number().int().positive(), date: dateOf('出发日期') }), 'dispatch', true).returns<PlanDetail>(),
  'plans/return': op(RETURN_INPUT, 'dispatch', true).returns<PlanDetail>(),
  'plans/cancel': op(z.object({ id: z.number().int().positive() }), 'dispatch', true).returns<PlanDetail>(),
  'plans/export': exportOp(z.object({ id: z.number().int().positive() }), 'read'),
} as const;

export type Api = typeof api;
export type OpName = keyof Api;
export type Input<N extends OpName> = z.input<Api[N]['input']>;

/** The operations that export a file in the format the user chooses. */
export type ExportOp = { [N in OpName]: 'format' extends keyof Input<N> ? N : never }[OpName];

/**
 * The CSV of each export whose workbook has several sheets, as the export button says: the data sheets
 * together in a .zip, or, where one sheet is the one edited or re-imported, that sheet alone. Every
 * other export has one sheet, so one .csv.
 */
export const CSV_SHAPES = {
  'quotas/export': 'zip',
  'budget/export': 'zip',
  'budget/exportPlan': 'zip',
  'plans/export': 'zip',
  'budget/exportTerms': { sheet: '单价与更新年限' },
  'imports/blankTemplate': { sheet: '装备' },
} as const satisfies { [N in ExportOp]?: CsvShape };

/** Operations on what every agency shares (prices and replacement rules, the dispatch reserve): only an account of the whole ledger calls them, whatever its role's rights. */
const LEDGER_WIDE: ReadonlySet<OpName> = new Set<OpName>(['budget/saveTerms', 'budget/importTerms', 'dispatch/saveSettings']);

/**
 * Why a user may not call an operation, or null when they may. The server refuses with it; the
 * renderer hides what it would refuse, so a control is shown exactly when its operation is accepted.
 */
export function refusal(user: SessionUser | null, op: OpName): Problem | null {
  const { right } = api[op];
  if (right === 'public') return null;
  if (!user) return { code: 'unauthenticated', message: '请先登录(或登录已超时)' };
  if (!can(user.role, right)) return { code: 'forbidden', message: `当前角色(${ROLE_NAMES[user.role]})无权执行此操作` };
  if (user.agencyCode === null) return null;
  // Users, backups and restore are the whole ledger's too: an administrator limited to an agency does not hold them.
  if (right === 'admin') return { code: 'forbidden', message: `用户与备份管理涉及全部机构,只能由管辖全部机构的系统管理员办理;您的账号限于机构「${user.agencyCode}」` };
  if (LEDGER_WIDE.has(op)) return { code: 'forbidden', message: `此项为全台账共用的设置,影响所有机构,只能由管辖全部机构的用户修改;您的账号限于机构「${user.agencyCode}」` };
  return null;
}
export type ParsedInput<N extends OpName> = z.output<Api[N]['input']>;
export type Output<N extends OpName> = Api[N]['output'];

/** What every transport carries back: a value, or the problems the user can fix. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };
