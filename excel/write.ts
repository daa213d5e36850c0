import * as XLSX from 'xlsx';
import { isIsoDate, isoToExcelSerial } from '../lib/dates';
import { fenToYuan } from '../lib/money';
import { LEVEL_LABELS, STATUS_LABELS, AGENCY_HEADERS, ASSET_HEADERS, AGENCY_SHEET, ASSET_SHEET, type AssetInput } from './template';
import type { AgencyRecord } from '../quotas/types';

/** A cell value; an `{ date }` is written as a real Excel date. */
export type OutValue = string | number | boolean | null | undefined | { date: string };

export interface OutSheet {
  name: string;
  rows: OutValue[][];
  widths?: number[];
}

const FORMULA_START = /^[=+\-@]/;

function cell(v: OutValue): XLSX.CellObject | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'object') return isIsoDate(v.date) ? { t: 'n', v: isoToExcelSerial(v.date), z: 'yyyy-mm-dd' } : { t: 's', v: v.date };
  if (typeof v === 'number') return { t: 'n', v };
  if (typeof v === 'boolean') return { t: 'b', v };
  // Text is always written as text; one starting with = + - @ never becomes a formula.
  return FORMULA_START.test(v) ? { t: 's', v, z: '@' } : { t: 's', v };
}

export function sheetOf(rows: OutValue[][], widths?: number[]): XLSX.WorkSheet {
  const ws: XLSX.WorkSheet = {};
  let maxC = 0;
  rows.forEach((row, r) => {
    row.forEach((v, c) => {
      const out = cell(v);
      if (out) ws[XLSX.utils.encode_cell({ r, c })] = out;
    });
    maxC = Math.max(maxC, row.length);
  });
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, rows.length - 1), c: Math.max(0, maxC - 1) } });
  if (widths) ws['!cols'] = widths.map((wch) => ({ wch }));
  return ws;
}

export function workbookBuffer(sheets: OutSheet[]): Buffer {
  const wb = XLSX.utils.book_new();
  for (const s of sheets) XLSX.utils.book_append_sheet(wb, sheetOf(s.rows, s.widths), s.name);
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
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
