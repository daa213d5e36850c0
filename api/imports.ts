import { z } from 'zod';
import type { Problem } from '../lib/problems';
import type { FileOut } from '../lib/domain/files';
import { code, itemCode } from '../lib/domain/values';
import { LEDGER_FIELDS, IMPORT_STATUSES, type ColumnInfo, type ImportStatus, type LedgerField } from '../excel/fields';
import { DELIMITERS, TEXT_ENCODINGS, type FileFormat, type TextReading } from '../excel/formats';
import { op, UPLOAD } from './op';

export { ITEM_NAME_HEADER, IMPORT_STATUS_LABELS, IMPORT_STATUSES, LEDGER_FIELDS, type ImportStatus, type LedgerField } from '../excel/fields';

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
  items: z.record(z.string().max(200), itemCode).optional(),
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

/** A spreadsheet to import; a text file is read in the encoding and delimiter given, else as detected. */
const SPREADSHEET_UPLOAD = UPLOAD.extend({ encoding: z.enum(TEXT_ENCODINGS).optional(), delimiter: z.enum(DELIMITERS).optional() });

/** The import wizard (open, analyse, preview, import) and the template import. */
export const importOps = {
  'imports/open': op(SPREADSHEET_UPLOAD, 'edit').returns<ImportFileInfo>(),
  'imports/analyse': op(z.object({ token: z.string().max(64), mapping: LEDGER_MAPPING }), 'edit').returns<ImportAnalysis>(),
  'imports/preview': op(z.object({ token: z.string().max(64), mapping: LEDGER_MAPPING }), 'edit').returns<ImportPreview>(),
  'imports/ledger': op(z.object({ token: z.string().max(64), mapping: LEDGER_MAPPING, mode: z.enum(['all', 'valid']) }), 'edit', true).returns<LedgerImportOutcome>(),
  'imports/template': op(SPREADSHEET_UPLOAD, 'edit', true).returns<ImportOutcome>(),
} as const;
