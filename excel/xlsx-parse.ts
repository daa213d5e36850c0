import * as XLSX from 'xlsx';
import type { Cell } from './cells';
import { MAX_CELL_TEXT } from './cells';
import type { ReadResult, Sheet } from './workbook';
import { readEntry, writeZip, zipEntries, ZipError } from './zip';

/** The bounds of one parse; `readWorkbook` holds the defaults. */
export interface ParseLimits {
  /** What all the parts of a workbook may come to once unpacked. */
  unpackedBytes: number;
  /** Rows read per sheet; a sheet with more is refused, not cut short. */
  sheetRows: number;
  cells: number;
  /** Characters of text over all cells, each cell counted at most MAX_CELL_TEXT + 1. */
  textChars: number;
}

const mb = (n: number) => Math.round(n / 1024 / 1024);

/**
 * Unpacks every part once under the shared limit and hands SheetJS a new zip of exactly those
 * bytes, so what is parsed is what was counted, whatever else the file hides.
 */
function verifiedZip(buf: Uint8Array, limits: ParseLimits): { ok: true; zip: Buffer } | { ok: false; message: string } {
  const tooBig = `文件解压后超过 ${mb(limits.unpackedBytes)} MB(可能是压缩炸弹),已拒绝`;
  try {
    let left = limits.unpackedBytes;
    const entries = zipEntries(buf);
    if (!entries.some((e) => /^xl\/workbook\.xml$/i.test(e.name))) return { ok: false, message: '不是 .xlsx 文件(压缩包中没有 Excel 工作簿)' };
    const files: { name: string; data: Uint8Array }[] = [];
    for (const e of entries) {
      if (e.size > left) return { ok: false, message: tooBig };
      const data = readEntry(buf, e, left);
      left -= data.length;
      if (!e.name.endsWith('/')) files.push({ name: e.name, data });
    }
    return { ok: true, zip: writeZip(files, { store: true }) };
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    return { ok: false, message: e.message.includes('解压后超过') ? tooBig : `文件已损坏:${e.message}` };
  }
}

/** Parses an .xlsx (already known to be a zip) within `limits`; runs inside the parse worker. */
export function parseXlsx(buf: Uint8Array, file: string, limits: ParseLimits): ReadResult {
  const fail = (message: string): ReadResult => ({ ok: false, problems: [{ file, message }] });
  const zip = verifiedZip(buf, limits);
  if (!zip.ok) return fail(zip.message);
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(zip.zip, {
      type: 'buffer', dense: true, cellDates: false, cellFormula: false, cellHTML: false, cellStyles: false, cellText: false, sheetRows: limits.sheetRows + 1,
    });
  } catch (e) {
    return fail(`无法读取 Excel 文件,文件可能已损坏:${(e as Error).message}`);
  }
  if (!wb.SheetNames?.length) return fail('文件中没有工作表');
  let cells = 0;
  let chars = 0;
  const sheets: Sheet[] = [];
  for (const name of wb.SheetNames) {
    const ws = wb.Sheets[name] as XLSX.WorkSheet & { '!data'?: (Cell | undefined)[][]; '!fullref'?: string };
    const rows = ws['!data'] ?? [];
    if (rows.length > limits.sheetRows || (ws['!fullref'] && ws['!fullref'] !== ws['!ref'] && XLSX.utils.decode_range(ws['!fullref']).e.r >= limits.sheetRows)) {
      return fail(`工作表「${name}」超过 ${limits.sheetRows.toLocaleString('en-US')} 行,请拆分后导入`);
    }
    for (const row of rows) {
      if (!row) continue;
      cells += row.length;
      for (const c of row) {
        if (c && typeof c.v === 'string') {
          // A text longer than any field allows is cut here, once; readers then see at most this much.
          if (c.v.length > MAX_CELL_TEXT) c.v = c.v.trim().slice(0, MAX_CELL_TEXT + 1);
          chars += c.v.length;
        }
      }
      if (cells > limits.cells) return fail(`文件的单元格超过 ${limits.cells.toLocaleString('en-US')} 个,请拆分后导入`);
      if (chars > limits.textChars) return fail(`文件中的文字超过 ${limits.textChars.toLocaleString('en-US')} 字,请拆分后导入`);
    }
    sheets.push({ name, rows, merges: ws['!merges'] ?? [] });
  }
  return { ok: true, workbook: { sheets, date1904: !!wb.Workbook?.WBProps?.date1904 } };
}
