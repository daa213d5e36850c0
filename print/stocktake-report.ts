import PDFDocument from 'pdfkit';
import type { ReportAgency, StocktakeReport, StocktakeReportDifference, StocktakeReportLine, StocktakeTally } from '../lib/domain/stocktake-report';

/** A4 landscape, in points: the difference list's nine columns, two of them free text, need the width. */
const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = { left: 40, right: 40, top: 36, bottom: 48 };
const BODY_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const BOTTOM = PAGE.height - MARGIN.bottom;
const CELL_PAD = 3;
const TABLE_SIZE = 8.5;
const LINE_GAP = 1.5;
const RULE = '#7a7a7a';
const SHADE = '#ececec';

interface Column {
  title: string;
  /** A share of the body's width. */
  share: number;
  align?: 'left' | 'center' | 'right';
}

interface Row {
  cells: string[];
  shaded?: boolean;
}

const TALLY_COLUMNS: Column[] = ['应有', '实有', '账实相符', '位置不符', '盘盈', '盘亏', '状态不符'].map((title) => ({ title, share: 0.6, align: 'right' }));
const SUMMARY_COLUMNS: Column[] = [{ title: '机构', share: 2.6 }, { title: '装备', share: 2.6 }, ...TALLY_COLUMNS];
const DIFFERENCE_COLUMNS: Column[] = [
  { title: '序号', share: 0.36, align: 'center' },
  { title: '差异类型', share: 0.6, align: 'center' },
  { title: '编码', share: 1.1 },
  { title: '装备', share: 1.1 },
  { title: '账面机构', share: 1.05 },
  { title: '实际所在机构', share: 1.15 },
  { title: '原因', share: 1.5 },
  { title: '处置意见', share: 1.5 },
  { title: '处置方式', share: 1 },
];

const agencyText = (a: ReportAgency | null) => (a ? (a.name ? `${a.name}(${a.code})` : a.code) : '—');
const tallyCells = (t: StocktakeTally) => [t.expected, t.found, t.matched, t.misplaced, t.surplus, t.missing, t.statusMismatch].map(String);

function summaryRow(l: StocktakeReportLine): Row {
  return { cells: [l.agencyName ? `${l.agencyName}(${l.agencyCode})` : l.agencyCode, [l.itemCode, l.itemName].filter(Boolean).join(' '), ...tallyCells(l)] };
}

function differenceRow(d: StocktakeReportDifference): Row {
  const item = [d.itemCode, d.itemName].filter(Boolean).join(' ') || (d.kind === 'surplus' ? '(未登记品目)' : '');
  const found = d.kind === 'missing' ? '未找到' : agencyText(d.foundAgency) + (d.foundCustodian ? `\n保管人:${d.foundCustodian}` : '');
  const settled = (d.settlementWord ?? '未定') + (d.settledAssetTag ? `\n资产编号 ${d.settledAssetTag}` : '');
  return { cells: [String(d.no), d.kindWord, d.assetTag ?? d.code, item, d.kind === 'surplus' ? '—' : agencyText(d.expectedAgency), found, d.reason ?? '', d.proposal ?? '', settled] };
}

/**
 * The 盘点报告 as an A4 PDF to print, sign and stamp: the stocktake's facts, the 汇总 by agency and item with its 合计, every
 * difference with its 原因 and 处置意见, then the 盘点人 / 监盘人 / 负责人 lines, 日期 and 单位(盖章). Tables run on over
 * pages with their header row repeated; a cell's text wraps within it; each page says 第 N 页 共 M 页.
 */
export function stocktakeReportPdf(report: StocktakeReport, font: Buffer): Promise<Buffer> {
  // The font is the document's first, so pdfkit never loads its built-in Helvetica (whose metrics files a bundle may not ship).
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height], margin: 0, autoFirstPage: false, bufferPages: true, font: font as unknown as string,
    info: { Title: `盘点报告:${report.title}`, Creator: '执法装备台账' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const pen = new Pen(doc);
  pen.newPage();
  pen.heading(`盘点报告${report.interimNote ? '(中间结果)' : ''}:${report.title}`, 16, 'center');
  pen.gap(4);
  pen.fields([
    ['盘点单位', `${report.agencyName}(${report.agencyCode})`], ['盘点编号', `#${report.id}`], ['状态', report.statusWord],
    ['开始日期', report.startedOn], ['结束日期', report.closedOn ?? '—'], ...(report.partNote ? [['盘点范围', report.partNote] as [string, string]] : []),
    ...(report.interimNote ? [['中间结果', report.interimNote] as [string, string]] : []),
  ]);
  const t = report.total;
  pen.paragraph(`应有 ${t.expected} 件,实有 ${t.found} 件,其中账实相符 ${t.matched} 件;位置不符 ${t.misplaced} 件,盘盈 ${t.surplus} 件,盘亏 ${t.missing} 件,状态不符 ${t.statusMismatch} 件。`);
  pen.gap(6);
  pen.table('一、汇总(按机构与装备)', '一、汇总(续)', SUMMARY_COLUMNS, [...report.lines.map(summaryRow), { cells: ['合计', '', ...tallyCells(t)], shaded: true }]);
  pen.gap(10);
  const differences = `二、差异明细(共 ${report.differences.length} 项)`;
  if (report.differences.length) pen.table(differences, '二、差异明细(续)', DIFFERENCE_COLUMNS, report.differences.map(differenceRow));
  else {
    pen.heading(differences, 11);
    pen.paragraph('本次盘点账实相符,无差异。');
  }
  pen.gap(18);
  pen.signatures([['盘点人', report.counter], ['监盘人', report.supervisor], ['负责人', report.responsible]], report.signedOn);
  pen.footers(`盘点报告:${report.title}(#${report.id})`);
  doc.end();
  return done;
}

/** Where the next thing goes on the page, and the drawing of each kind of thing there. */
class Pen {
  private y = 0;

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  newPage(): void {
    this.doc.addPage({ size: [PAGE.width, PAGE.height], margin: 0 });
    this.y = MARGIN.top;
  }

  gap(points: number): void {
    this.y += points;
  }

  /** Room for `height` more points on this page, else a new page. */
  private room(height: number): void {
    if (this.y + height > BOTTOM) this.newPage();
  }

  heading(text: string, size: number, align: 'left' | 'center' = 'left', keep = 0): void {
    const h = this.doc.fontSize(size).heightOfString(text, { width: BODY_WIDTH });
    this.room(h + 4 + keep);
    this.doc.fontSize(size).fillColor('#000000').text(text, MARGIN.left, this.y, { width: BODY_WIDTH, align });
    this.y += h + 4;
  }

  paragraph(text: string): void {
    const h = this.doc.fontSize(10).heightOfString(text, { width: BODY_WIDTH, lineGap: LINE_GAP });
    this.room(h);
    this.doc.fillColor('#000000').text(text, MARGIN.left, this.y, { width: BODY_WIDTH, lineGap: LINE_GAP });
    this.y += h + 2;
  }

  /** Label–value pairs across the line, wrapping onto the next line as they must. */
  fields(pairs: [string, string][]): void {
    this.doc.fontSize(10);
    let x = MARGIN.left;
    const lineHeight = this.doc.currentLineHeight(true) + 3;
    for (const [label, value] of pairs) {
      const text = `${label}:${value}`;
      const w = Math.min(this.doc.widthOfString(text), BODY_WIDTH);
      if (x > MARGIN.left && x + w > MARGIN.left + BODY_WIDTH) {
        x = MARGIN.left;
        this.y += lineHeight;
      }
      const h = this.doc.heightOfString(text, { width: BODY_WIDTH });
      this.doc.fillColor('#000000').text(text, x, this.y, { width: BODY_WIDTH - (x - MARGIN.left) });
      if (h > lineHeight) this.y += h - lineHeight;
      x += w + 24;
    }
    this.y += lineHeight;
  }

  /**
   * A table under its heading, which keeps its header row and first row beside it; it runs on over pages, each
   * starting with `continued` and the header row again. A row is never split: one taller than a page is cut to it.
   */
  table(heading: string, continued: string, columns: Column[], rows: Row[]): void {
    const total = columns.reduce((s, c) => s + c.share, 0);
    const widths = columns.map((c) => (c.share / total) * BODY_WIDTH);
    const header: Row = { cells: columns.map((c) => c.title), shaded: true };
    const headerHeight = this.rowHeight(widths, header);
    const drawHeader = () => this.drawRow(columns, widths, header, headerHeight, true);
    const tallest = BOTTOM - MARGIN.top - 30 - headerHeight;
    rows.forEach((row, i) => {
      let height = this.rowHeight(widths, row);
      const cut = height > tallest ? this.cut(widths, row, tallest) : row;
      if (cut !== row) height = this.rowHeight(widths, cut);
      if (i === 0) {
        this.heading(heading, 11, 'left', headerHeight + height);
        drawHeader();
      } else if (this.y + height > BOTTOM) {
        this.newPage();
        this.doc.fontSize(9).fillColor('#444444').text(continued, MARGIN.left, this.y, { width: BODY_WIDTH, lineBreak: false });
        this.y += 14;
        drawHeader();
      }
      this.drawRow(columns, widths, cut, height, false);
    });
  }

  private cellHeight(text: string, width: number): number {
    if (!text) return 0;
    return this.doc.fontSize(TABLE_SIZE).heightOfString(text, { width: width - 2 * CELL_PAD, lineGap: LINE_GAP });
  }

  private rowHeight(widths: number[], row: Row): number {
    const lineHeight = this.doc.fontSize(TABLE_SIZE).currentLineHeight(true) + LINE_GAP;
    return Math.max(lineHeight, ...row.cells.map((c, i) => this.cellHeight(c, widths[i]))) + 2 * CELL_PAD;
  }

  /** The row with each cell too tall for `height` shortened, ending in "…". */
  private cut(widths: number[], row: Row, height: number): Row {
    const room = height - 2 * CELL_PAD;
    return {
      ...row,
      cells: row.cells.map((text, i) => {
        if (this.cellHeight(text, widths[i]) <= room) return text;
        const chars = Array.from(text);
        let lo = 0;
        let hi = chars.length;
        while (lo < hi) {
          const mid = Math.ceil((lo + hi) / 2);
          if (this.cellHeight(chars.slice(0, mid).join('') + '…', widths[i]) <= room) lo = mid;
          else hi = mid - 1;
        }
        return chars.slice(0, lo).join('') + '…';
      }),
    };
  }

  private drawRow(columns: Column[], widths: number[], row: Row, height: number, header: boolean): void {
    const doc = this.doc;
    let x = MARGIN.left;
    if (row.shaded) doc.rect(MARGIN.left, this.y, BODY_WIDTH, height).fill(SHADE);
    doc.lineWidth(0.5).strokeColor(RULE);
    row.cells.forEach((text, i) => {
      doc.rect(x, this.y, widths[i], height).stroke();
      if (text) {
        doc.fontSize(TABLE_SIZE).fillColor('#000000').text(text, x + CELL_PAD, this.y + CELL_PAD, {
          width: widths[i] - 2 * CELL_PAD, lineGap: LINE_GAP, align: header ? 'center' : (columns[i].align ?? 'left'),
        });
      }
      x += widths[i];
    });
    this.y += height;
  }

  /** One line of text at the current size, cut to `width` and ending in "…" when longer. */
  private clip(text: string, width: number): string {
    if (this.doc.widthOfString(text) <= width) return text;
    const chars = Array.from(text);
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.doc.widthOfString(chars.slice(0, mid).join('') + '…') <= width) lo = mid;
      else hi = mid - 1;
    }
    return chars.slice(0, lo).join('') + '…';
  }

  /** The lines signed by hand: each person's name as the stocktake records it and room to sign, then the date and the seal. */
  signatures(people: [string, string | null][], date: string): void {
    const doc = this.doc;
    const block = 120;
    this.room(block);
    const third = BODY_WIDTH / 3;
    doc.fontSize(10.5).fillColor('#000000').lineWidth(0.6).strokeColor('#000000');
    people.forEach(([role, name], i) => {
      const x = MARGIN.left + i * third;
      doc.text(this.clip(`${role}:${name ?? ''}`, third - 16), x, this.y, { lineBreak: false });
      const label = '签字:';
      doc.text(label, x, this.y + 30, { lineBreak: false });
      const from = x + doc.widthOfString(label) + 2;
      doc.moveTo(from, this.y + 43).lineTo(x + third - 24, this.y + 43).stroke();
    });
    const y = this.y + 66;
    doc.text(`日期:${date}`, MARGIN.left, y, { lineBreak: false });
    const seal = '单位(盖章):';
    doc.text(seal, MARGIN.left + 2 * third, y, { lineBreak: false });
    this.y += block;
  }

  /** 第 N 页 共 M 页 at the foot of every page, with what the report is, once every page is laid out. */
  footers(what: string): void {
    const doc = this.doc;
    const { start, count } = doc.bufferedPageRange();
    for (let i = start; i < start + count; i++) {
      doc.switchToPage(i);
      const y = PAGE.height - 30;
      doc.lineWidth(0.5).strokeColor(RULE).moveTo(MARGIN.left, y - 6).lineTo(PAGE.width - MARGIN.right, y - 6).stroke();
      doc.fontSize(8.5).fillColor('#444444');
      doc.text(this.clip(what, BODY_WIDTH * 0.7), MARGIN.left, y, { lineBreak: false });
      // The font's narrow space between a lone digit and a character reads as none to a text extractor (pdftotext, a
      // search): widened a little, 第 1 页 共 3 页 copies as it reads.
      const page = `第 ${i - start + 1} 页 共 ${count} 页`;
      const spacing = 1.5;
      const width = doc.widthOfString(page) + spacing * (page.split(' ').length - 1);
      doc.text(page, PAGE.width - MARGIN.right - width, y, { lineBreak: false, wordSpacing: spacing });
    }
  }
}
