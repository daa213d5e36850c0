import * as XLSX from 'xlsx';
import { isIsoDate } from '../lib/dates';
import type { OutSheet, OutValue } from './write';

/**
 * One sheet as CSV for WPS and older Excel: UTF-8 with a BOM (without it they read GBK), CRLF, RFC 4180
 * quoting. SheetJS's sheet_to_csv is not used: with CRLF rows it leaves a cell holding a bare LF unquoted
 * (the row splits in two), writes `=…` text as a live formula, and 00123 as 00123, which Excel reads as 123.
 */
export function csvBuffer(sheet: OutSheet): Buffer {
  const { rows, formats = [], frozen = 1 } = sheet;
  const width = Math.max(0, ...rows.map((r) => r.length));
  const parts: Buffer[] = [Buffer.from('\uFEFF', 'utf8')];
  let lines: string[] = [];
  rows.forEach((row, r) => {
    const fields: string[] = [];
    for (let c = 0; c < width; c++) fields.push(csvField(row[c], r < frozen ? undefined : formats[c]));
    lines.push(fields.join(','));
    // A million-row ledger would not fit one string; it is encoded in pieces.
    if (lines.length === 20_000) (parts.push(Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')), (lines = []));
  });
  if (lines.length) parts.push(Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'));
  return Buffer.concat(parts);
}

/** Excel and WPS run a cell starting with these as a formula (OWASP's list: = + - @, tab, CR). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Text Excel would turn into a number, date or time, losing what it says: 00123, 330106199001011234, 1-2, 3/4, 12:30, 1E5. */
const NUMBER_LIKE = /^\d[\d\s.,:/%eE-]*$|^(true|false)$/i;

/** One cell as the .xlsx shows it, quoted where it must be. */
export function csvField(v: OutValue, format: string | undefined): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number') return numberText(v, format);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'object') return isIsoDate(v.date) ? v.date : textField(v.date);
  return textField(v);
}

function textField(s: string): string {
  // Text stays text: a formula's leading character is shown after an apostrophe, a number-like string comes back from ="…" as itself.
  const text = FORMULA_START.test(s) ? `'${s}` : NUMBER_LIKE.test(s) && s.length <= 255 ? `="${s}"` : s;
  // A tab or semicolon is quoted too: readers that guess the separator (SheetJS, our importer) then still see commas.
  return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The figure the .xlsx displays, without thousands separators (a CSV reader would take 1,234.50 for text):
 * 1234.50 for yuan, 83.3% for a percentage; unformatted numbers to Excel's 15 significant digits, so no
 * float noise (0.1 + 0.2 is 0.3).
 */
function numberText(v: number, format: string | undefined): string {
  if (!Number.isFinite(v)) return '';
  if (format) return XLSX.SSF.format(format.replace(/#,##/g, ''), v);
  return String(Number(v.toPrecision(15)));
}
