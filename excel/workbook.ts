import * as XLSX from 'xlsx';
import type { Problem } from '../lib/problems';
import type { Cell } from './cells';

export const MAX_FILE_BYTES = 200 * 1024 * 1024;

export interface Sheet {
  name: string;
  /** Rows indexed by absolute 0-based row number; cells by 0-based column. */
  rows: (Cell | undefined)[][];
}

export interface Workbook {
  sheets: Sheet[];
  date1904: boolean;
}

export type ReadResult = { ok: true; workbook: Workbook } | { ok: false; problems: Problem[] };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];

const startsWith = (buf: Uint8Array, magic: number[]) => magic.every((b, i) => buf[i] === b);

/** Reads an .xlsx file from a buffer, refusing anything that is not one with a clear message. */
export function readWorkbook(buf: Uint8Array, file: string): ReadResult {
  const fail = (message: string): ReadResult => ({ ok: false, problems: [{ file, message }] });
  if (buf.length === 0) return fail('文件为空');
  if (buf.length > MAX_FILE_BYTES) return fail(`文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB,请拆分后导入`);
  if (startsWith(buf, OLE)) return fail('文件已加密或为旧版 .xls 格式;请在 Excel 中取消密码并另存为 .xlsx 后再导入');
  if (!startsWith(buf, ZIP)) return fail('不是 .xlsx 文件(文件内容不是 Excel 工作簿)');
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(buf, { type: 'buffer', dense: true, cellDates: false, cellFormula: false, cellHTML: false, cellStyles: false, cellText: false });
  } catch (e) {
    return fail(`无法读取 Excel 文件,文件可能已损坏:${(e as Error).message}`);
  }
  if (!wb.SheetNames?.length) return fail('文件中没有工作表');
  const sheets = wb.SheetNames.map((name) => ({ name, rows: ((wb.Sheets[name] as { '!data'?: Cell[][] })['!data'] ?? []) as (Cell | undefined)[][] }));
  return { ok: true, workbook: { sheets, date1904: !!wb.Workbook?.WBProps?.date1904 } };
}
