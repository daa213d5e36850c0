import * as XLSX from 'xlsx';
import type { Problem } from '../lib/problems';
import type { Cell } from './cells';
import { readEntry, zipEntries, ZipError } from './zip';

export const MAX_FILE_BYTES = 200 * 1024 * 1024;
/** What all the parts of a workbook may come to once unpacked; a 100,000-row ledger needs about a tenth of it. */
export const MAX_UNPACKED_BYTES = 400 * 1024 * 1024;

export interface Sheet {
  name: string;
  /** Rows indexed by absolute 0-based row number; cells by 0-based column. */
  rows: (Cell | undefined)[][];
  /** Merged ranges, 0-based and inclusive. */
  merges: { s: { r: number; c: number }; e: { r: number; c: number } }[];
}

export interface Workbook {
  sheets: Sheet[];
  date1904: boolean;
}

export type ReadResult = { ok: true; workbook: Workbook } | { ok: false; problems: Problem[] };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];

const startsWith = (buf: Uint8Array, magic: number[]) => magic.every((b, i) => buf[i] === b);
const ENCRYPTED = Buffer.from('EncryptedPackage', 'utf16le');

/** Unpacks every part under a shared limit before SheetJS sees the file, so a zip bomb costs no more than the limit. */
function checkZip(buf: Uint8Array): string | null {
  try {
    let left = MAX_UNPACKED_BYTES;
    const entries = zipEntries(buf);
    if (!entries.some((e) => /^xl\/workbook\.xml$/i.test(e.name))) return '不是 .xlsx 文件(压缩包中没有 Excel 工作簿)';
    for (const e of entries) {
      if (e.size > left) return `文件解压后超过 ${MAX_UNPACKED_BYTES / 1024 / 1024} MB(可能是压缩炸弹),已拒绝`;
      left -= readEntry(buf, e, left).length;
    }
    return null;
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    return e.message.includes('解压后超过') ? `文件解压后超过 ${MAX_UNPACKED_BYTES / 1024 / 1024} MB(可能是压缩炸弹),已拒绝` : `文件已损坏:${e.message}`;
  }
}

/** Reads an .xlsx file from a buffer, refusing anything that is not one with a clear message. */
export function readWorkbook(buf: Uint8Array, file: string): ReadResult {
  const fail = (message: string): ReadResult => ({ ok: false, problems: [{ file, message }] });
  if (buf.length === 0) return fail('文件为空');
  if (buf.length > MAX_FILE_BYTES) return fail(`文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB,请拆分后导入`);
  if (startsWith(buf, OLE)) {
    return fail(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).includes(ENCRYPTED)
      ? '文件设有打开密码;请在 Excel 中取消密码(文件 → 信息 → 保护工作簿)后再导入'
      : '文件是旧版 .xls 格式;请在 Excel 中另存为 .xlsx 后再导入');
  }
  if (!startsWith(buf, ZIP)) return fail('不是 .xlsx 文件(文件内容不是 Excel 工作簿)');
  const zipProblem = checkZip(buf);
  if (zipProblem) return fail(zipProblem);
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(buf, { type: 'buffer', dense: true, cellDates: false, cellFormula: false, cellHTML: false, cellStyles: false, cellText: false });
  } catch (e) {
    return fail(`无法读取 Excel 文件,文件可能已损坏:${(e as Error).message}`);
  }
  if (!wb.SheetNames?.length) return fail('文件中没有工作表');
  const sheets = wb.SheetNames.map((name) => {
    const ws = wb.Sheets[name] as XLSX.WorkSheet & { '!data'?: Cell[][] };
    return { name, rows: (ws['!data'] ?? []) as (Cell | undefined)[][], merges: ws['!merges'] ?? [] };
  });
  return { ok: true, workbook: { sheets, date1904: !!wb.Workbook?.WBProps?.date1904 } };
}
