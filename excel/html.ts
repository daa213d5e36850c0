import type { TextEncoding } from './formats';

/**
 * Many government systems "export to Excel" an HTML table saved as .xls. SheetJS reads such a page
 * (every `<table>` a sheet, rowspan/colspan as merges); what is checked here comes first, on the
 * text alone, so that no page costs the parse worker more than a spreadsheet within the limits.
 */

/** A web page with a table, not XML: what Excel itself opens as a sheet. */
export function isHtmlTable(head: string, text: string): boolean {
  return !/^\s*<\?xml/i.test(head) && /<(!doctype\s+html|html|head|meta|body|table)\b/i.test(head) && /<table\b/i.test(text);
}

const CHARSETS: [RegExp, TextEncoding][] = [
  [/^(gb2312|gbk|gb18030|x-gbk|cp936|windows-936|euc-cn)$/i, 'gb18030'],
  [/^utf-?8$/i, 'utf-8'],
  [/^(big5|big5-hkscs|x-x-big5|cp950)$/i, 'big5'],
  [/^(windows-1252|iso-8859-1|latin1|us-ascii|ascii)$/i, 'windows-1252'],
];

/** The encoding the page declares in a `<meta … charset=…>` among its first bytes, when it is one the importer reads. */
export function declaredCharset(b: Uint8Array): TextEncoding | null {
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 4096)).toString('latin1');
  const m = /<meta\b[^>]*?charset\s*=\s*["']?\s*([\w-]+)/i.exec(head);
  return m ? (CHARSETS.find(([re]) => re.test(m[1]))?.[1] ?? null) : null;
}

/**
 * SheetJS compares every cell with every merge before it; a page of a million cells and a thousand
 * merges already costs it seconds. Real exports merge a title and a few group cells.
 */
const MERGE_WORK = 1e9;

/** How often the pattern occurs, counting no further than one past `upTo` (no array of matches is built). */
function count(s: string, re: RegExp, upTo: number): number {
  let n = 0;
  for (re.lastIndex = 0; n <= upTo && re.exec(s); ) n++;
  return n;
}

/** Why the page is too large for the limits (rows and cells counted generously: every `<tr`, `<td`, `<th`), or null. */
export function htmlTooMuch(s: string, limits: { rows: number; cells: number }): 'rows' | 'cells' | 'merges' | null {
  if (count(s, /<tr/gi, limits.rows) > limits.rows) return 'rows';
  const cells = count(s, /<t[dh]/gi, limits.cells);
  if (cells > limits.cells) return 'cells';
  let merges = 0;
  // SheetJS merges a cell whose rowspan or colspan reads, as a JavaScript number, above 1.
  for (const m of s.matchAll(/(?:rowspan|colspan)\s*=\s*["']?\s*([^\s"'>]*)/gi)) if (Number(m[1]) > 1) merges++;
  return merges * cells > MERGE_WORK ? 'merges' : null;
}

/** Numeric character references (&#20013; &#x4E2D;), which SheetJS leaves as written. */
export function decodeNumericEntities(s: string): string {
  if (!s.includes('&#')) return s;
  return s.replace(/&#(?:x([0-9a-f]{1,6})|(\d{1,7}));/gi, (all, hex: string | undefined, dec: string | undefined) => {
    const n = hex ? parseInt(hex, 16) : Number(dec);
    return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : all;
  });
}
