import { excelSerialToIso, isValidYmd, ymd, type IsoDate } from '../lib/dates';
import { yuanToFen } from '../lib/money';

/** A SheetJS cell as read with `dense: true, cellDates: false`. */
export interface Cell {
  t: string;
  v?: unknown;
  w?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

/**
 * The longest cell text any reader sees: the template's longest field holds 2,000 characters, so
 * this still tells "too long" apart, while a hostile megabyte of text costs no more than this.
 */
export const MAX_CELL_TEXT = 4000;

/** Full-width digits, letters and punctuation to their ASCII forms; trims spaces of both widths (`trim` covers U+3000). */
export function normalizeText(s: string): string {
  const t = s.trim();
  return (t.length > MAX_CELL_TEXT ? t.slice(0, MAX_CELL_TEXT) : t).normalize('NFKC').trim();
}

/** The cell as trimmed text (at most MAX_CELL_TEXT characters), or null when blank. Whole numbers print without a decimal point. */
export function cellText(cell: Cell | undefined): string | null {
  if (!cell || cell.v === undefined || cell.v === null) return null;
  if (cell.t === 'e') return null;
  const v = cell.v;
  const s = typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v);
  const t = s.trim();
  if (t === '') return null;
  return t.length > MAX_CELL_TEXT ? t.slice(0, MAX_CELL_TEXT) : t;
}

/** What ledgers write in a cell they leave empty on purpose (①: 无); read as blank in the cells a row may leave empty. */
const BLANK_WORDS = new Set(['无', '/', '\\', '-', '--', '—', '——', '暂无', 'n/a', 'N/A']);
const LONGEST_BLANK = Math.max(...[...BLANK_WORDS].map((w) => w.length));
/** What `\s` matches, by code. */
const isSpace = (c: number) => (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
  || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/** Normalising never shortens a text to a blank word (none of their characters is composed), so a longer text is not one: most cells stop at the count. */
export function isBlankWord(text: string): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i)) && ++n > LONGEST_BLANK) return false;
  return BLANK_WORDS.has(normalizeText(text).replace(/\s+/g, ''));
}

export function isBlank(cell: Cell | undefined): boolean {
  return cellText(cell) === null;
}

const NUMBER_TEXT = /^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;

/** A number written as a number, or as text with thousands separators, full-width digits, ¥ or 元. */
export function parseNumber(cell: Cell | undefined): Parsed<number | null> {
  if (!cell || isBlank(cell)) return ok(null);
  if (cell.t === 'n' && typeof cell.v === 'number') return Number.isFinite(cell.v) ? ok(cell.v) : bad('不是有效数字');
  const text = cellText(cell)!;
  if (text.length >= MAX_CELL_TEXT) return bad(`「${truncate(text)}」不是数字(内容过长)`);
  const raw = normalizeText(text).replace(/\s+/g, '').replace(/^[¥￥]/, '').replace(/元$/, '');
  if (!NUMBER_TEXT.test(raw)) return bad(`「${truncate(String(cell.v))}」不是数字`);
  return ok(Number(raw.replace(/,/g, '')));
}

export function parseCount(cell: Cell | undefined, what: string): Parsed<number | null> {
  const n = parseNumber(cell);
  if (!n.ok || n.value === null) return n;
  if (!Number.isInteger(n.value)) return bad(`${what}应为整数,文件中为 ${n.value}`);
  if (n.value < 0) return bad(`${what}不能为负数,文件中为 ${n.value}`);
  if (n.value > 1_000_000_000) return bad(`${what} ${n.value} 超出合理范围`);
  return ok(n.value);
}

/** Money in yuan (with or without ¥) to integer fen. */
export function parseYuanToFen(cell: Cell | undefined): Parsed<number | null> {
  const n = parseNumber(cell);
  if (!n.ok || n.value === null) return n;
  if (n.value < 0) return bad(`金额不能为负数,文件中为 ${n.value}`);
  if (n.value > 1e10) return bad(`金额 ${n.value} 元超出合理范围`);
  return ok(yuanToFen(n.value));
}

const DATE_TEXT: { re: RegExp; day: boolean }[] = [
  { re: /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/, day: true },
  { re: /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/, day: true },
  { re: /^(\d{4})(\d{2})(\d{2})$/, day: true },
  { re: /^(\d{4})[-/.](\d{1,2})$/, day: false },
  { re: /^(\d{4})年(\d{1,2})月?$/, day: false },
];

/**
 * An Excel date (serial number) or a date written as text: 2019-05-01, 2019/5/1, 2019.05.01,
 * 2019年5月1日, 20190501; a month alone (2019.05, 2019年5月) means its first day.
 */
export function parseDate(cell: Cell | undefined, date1904 = false): Parsed<IsoDate | null> {
  if (!cell || isBlank(cell)) return ok(null);
  if (cell.t === 'n' && typeof cell.v === 'number') {
    if (cell.v >= 19000101 && cell.v <= 29991231 && Number.isInteger(cell.v)) return parseDate({ t: 's', v: String(cell.v) });
    const iso = excelSerialToIso(cell.v, date1904);
    return iso ? ok(iso) : bad(`「${cell.v}」不是有效日期`);
  }
  if (cell.t === 'd' && cell.v instanceof Date) return ok(cell.v.toISOString().slice(0, 10));
  const text = cellText(cell)!;
  if (text.length >= MAX_CELL_TEXT) return bad(`「${truncate(text)}」不是日期(内容过长)`);
  const s = normalizeText(text).replace(/\s+/g, '');
  for (const { re, day } of DATE_TEXT) {
    const m = re.exec(s);
    if (!m) continue;
    const [y, mo, d] = [+m[1], +m[2], day ? +m[3] : 1];
    if (!isValidYmd(y, mo, d)) return bad(`「${truncate(String(cell.v))}」不是存在的日期`);
    return ok(ymd(y, mo, d));
  }
  if (YEAR_LAST.test(s)) return bad(`「${truncate(String(cell.v))}」的年份写在最后,月与日的次序无法确定(可能是美式 月/日/年);请写成 YYYY-MM-DD`);
  return bad(`「${truncate(String(cell.v))}」不是日期(应为 YYYY-MM-DD 或 Excel 日期)`);
}

/** 1/23/23, 23.01.2023: a date, but whether month or day comes first is not written down. */
const YEAR_LAST = /^\d{1,2}[-/.]\d{1,2}[-/.](\d{2}|\d{4})$/;

/** The cell reads as a date, or is written as one in an order that cannot be told (such a column is still a date column). */
export function looksLikeDate(cell: Cell | undefined, date1904 = false): boolean {
  if (parseDate(cell, date1904).ok) return true;
  const text = cellText(cell);
  return text !== null && YEAR_LAST.test(normalizeText(text).replace(/\s+/g, ''));
}

/** Maps a cell to one of a closed set of words; `words` maps each accepted spelling to its value. */
export function parseChoice<T>(cell: Cell | undefined, words: ReadonlyMap<string, T>, canonical: readonly string[]): Parsed<T | null> {
  const s = cellText(cell);
  if (s === null) return ok(null);
  const v = words.get(normalizeText(s).replace(/\s+/g, ''));
  return v === undefined ? bad(`「${truncate(s)}」不是有效取值(应为 ${canonical.join('/')})`) : ok(v);
}

export function truncate(s: string, n = 30): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
