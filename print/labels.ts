import PDFDocument from 'pdfkit';
import encodeQR from 'qr';
import type { Problem } from '../lib/problems';

import type { LabelLayout } from '../lib/domain/labels';

export { LABEL_LAYOUTS, type LabelLayout } from '../lib/domain/labels';

/** Where the first label sits and the space between labels, in mm. */
export interface LabelMargins {
  top: number;
  left: number;
  columnGap: number;
  rowGap: number;
}

/** A layout's sheet, in mm: the page, its grid of labels and each label's size, and the default margins. */
export interface Sheet {
  name: string;
  pageWidth: number;
  pageHeight: number;
  columns: number;
  rows: number;
  labelWidth: number;
  labelHeight: number;
  margins: LabelMargins;
}

const SHEETS: Record<LabelLayout, Sheet> = {
  'a4-3x8': { name: 'A4 3×8', pageWidth: 210, pageHeight: 297, columns: 3, rows: 8, labelWidth: 70, labelHeight: 37, margins: { top: 0.5, left: 0, columnGap: 0, rowGap: 0 } },
  'a4-2x5': { name: 'A4 2×5', pageWidth: 210, pageHeight: 297, columns: 2, rows: 5, labelWidth: 105, labelHeight: 57, margins: { top: 6, left: 0, columnGap: 0, rowGap: 0 } },
  '50x30': { name: '50×30 标签机', pageWidth: 50, pageHeight: 30, columns: 1, rows: 1, labelWidth: 50, labelHeight: 30, margins: { top: 0, left: 0, columnGap: 0, rowGap: 0 } },
};

export function labelSheet(layout: LabelLayout): Sheet {
  return { ...SHEETS[layout], margins: { ...SHEETS[layout].margins } };
}

/** One label: what its code carries and the lines printed beside it. */
export interface LabelData {
  /** What the QR code holds: the asset tag, or the address that opens the asset. */
  code: string;
  /** The tag printed in plain text (or the blank label's code). */
  tag: string;
  itemName: string;
  agencyName: string;
  /** A blank label: printed with the line saying it is linked at its first scan. */
  blank?: boolean;
}

export interface LabelSheetInput {
  labels: readonly LabelData[];
  layout: LabelLayout;
  margins?: Partial<LabelMargins>;
  /** An OpenType/TrueType font holding the Chinese characters, embedded (subset) in the PDF. */
  font: Buffer;
  title?: string;
}

const MARGIN_NAMES: Record<keyof LabelMargins, string> = { top: '上边距', left: '左边距', columnGap: '列间距', rowGap: '行间距' };

/** Why these margins do not fit the layout's sheet; empty when they do. */
export function marginProblems(layout: LabelLayout, margins: Partial<LabelMargins> | undefined): Problem[] {
  const sheet = SHEETS[layout];
  const m = { ...sheet.margins, ...margins };
  const problems: Problem[] = [];
  for (const key of Object.keys(MARGIN_NAMES) as (keyof LabelMargins)[]) {
    if (!Number.isFinite(m[key]) || m[key] < 0 || m[key] > sheet.pageWidth) problems.push({ field: `margins.${key}`, message: `${MARGIN_NAMES[key]}应为 0–${sheet.pageWidth} 毫米之间的数` });
  }
  if (problems.length) return problems;
  const width = m.left + sheet.columns * sheet.labelWidth + (sheet.columns - 1) * m.columnGap;
  const height = m.top + sheet.rows * sheet.labelHeight + (sheet.rows - 1) * m.rowGap;
  const fmt = (n: number) => String(Math.round(n * 10) / 10);
  if (width > sheet.pageWidth + 1e-9) problems.push({ field: 'margins.left', message: `${sheet.name}:左边距与列间距过大,${sheet.columns} 列标签共需 ${fmt(width)} 毫米,超出纸宽 ${sheet.pageWidth} 毫米` });
  if (height > sheet.pageHeight + 1e-9) problems.push({ field: 'margins.top', message: `${sheet.name}:上边距与行间距过大,${sheet.rows} 行标签共需 ${fmt(height)} 毫米,超出纸高 ${sheet.pageHeight} 毫米` });
  return problems;
}

const PT = 72 / 25.4;
/** Each run drawn a hair (in points) wider and taller than its modules, so neighbouring runs leave no white seam when rasterised. */
const HAIR = 0.01;
/** A coordinate as the content stream holds it: a ten-thousandth of a point is far below any printer's dot. */
const num = (v: number) => String(Math.round(v * 1e4) / 1e4);
const BLANK_LINE = '空白标签:首次扫码时绑定装备';

/** The labels as a vector PDF: QR codes drawn as filled rectangles (never a raster image), text in the embedded font. */
export function labelSheetPdf(input: LabelSheetInput): Promise<Buffer> {
  const sheet = SHEETS[input.layout];
  const m = { ...sheet.margins, ...input.margins };
  const problems = marginProblems(input.layout, input.margins);
  if (problems.length) throw new Error(problems.map((p) => p.message).join(';'));
  const perPage = sheet.columns * sheet.rows;
  // The font is the document's first, so pdfkit never loads its built-in Helvetica (whose metrics files a bundle may not ship).
  const doc = new PDFDocument({
    size: [sheet.pageWidth * PT, sheet.pageHeight * PT],
    margin: 0,
    autoFirstPage: false,
    font: input.font as unknown as string,
    info: { Title: input.title ?? '资产标签', Creator: '执法装备台账' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // Item and agency names repeat from label to label: each is fitted once.
  const fits = new Map<string, Fitted>();
  const glyphs = new Glyphs(doc);
  input.labels.forEach((label, i) => {
    const slot = i % perPage;
    if (slot === 0) {
      doc.addPage();
      glyphs.usedOn(doc.page);
      doc.fillColor('#000000');
    }
    const col = slot % sheet.columns;
    const row = Math.floor(slot / sheet.columns);
    const x = (m.left + col * (sheet.labelWidth + m.columnGap)) * PT;
    const y = (m.top + row * (sheet.labelHeight + m.rowGap)) * PT;
    drawLabel(doc, glyphs, label, x, y, sheet.labelWidth * PT, sheet.labelHeight * PT, fits);
  });
  if (input.labels.length === 0) doc.addPage();
  doc.end();
  return done;
}

type Fitted = { text: string; size: number }[];

/** The embedded font as pdfkit holds it: encoding a string adds its glyphs to the subset and to the text's Unicode map. */
interface EmbeddedFont {
  id: string;
  ascender: number;
  encode(text: string): [string[], { xAdvance: number }[]];
  ref(): unknown;
}

/**
 * Text set glyph by glyph from the embedded font, each character encoded once: pdfkit's text() shapes every new
 * string with the font's full OpenType tables (slow for Source Han Sans, and every tag is new), while a label's
 * Chinese names and ASCII tags need no shaping beyond each character's glyph and advance.
 */
class Glyphs {
  private readonly font: EmbeddedFont;
  private readonly glyphs = new Map<string, { hex: string; advance: number }>();

  constructor(doc: PDFKit.PDFDocument) {
    // pdfkit keeps the current font on the document without a public accessor.
    this.font = (doc as unknown as { _font: EmbeddedFont })._font;
  }

  private glyph(char: string): { hex: string; advance: number } {
    let g = this.glyphs.get(char);
    if (!g) {
      const [codes, positions] = this.font.encode(char);
      this.glyphs.set(char, (g = { hex: codes.join(''), advance: positions.reduce((s, p) => s + p.xAdvance, 0) }));
    }
    return g;
  }

  /** The width of `text` at `size` points. */
  width(text: string, size: number): number {
    let w = 0;
    for (const char of text) w += this.glyph(char).advance;
    return (w * size) / 1000;
  }

  /** Makes the font a resource of the current page, as pdfkit's text() does on a page's first line. */
  usedOn(page: PDFKit.PDFPage): void {
    page.fonts[this.font.id] = this.font.ref();
  }

  /** The content that shows `text` with its top at (x, y) in pdfkit's top-down page space, like text() with its default baseline. */
  line(text: string, x: number, y: number, size: number): string {
    let hex = '';
    for (const char of text) hex += this.glyph(char).hex;
    return `BT\n1 0 0 -1 ${num(x)} ${num(y + (this.font.ascender / 1000) * size)} Tm\n/${this.font.id} ${num(size)} Tf\n<${hex}> Tj\nET`;
  }
}

function drawLabel(doc: PDFKit.PDFDocument, glyphs: Glyphs, label: LabelData, x: number, y: number, w: number, h: number, fits: Map<string, Fitted>): void {
  const pad = 2 * PT;
  // The matrix comes with the one-module light border the library insists on.
  const matrix = encodeQR(label.code, 'raw', { ecc: 'medium', border: 1 });
  // Two modules of the quiet zone fall inside the label's padding (the matrix's border and one more); the rest is the label's own white edge.
  const side = Math.min(h - 2 * pad, w * 0.48);
  const cell = side / (matrix.length + 2);
  const qx = x + pad + cell;
  const qy = y + (h - side) / 2 + cell;
  doc.save();
  // One path for the whole code, in module units (cm), so each dark run is a few short numbers and one content write serves all.
  doc.transform(cell, 0, 0, cell, qx, qy);
  doc.addContent(qrPath(matrix, HAIR / cell));
  doc.fill('#000000');
  doc.restore();

  const tx = x + pad + side + pad / 2;
  const tw = x + w - pad - tx;
  const lines: { text: string; size: number; min: number }[] = [
    { text: label.tag, size: h > 45 * PT ? 12 : 9, min: 5 },
    { text: label.itemName, size: h > 45 * PT ? 10 : 7.5, min: 5 },
    { text: label.agencyName, size: h > 45 * PT ? 9 : 6.5, min: 5.5 },
  ];
  if (label.blank) lines.push({ text: BLANK_LINE, size: h > 45 * PT ? 8 : 6, min: 4 });
  const fitted = lines.flatMap((l, i) => {
    // Set character by character, a line break or tab in a name would print as a missing glyph: each run of white space is one space.
    const text = l.text.replace(/\s+/g, ' ').trim();
    if (!text) return [];
    const key = `${i}\u0000${text}\u0000${l.size}\u0000${tw}`;
    let fit = fits.get(key);
    if (!fit) fits.set(key, (fit = i === 2 ? wrapped(glyphs, text, l.size, l.min, tw) : [fitLine(glyphs, text, l.size, l.min, tw)]));
    return fit;
  });
  const gap = 1.5;
  const total = fitted.reduce((s, l) => s + l.size * 1.2, 0) + gap * (fitted.length - 1);
  let ty = y + Math.max(pad, (h - total) / 2);
  const text: string[] = [];
  for (const line of fitted) {
    if (ty + line.size * 1.2 > y + h - pad / 2) break;
    text.push(glyphs.line(line.text, tx, ty, line.size));
    ty += line.size * 1.2 + gap;
  }
  doc.addContent(text.join('\n'));
}

/** The dark modules as rectangles, one per run along a row, in module units: "column row width height re" a run. */
function qrPath(matrix: readonly (readonly boolean[])[], hair: number): string {
  const n = matrix.length;
  const height = num(1 + hair);
  const widths = Array.from({ length: n + 1 }, (_, len) => num(len + hair));
  const parts: string[] = [];
  for (let r = 0; r < n; r++) {
    const row = matrix[r];
    let c = 0;
    while (c < n) {
      if (!row[c]) { c++; continue; }
      const start = c;
      while (c < n && row[c]) c++;
      parts.push(`${start} ${r} ${widths[c - start]} ${height} re`);
    }
  }
  return parts.join('\n');
}

/** A long name (the agency's) on two lines rather than shrunk past reading: split where the first line is full. */
function wrapped(glyphs: Glyphs, text: string, size: number, min: number, width: number): { text: string; size: number }[] {
  const one = fitLine(glyphs, text, size, min, width);
  if (one.text === text && one.size >= size * 0.85) return [one];
  const chars = Array.from(text);
  let cut = 1;
  while (cut < chars.length && glyphs.width(chars.slice(0, cut + 1).join(''), size) <= width) cut++;
  return [{ text: chars.slice(0, cut).join(''), size }, fitLine(glyphs, chars.slice(cut).join(''), size, min, width)];
}

/** The line at the largest size from `size` down to `min` at which it fits `width`; still too long at `min`, it is cut and ends in "…". */
function fitLine(glyphs: Glyphs, text: string, size: number, min: number, width: number): { text: string; size: number } {
  for (let s = size; s >= min; s -= 0.5) {
    if (glyphs.width(text, s) <= width) return { text, size: s };
  }
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (glyphs.width(chars.slice(0, mid).join('') + '…', min) <= width) lo = mid;
    else hi = mid - 1;
  }
  return { text: chars.slice(0, lo).join('') + '…', size: min };
}
