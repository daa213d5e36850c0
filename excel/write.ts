import * as XLSX from 'xlsx';
import { isIsoDate, isoToExcelSerial } from '../lib/dates';
import { fenToYuan } from '../lib/money';
import { LEVEL_LABELS, STATUS_LABELS, AGENCY_HEADERS, ASSET_HEADERS, AGENCY_SHEET, ASSET_SHEET } from './template';
import type { AssetInput } from '../lib/domain/assets';
import type { AgencyRecord } from '../quotas/types';
import { readEntry, writeZip, zipEntries } from './zip';

/** A cell value; an `{ date }` is written as a real Excel date. */
export type OutValue = string | number | boolean | null | undefined | { date: string };

export interface OutSheet {
  name: string;
  rows: OutValue[][];
  widths?: number[];
  /** Excel number formats by column, for the numbers in it ('#,##0.00' for yuan). */
  formats?: (string | undefined)[];
  /** Header rows kept in view while scrolling; 1 unless said. */
  frozen?: number;
  /** Drop-down lists: a column below the header takes its values from `source` (a range such as `'装备目录'!$A$2:$A$57`, or `"A,B"`). */
  lists?: { col: number; source: string }[];
  merges?: XLSX.Range[];
}

/** Number formats the exports share. */
export const FORMAT = { yuan: '#,##0.00', count: '#,##0', decimal: '0.0' } as const;

const FORMULA_START = /^[=+\-@]/;

function cell(v: OutValue, format: string | undefined): XLSX.CellObject | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'object') return isIsoDate(v.date) ? { t: 'n', v: isoToExcelSerial(v.date), z: 'yyyy-mm-dd' } : { t: 's', v: v.date };
  if (typeof v === 'number') return format ? { t: 'n', v, z: format } : { t: 'n', v };
  if (typeof v === 'boolean') return { t: 'b', v };
  // Text is always written as text; one starting with = + - @ never becomes a formula.
  return FORMULA_START.test(v) ? { t: 's', v, z: '@' } : { t: 's', v };
}

function sheetOf({ rows, widths, formats = [], frozen = 1, merges }: OutSheet): XLSX.WorkSheet {
  const ws: XLSX.WorkSheet = {};
  let maxC = 0;
  rows.forEach((row, r) => {
    row.forEach((v, c) => {
      const out = cell(v, r < frozen ? undefined : formats[c]);
      if (out) ws[XLSX.utils.encode_cell({ r, c })] = out;
    });
    maxC = Math.max(maxC, row.length);
  });
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, rows.length - 1), c: Math.max(0, maxC - 1) } });
  if (widths) ws['!cols'] = widths.map((wch) => ({ wch }));
  if (merges) ws['!merges'] = merges;
  return ws;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Adds what SheetJS does not write: the frozen header pane and the drop-down lists. */
function finishSheetXml(xml: string, s: OutSheet): string {
  const frozen = s.frozen ?? 1;
  let out = xml;
  if (frozen > 0 && s.rows.length > 0) {
    const top = `A${frozen + 1}`;
    out = out.replace(/<sheetView ([^>]*?)\/>/, `<sheetView $1><pane ySplit="${frozen}" topLeftCell="${top}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="${top}" sqref="${top}"/></sheetView>`);
  }
  if (s.lists?.length) {
    const last = Math.max(s.rows.length, 2000);
    const items = s.lists.map(({ col, source }) => {
      const c = XLSX.utils.encode_col(col);
      return `<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorTitle="取值无效" error="请从下拉列表中选择" sqref="${c}${frozen + 1}:${c}${last}"><formula1>${escapeXml(source)}</formula1></dataValidation>`;
    });
    const block = `<dataValidations count="${items.length}">${items.join('')}</dataValidations>`;
    const at = out.search(/<(hyperlinks|printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|ignoredErrors|drawing|legacyDrawing|tableParts|extLst)[\s>/]|<\/worksheet>/);
    out = out.slice(0, at) + block + out.slice(at);
  }
  return out;
}

const SHEET_XML = /^xl\/worksheets\/sheet(\d+)\.xml$/;

export function workbookBuffer(sheets: OutSheet[]): Buffer {
  const wb = XLSX.utils.book_new();
  for (const s of sheets) XLSX.utils.book_append_sheet(wb, sheetOf(s), s.name);
  // SheetJS stores the parts uncompressed; they are patched, then deflated by zlib (faster than SheetJS's own deflate).
  const stored = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: false }) as Buffer;
  const files = zipEntries(stored).map((e) => {
    const data = readEntry(stored, e, Number.MAX_SAFE_INTEGER);
    const n = SHEET_XML.exec(e.name);
    const sheet = n ? sheets[Number(n[1]) - 1] : undefined;
    return { name: e.name, data: sheet ? Buffer.from(finishSheetXml(data.toString('utf8'), sheet), 'utf8') : data };
  });
  return writeZip(files);
}

const d = (s: string | null) => (s ? { date: s } : null);

/** The canonical template's two sheets filled with the given agencies and assets. */
export function templateSheets(agencies: readonly AgencyRecord[], assets: Iterable<Omit<AssetInput, 'row'>>): OutSheet[] {
  const assetRows: OutValue[][] = [[...ASSET_HEADERS]];
  for (const a of assets) {
    assetRows.push([
      a.assetTag, a.itemCode, a.model, a.agencyCode, d(a.purchaseDate), a.priceFen === null ? null : fenToYuan(a.priceFen), STATUS_LABELS[a.status],
      a.custodian, a.plateNumber, a.odometerKm, d(a.calibrationValidUntil), a.notes,
    ]);
  }
  return [
    {
      name: AGENCY_SHEET,
      rows: [
        [...AGENCY_HEADERS],
        ...agencies.map((a) => [a.code, a.name, LEVEL_LABELS[a.level], a.parentCode, a.staff, a.authorizedPosts, a.offices, a.longitude, a.latitude]),
      ],
      widths: [10, 36, 6, 12, 10, 8, 8, 10, 10],
    },
    { name: ASSET_SHEET, rows: assetRows, widths: [20, 8, 24, 12, 12, 12, 6, 8, 10, 12, 12, 20] },
  ];
}
