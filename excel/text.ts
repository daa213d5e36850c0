import chardet from 'chardet';
import iconv from 'iconv-lite';
import { DELIMITER_CHARS, DELIMITERS, type Delimiter, type TextEncoding } from './formats';

export interface EncodingGuess {
  encoding: TextEncoding;
  /** False when the bytes fit no encoding well enough to trust: the user must confirm one. */
  certain: boolean;
}

/** The part of a file the guesses look at: a ledger's first 64 KB hold hundreds of its names. */
const SAMPLE = 64 * 1024;

export function bomOf(b: Uint8Array): TextEncoding | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b[0] === 0x84 && b[1] === 0x31 && b[2] === 0x95 && b[3] === 0x33) return 'gb18030';
  return null;
}

/**
 * UTF-16 without a byte-order mark: the zero high bytes of its ASCII (digits, commas, line ends)
 * fall on one side. Chinese text has fewer of them, so a tenth of the bytes is enough.
 */
function utf16Without(b: Uint8Array): TextEncoding | null {
  const n = Math.min(b.length, SAMPLE) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) if (b[i] === 0) (i & 1 ? odd++ : even++);
  const zeros = even + odd;
  if (n < 4 || zeros < n / 10) return null;
  if (odd >= zeros * 0.9) return 'utf-16le';
  if (even >= zeros * 0.9) return 'utf-16be';
  return null;
}

function isUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * How GBK-like the bytes are: every byte of 0x80 and up must start a valid GBK/GB18030 sequence,
 * and most of those should be the common characters (GB2312's hanzi and full-width punctuation).
 * Mac Roman or Windows-1252 text read as GBK breaks the first rule or, by chance, lands on rare
 * characters: fake Chinese, which a ledger's names never are.
 */
export function gbkShape(b: Uint8Array): { valid: boolean; chars: number; common: number } {
  let chars = 0;
  let common = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c < 0x80) continue;
    const d = b[i + 1];
    if (c === 0x80 || c === 0xff || d === undefined) return { valid: false, chars, common };
    if (d >= 0x30 && d <= 0x39) {
      // GB18030's four-byte form: lead, digit, lead, digit.
      const e = b[i + 2];
      const f = b[i + 3];
      if (e === undefined || f === undefined || e < 0x81 || e > 0xfe || f < 0x30 || f > 0x39) return { valid: false, chars, common };
      chars++;
      i += 3;
      continue;
    }
    if (d < 0x40 || d === 0x7f || d === 0xff) return { valid: false, chars, common };
    chars++;
    if (d >= 0xa1 && ((c >= 0xb0 && c <= 0xf7) || (c >= 0xa1 && c <= 0xa9))) common++;
    i++;
  }
  return { valid: true, chars, common };
}

/** Big5 by the same measure: its lead bytes 0x81–0xFE, trail bytes 0x40–0x7E and 0xA1–0xFE; common hanzi lead with 0xA4–0xC6. */
function big5Plausible(b: Uint8Array): boolean {
  let chars = 0;
  let common = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c < 0x80) continue;
    const d = b[i + 1];
    if (c < 0x81 || c === 0xff || d === undefined || !((d >= 0x40 && d <= 0x7e) || (d >= 0xa1 && d <= 0xfe))) return false;
    chars++;
    if (c >= 0xa4 && c <= 0xc6) common++;
    i++;
  }
  return chars > 0 && common >= chars * 0.9;
}

/**
 * The encoding of a text file: its byte-order mark; else UTF-16 by its zero bytes; else UTF-8 if
 * the bytes are valid UTF-8; else GBK if they are shaped like Chinese GBK text (chardet agreeing,
 * or enough of it to be sure). Anything else is read as Windows-1252 (Big5 when chardet and the
 * bytes both say so) and marked uncertain, so the user sees mojibake flagged rather than taken.
 */
export function guessEncoding(b: Uint8Array): EncodingGuess {
  const bom = bomOf(b);
  if (bom) return { encoding: bom, certain: true };
  const wide = utf16Without(b);
  if (wide) return { encoding: wide, certain: false };
  if (isUtf8(b)) return { encoding: 'utf-8', certain: true };
  const gbk = gbkShape(b);
  // Enough common characters settle it without chardet, which takes longer over its sample than this over the whole file.
  if (gbk.valid && gbk.chars >= 20 && gbk.common >= gbk.chars * 0.97) return { encoding: 'gb18030', certain: true };
  const best = chardet.analyse(b.subarray(0, SAMPLE))[0]?.name;
  if (gbk.valid && gbk.chars > 0 && gbk.common >= gbk.chars * 0.9) return { encoding: 'gb18030', certain: best === 'GB18030' };
  if (best === 'Big5' && big5Plausible(b)) return { encoding: 'big5', certain: false };
  return { encoding: 'windows-1252', certain: false };
}

/** The text of the bytes in the encoding, without its byte-order mark. */
export function decodeText(b: Uint8Array, encoding: TextEncoding): string {
  return iconv.decode(Buffer.from(b.buffer, b.byteOffset, b.byteLength), encoding, { stripBOM: true });
}

/**
 * Records of delimited text, quote-aware as Excel and SheetJS read them: a quote opens a quoted
 * field only at the field's start, and line breaks inside one belong to the field. Calls `each`
 * with the number of delimiters of every record until it returns false.
 */
function scanRecords(s: string, delim: number, each: (delims: number, blank: boolean) => boolean): void {
  let quoted = false;
  let fieldStart = true;
  let delims = 0;
  let blank = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quoted) {
      if (c === 0x22) {
        if (s.charCodeAt(i + 1) === 0x22) i++;
        else quoted = false;
      }
      continue;
    }
    if (c === 0x22 && fieldStart) {
      quoted = true;
      fieldStart = false;
      blank = false;
    } else if (c === delim) {
      delims++;
      fieldStart = true;
      blank = false;
    } else if (c === 0x0a || c === 0x0d) {
      if (c === 0x0d && s.charCodeAt(i + 1) === 0x0a) i++;
      if (!each(delims, blank)) return;
      delims = 0;
      blank = true;
      fieldStart = true;
    } else {
      fieldStart = false;
      blank = false;
    }
  }
  if (!blank || delims) each(delims, blank);
}

/** Records and fields of the text, to refuse a file over the limits before a parser builds its cells. */
export function countRecords(s: string, delimiter: Delimiter): { records: number; fields: number } {
  let records = 0;
  let fields = 0;
  scanRecords(s, DELIMITER_CHARS[delimiter].charCodeAt(0), (delims) => {
    records++;
    fields += delims + 1;
    return true;
  });
  return { records, fields };
}

/**
 * The delimiter whose count is the same on most of the first records (a header and its rows have
 * as many fields); ties go to the larger count, then comma, tab, semicolon. One column: comma.
 */
export function guessDelimiter(s: string): Delimiter {
  const sample = s.slice(0, SAMPLE);
  let best: { d: Delimiter; share: number; count: number } = { d: 'comma', share: 0, count: 0 };
  for (const d of DELIMITERS) {
    const counts: number[] = [];
    scanRecords(sample, DELIMITER_CHARS[d].charCodeAt(0), (n, blank) => (blank || counts.push(n), counts.length < 30));
    // The sample may end inside a record.
    if (counts.length > 1 && sample.length < s.length) counts.pop();
    const freq = new Map<number, number>();
    for (const n of counts) if (n > 0) freq.set(n, (freq.get(n) ?? 0) + 1);
    const [count, times] = [...freq].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0] ?? [0, 0];
    const share = counts.length ? times / counts.length : 0;
    if (count > 0 && (share > best.share || (share === best.share && count > best.count))) best = { d, share, count };
  }
  return best.d;
}

/** Excel's own hint on a CSV's first line, `sep=;`: the delimiter, and how much of the text it takes. */
export function sepLine(s: string): { delimiter: Delimiter; length: number } | null {
  const m = /^sep=(.)(\r\n|\r|\n)/.exec(s);
  if (!m) return null;
  const d = DELIMITERS.find((x) => DELIMITER_CHARS[x] === m[1]);
  return d ? { delimiter: d, length: m[0].length } : null;
}
