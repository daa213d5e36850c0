import type { Problem } from '../lib/problems';
import type { Cell } from './cells';
import type { Delimiter, FileFormat, TextEncoding, TextReading } from './formats';

/** A spreadsheet or text file as read: its sheets of cells, and how it was read. */
export interface Sheet {
  name: string;
  /** Rows indexed by absolute 0-based row number; cells by 0-based column. */
  rows: (Cell | undefined)[][];
  /** Merged ranges, 0-based and inclusive. */
  merges: { s: { r: number; c: number }; e: { r: number; c: number } }[];
  /** Hidden or very hidden in Excel: offered to the user, marked, never read on a guess. */
  hidden: boolean;
}

export interface Workbook {
  sheets: Sheet[];
  date1904: boolean;
  format: FileFormat;
  /** For a text file: how it was read. */
  text?: TextReading;
}

export type ReadResult = { ok: true; workbook: Workbook } | { ok: false; problems: Problem[] };

export interface ParseLimits {
  /** What all the parts of a workbook may come to once unpacked. */
  unpackedBytes: number;
  /** Rows read per sheet; a sheet with more is refused, not cut short. */
  sheetRows: number;
  cells: number;
  /** Characters of text over all cells, each cell counted at most MAX_CELL_TEXT + 1. */
  textChars: number;
}

/** What the user chose for a text file; what is not given is detected. */
export interface TextChoice {
  encoding?: TextEncoding;
  delimiter?: Delimiter;
}
