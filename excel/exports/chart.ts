import type { FileOut, ExportFormat } from '../../lib/domain/files';
import type { IsoDate } from '../../lib/dates';
import type { ChartTable } from '../../lib/domain/charts';
import { exportFile } from '../export';
import { FORMAT, type OutValue } from '../write';

const KIND_FORMAT = { text: undefined, count: FORMAT.count, yuan: FORMAT.yuan, decimal: FORMAT.decimal, percent: FORMAT.decimal } as const;

/** One chart's figures as a workbook: title and key figures above, the table below. */
export function chartWorkbook(t: ChartTable, today: IsoDate, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [[t.title], [t.subtitle], t.columns.map((c) => c.label), ...t.rows.map((r) => t.columns.map((c) => r[c.key]))];
  const last = t.columns.length - 1;
  return exportFile(`${t.title}-${today}`, [{
    name: t.title.slice(0, 31), rows, frozen: 3, formats: t.columns.map((c) => KIND_FORMAT[c.kind]),
    widths: t.columns.map((c) => (c.key === 'name' ? 34 : 14)),
    merges: [{ s: { r: 0, c: 0 }, e: { r: 0, c: last } }, { s: { r: 1, c: 0 }, e: { r: 1, c: last } }],
  }], format);
}
