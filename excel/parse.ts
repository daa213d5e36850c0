import * as XLSX from 'xlsx';
// Legacy .xls files and text keep their characters in code pages (GBK is 936): SheetJS decodes them with these tables.
import * as cptable from 'xlsx/dist/cpexcel.full.mjs';
import type { Cell } from './cells';
import { MAX_CELL_TEXT } from './cells';
import { DELIMITER_CHARS, ENCODING_LABELS, type FileFormat, type TextEncoding, type TextReading } from './formats';
import { bomOf, countRecords, decodeText, guessDelimiter, guessEncoding, sepLine } from './text';
import type { ParseLimits, ReadResult, Sheet, TextChoice } from './sheets';
import { declaredCharset, decodeNumericEntities, htmlTooMuch, isHtmlTable } from './html';
import { repeatedTooMuch } from './ods';
import { readEntry, writeZip, zipEntries, ZipError, type ZipEntry } from './zip';

XLSX.set_cptable(cptable);

/** The bounds of one parse; `readWorkbook` holds the defaults. */


const mb = (n: number) => Math.round(n / 1024 / 1024);
const count = (n: number) => n.toLocaleString('en-US');

type Failure = { ok: false; message: string; sheet?: string };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ENCRYPTED = Buffer.from('EncryptedPackage', 'utf16le');
const startsWith = (buf: Uint8Array, magic: number[]) => magic.every((b, i) => buf[i] === b);

/** What a zip holds, by its parts: an Excel workbook (XML or binary) or an OpenDocument spreadsheet. */
function zipFormat(entries: ZipEntry[], buf: Uint8Array, file: string): FileFormat | Failure {
  const has = (re: RegExp) => entries.find((e) => re.test(e.name));
  const wps = /\.ett?$/i.test(file);
  if (has(/^xl\/workbook\.xml$/i)) return wps ? 'et' : has(/^xl\/vbaProject\.bin$/i) || /\.xlsm$/i.test(file) ? 'xlsm' : 'xlsx';
  if (has(/^xl\/workbook\.bin$/i)) return 'xlsb';
  const mimetype = has(/^mimetype$/);
  if (mimetype && has(/^content\.xml$/)) {
    const type = readEntry(buf, mimetype, 200).toString('latin1').trim();
    if (/^application\/vnd\.oasis\.opendocument\.spreadsheet(-template)?$/.test(type)) return 'ods';
    return { ok: false, message: `不是电子表格(是 OpenDocument 的其他文档:${type.slice(0, 60)})` };
  }
  return { ok: false, message: '不是表格文件(压缩包中没有 Excel 工作簿或电子表格)' };
}

/**
 * Unpacks every part once under the shared limit and hands SheetJS a new zip of exactly those
 * bytes, so what is parsed is what was counted, whatever else the file hides.
 */
function verifiedZip(buf: Uint8Array, file: string, limits: ParseLimits): { ok: true; zip: Buffer; format: FileFormat } | Failure {
  const tooBig = `文件解压后超过 ${mb(limits.unpackedBytes)} MB(可能是压缩炸弹),已拒绝`;
  try {
    let left = limits.unpackedBytes;
    const entries = zipEntries(buf);
    const format = zipFormat(entries, buf, file);
    if (typeof format !== 'string') return format;
    const files: { name: string; data: Uint8Array }[] = [];
    for (const e of entries) {
      if (e.size > left) return { ok: false, message: tooBig };
      const data = readEntry(buf, e, left);
      left -= data.length;
      if (!e.name.endsWith('/')) files.push({ name: e.name, data });
    }
    if (format === 'ods') {
      const content = files.find((f) => f.name === 'content.xml');
      const over = content && repeatedTooMuch(Buffer.from(content.data.buffer, content.data.byteOffset, content.data.byteLength).toString('utf8'), { rows: limits.sheetRows, cells: limits.cells });
      if (over) {
        const what = over.why === 'rows' ? `${count(limits.sheetRows)} 行` : `${count(limits.cells)} 个单元格`;
        return {
          ok: false, sheet: over.sheet,
          message: `文件「${file.replace(/^.*[\\/]/, '')}」的工作表「${over.sheet}」中重复的行列(number-rows-repeated / number-columns-repeated)展开后超过 ${what},已拒绝;`
            + '请在 LibreOffice 或 WPS 中删除表格末尾多余的行列,另存后再导入',
        };
      }
    }
    return { ok: true, zip: writeZip(files, { store: true }), format };
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    return { ok: false, message: e.message.includes('解压后超过') ? tooBig : `文件已损坏:${e.message}` };
  }
}

const READ_OPTIONS = { dense: true, cellDates: false, cellFormula: false, cellHTML: false, cellStyles: false, cellText: false } as const;

/** SheetJS's reasons, in words a user can act on. */
function readFailure(e: unknown, format: FileFormat): string {
  const m = (e as Error).message ?? String(e);
  if (/password/i.test(m)) return '文件设有打开密码;请在 Excel 或 WPS 中取消密码(文件 → 信息 → 保护工作簿)后再导入';
  if (/Cannot find Workbook stream|Unsupported .* file/i.test(m)) return '文件不是 Excel 工作簿(可能是 Word 等其他 Office 文档);请选择 .xls、.xlsx、.et 或 .csv 表格文件';
  if (/not a spreadsheet/i.test(m)) return '文件不是电子表格';
  const what = format === 'et' ? ' WPS 表格' : format === 'ods' ? ' OpenDocument 电子表格' : ' Excel 文件';
  return `无法读取${what},文件可能已损坏或不完整(${m.slice(0, 200)})`;
}

/** More sheets than any ledger has (Excel's own default limit is 255). */
export const MAX_SHEETS = 255;

/** The sheets of a parsed workbook within the limits: a sheet too long is refused, never cut short; over-long texts are cut once here. */
function sheetsOf(wb: XLSX.WorkBook, limits: ParseLimits, names?: string[]): { ok: true; sheets: Sheet[] } | Failure {
  if (!wb.SheetNames?.length) return { ok: false, message: '文件中没有工作表' };
  if (wb.SheetNames.length > MAX_SHEETS) return { ok: false, message: `文件有 ${count(wb.SheetNames.length)} 张工作表,超过 ${MAX_SHEETS} 张,请只保留台账所在的工作表后导入` };
  let cells = 0;
  let chars = 0;
  const sheets: Sheet[] = [];
  for (const [i, name] of wb.SheetNames.entries()) {
    const ws = wb.Sheets[name] as XLSX.WorkSheet & { '!data'?: (Cell | undefined)[][]; '!fullref'?: string };
    const rows = ws['!data'] ?? [];
    const shown = names?.[i] ?? name;
    if (rows.length > limits.sheetRows || (ws['!fullref'] && ws['!fullref'] !== ws['!ref'] && XLSX.utils.decode_range(ws['!fullref']).e.r >= limits.sheetRows)) {
      return { ok: false, message: `工作表「${shown}」超过 ${count(limits.sheetRows)} 行,请拆分后导入` };
    }
    // Every row counts, blank ones too: a sheet whose one cell sits at row 199,999 costs its 200,000 rows.
    cells += rows.length;
    if (cells > limits.cells) return { ok: false, message: `文件的单元格超过 ${count(limits.cells)} 个,请拆分后导入` };
    for (const row of rows) {
      if (!row) continue;
      cells += row.length;
      // Before walking it: an OpenDocument row may put one cell a billion columns out.
      if (cells > limits.cells) return { ok: false, message: `文件的单元格超过 ${count(limits.cells)} 个,请拆分后导入` };
      for (const c of row) {
        if (c && typeof c.v === 'string') {
          // A text longer than any field allows is cut here, once; readers then see at most this much.
          if (c.v.length > MAX_CELL_TEXT) c.v = c.v.trim().slice(0, MAX_CELL_TEXT + 1);
          chars += c.v.length;
        }
      }
      if (chars > limits.textChars) return { ok: false, message: `文件中的文字超过 ${count(limits.textChars)} 字,请拆分后导入` };
    }
    // 1: hidden, 2: very hidden (only a macro can show it); neither is read unless the user picks it.
    sheets.push({ name: shown, rows, merges: ws['!merges'] ?? [], hidden: !!wb.Workbook?.Sheets?.[i]?.Hidden });
  }
  return { ok: true, sheets };
}

/** The sheet a text file becomes, named after the file as Excel names it (31 characters, none of \ / ? * [ ] :). */
function textSheetName(file: string): string {
  const base = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').replace(/[\\/?*[\]:]/g, '_').slice(0, 31).trim();
  return base || 'Sheet1';
}

/** Files people pick by mistake, by their first bytes: said by name rather than read as text. */
const NOT_SPREADSHEETS: { magic: number[]; what: string }[] = [
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'PDF 文档' },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'PNG 图片' },
  { magic: [0xff, 0xd8, 0xff], what: 'JPEG 图片' },
  { magic: [0x47, 0x49, 0x46, 0x38], what: 'GIF 图片' },
  { magic: [0x52, 0x61, 0x72, 0x21], what: 'RAR 压缩包' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], what: '7z 压缩包' },
  { magic: [0x1f, 0x8b], what: 'gzip 压缩包' },
  { magic: [0x7b, 0x5c, 0x72, 0x74, 0x66], what: 'RTF 文档' },
];

/** The line (1-based) at an offset of the text, as an editor counts it. */
function lineAt(s: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && s.charCodeAt(i + 1) !== 0x0a)) line++;
  }
  return line;
}

/**
 * A delimited text file: its encoding and delimiter detected (or as the user chose), its records
 * counted against the limits before any cell is built, then parsed by SheetJS's delimited-text
 * reader, every field kept as the text it is (asset tags such as 00123 and long serials stay text;
 * the importer reads numbers and dates from text as it does from Excel's text cells).
 */
function parseText(buf: Uint8Array, file: string, limits: ParseLimits, choice: TextChoice): ReadResult {
  const fail = (message: string): ReadResult => ({ ok: false, problems: [{ file, message }] });
  const known = NOT_SPREADSHEETS.find((k) => startsWith(buf, k.magic));
  if (known) return fail(`文件是 ${known.what},不是表格文件;请选择 .xls、.xlsx、.et、.ods 或 .csv 表格文件`);
  const guess = choice.encoding ? { encoding: choice.encoding, certain: true } : guessEncoding(buf);
  let s = decodeText(buf, guess.encoding);
  const nul = s.indexOf('\u0000');
  if (nul >= 0) {
    return fail(`第 ${lineAt(s, nul)} 行含有空字符(NUL):文件不是 Excel 工作簿,也不是按「${ENCODING_LABELS[guess.encoding]}」编码的文本文件;`
      + (guess.certain && !choice.encoding ? '文件可能已损坏' : '如是文本文件,请选择正确的编码'));
  }
  const head = s.slice(0, 4096);
  if (/^\s*</.test(head)) {
    if (isHtmlTable(head, s)) return parseHtml(buf, s, guess, file, limits, choice);
    return fail('文件是网页(HTML)或 XML 格式,不是表格文件;请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入');
  }
  if (/[\u0001-\u0008\u000e-\u001f]/.test(head) && (head.match(/[\u0001-\u0008\u000e-\u001f]/g)?.length ?? 0) > head.length / 100) {
    return fail('文件不是 Excel 工作簿,也不是文本(CSV)文件;请选择 .xls、.xlsx、.et、.ods 或 .csv 表格文件');
  }
  const sep = sepLine(s);
  if (sep) s = s.slice(sep.length);
  const delimiter = choice.delimiter ?? sep?.delimiter ?? guessDelimiter(s);
  const { records, fields } = countRecords(s, delimiter);
  if (records > limits.sheetRows) return fail(`文件有 ${count(records)} 行,超过 ${count(limits.sheetRows)} 行,请拆分后导入`);
  if (fields > limits.cells) return fail(`文件的单元格超过 ${count(limits.cells)} 个(共 ${count(fields)} 个),请拆分后导入`);
  let wb: XLSX.WorkBook;
  try {
    // The `sep=` line makes SheetJS read delimited text with this delimiter, whatever the text
    // begins with (a first field `ID` would otherwise be taken for a SYLK file).
    wb = XLSX.read(`sep=${DELIMITER_CHARS[delimiter]}\n${s}`, { ...READ_OPTIONS, type: 'string', raw: true, sheetRows: limits.sheetRows + 1 });
  } catch (e) {
    return fail(`无法读取文本文件:${(e as Error).message.slice(0, 200)}`);
  }
  const sheets = sheetsOf(wb, limits, [textSheetName(file)]);
  if (!sheets.ok) return fail(sheets.message);
  // A line break inside a quoted field is the cell's own, which in Excel is a line feed whatever the file's line ends.
  for (const row of sheets.sheets[0]?.rows ?? []) for (const c of row ?? []) if (c && typeof c.v === 'string' && c.v.includes('\r')) c.v = c.v.replace(/\r\n?/g, '\n');
  const text: TextReading = { encoding: guess.encoding, delimiter, certain: guess.certain };
  return { ok: true, workbook: { sheets: sheets.sheets.slice(0, 1), date1904: false, format: 'csv', text } };
}

/**
 * A web page's tables (what many systems save as .xls): read in the encoding its `<meta charset>`
 * declares unless the bytes carry a byte-order mark or the user chose one, counted against the
 * limits before SheetJS reads them, every cell kept as its text (as for CSV).
 */
function parseHtml(buf: Uint8Array, decoded: string, guess: { encoding: TextEncoding; certain: boolean }, file: string, limits: ParseLimits, choice: TextChoice): ReadResult {
  const fail = (message: string): ReadResult => ({ ok: false, problems: [{ file, message }] });
  const declared = choice.encoding || bomOf(buf) ? null : declaredCharset(buf);
  const encoding = declared ?? guess.encoding;
  const s = encoding === guess.encoding ? decoded : decodeText(buf, encoding);
  const over = htmlTooMuch(s, { rows: limits.sheetRows, cells: limits.cells });
  if (over) {
    return fail(over === 'rows' ? `网页表格超过 ${count(limits.sheetRows)} 行,请拆分后导入`
      : over === 'cells' ? `网页表格的单元格超过 ${count(limits.cells)} 个,请拆分后导入`
      : '网页表格的合并单元格过多;请在 Excel 或 WPS 中打开,取消合并单元格后另存为 .xlsx 再导入');
  }
  let wb: XLSX.WorkBook;
  try {
    // From its first table on: SheetJS then reads the text as HTML, whatever the page's head holds.
    wb = XLSX.read(s.slice(s.search(/<table\b/i)), { ...READ_OPTIONS, type: 'string', raw: true, sheetRows: limits.sheetRows + 1 });
  } catch (e) {
    return fail(`无法读取网页表格:${(e as Error).message.slice(0, 200)};请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入`);
  }
  const base = textSheetName(file);
  const sheets = sheetsOf(wb, limits, wb.SheetNames.length === 1 ? [base] : wb.SheetNames.map((_, i) => `${base.slice(0, 27)}(${i + 1})`));
  if (!sheets.ok) return fail(sheets.message);
  for (const sh of sheets.sheets) for (const row of sh.rows) for (const c of row ?? []) if (c && typeof c.v === 'string') c.v = decodeNumericEntities(c.v);
  // The wizard shows the encoding to change it (a page may declare the wrong one); there is no delimiter to choose.
  const text: TextReading = { encoding, delimiter: 'comma', certain: !!declared || guess.certain };
  return { ok: true, workbook: { sheets: sheets.sheets, date1904: false, format: 'html', text } };
}

/**
 * Parses a file within `limits`, whatever its format, told by its bytes: a zip (.xlsx, .xlsm,
 * .xlsb, .ods, an .et of newer WPS) is verified and repacked first; an OLE file (.xls BIFF8 or
 * BIFF5, an .et of older WPS) is read as it is, bounded by the worker's memory and time; anything
 * else is read as delimited text. Runs inside the parse worker.
 */
export function parseFile(buf: Uint8Array, file: string, limits: ParseLimits, choice: TextChoice = {}): ReadResult {
  const fail = (message: string): ReadResult => ({ ok: false, problems: [{ file, message }] });
  let format: FileFormat;
  let wb: XLSX.WorkBook;
  if (startsWith(buf, ZIP)) {
    const zip = verifiedZip(buf, file, limits);
    if (!zip.ok) return { ok: false, problems: [{ file, ...(zip.sheet === undefined ? {} : { sheet: zip.sheet }), message: zip.message }] };
    format = zip.format;
    try {
      wb = XLSX.read(zip.zip, { ...READ_OPTIONS, type: 'buffer', sheetRows: limits.sheetRows + 1 });
    } catch (e) {
      return fail(readFailure(e, format));
    }
  } else if (startsWith(buf, OLE)) {
    format = /\.ett?$/i.test(file) ? 'et' : 'xls';
    // An encrypted .xlsx is an OLE file holding the encrypted package.
    if (Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).includes(ENCRYPTED)) return fail(readFailure(new Error('password'), format));
    try {
      wb = XLSX.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), { ...READ_OPTIONS, type: 'buffer', sheetRows: limits.sheetRows + 1 });
    } catch (e) {
      return fail(readFailure(e, format));
    }
  } else {
    return parseText(buf, file, limits, choice);
  }
  const sheets = sheetsOf(wb, limits);
  if (!sheets.ok) return fail(sheets.message);
  return { ok: true, workbook: { sheets: sheets.sheets, date1904: !!wb.Workbook?.WBProps?.date1904, format } };
}
