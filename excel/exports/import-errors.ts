import type { FileOut } from '../../lib/domain/files';
import { cellText, parseDate } from '../cells';
import type { LedgerField } from '../fields';
import { exportFile } from '../export';
import type { RejectedRow } from '../template';
import type { Sheet, Workbook } from '../workbook';
import type { OutValue } from '../write';

/** What an import read of a sheet and left out: the rows, where each field was, the header texts and the password columns. */
export interface RejectedRows {
  sheet: Sheet;
  fields: Partial<Record<LedgerField, number>>;
  labels: ReadonlyMap<number, string>;
  rejected: readonly RejectedRow[];
  secret: ReadonlySet<number>;
}

/**
 * The rejected rows as the file had them, with a last column saying why, so they can be fixed and imported
 * again: a CSV for a file that came as CSV (its system reads CSV back), else an .xlsx.
 */
export function rejectedRowsWorkbook(r: RejectedRows, workbook: Pick<Workbook, 'date1904' | 'format'>, name: string): FileOut {
  const { date1904 } = workbook;
  const width = Math.max(0, ...r.labels.keys()) + 1;
  const dateCols = new Set([r.fields['购置日期'], r.fields['检定有效期至']].filter((c) => c !== undefined));
  const header: OutValue[] = [...Array.from({ length: width }, (_, c) => r.labels.get(c) ?? ''), '原行号', '未导入原因'];
  const rows: OutValue[][] = [header];
  for (const x of r.rejected) {
    const cells = r.sheet.rows[x.row] ?? [];
    const line: OutValue[] = Array.from({ length: width }, (_, c) => {
      const cell = cells[c];
      if (!cell || cellText(cell) === null || r.secret.has(c)) return null;
      if (dateCols.has(c)) {
        const d = parseDate(cell, date1904);
        if (d.ok && d.value) return { date: d.value };
      }
      return typeof cell.v === 'number' ? cell.v : cellText(cell);
    });
    line.push(x.row + 1, x.reasons.map((p) => (p.column ? `${p.column} 列(${p.field}):${p.message}` : p.message)).join(';'));
    rows.push(line);
  }
  return exportFile(name, [{ name: '未导入的行', rows, widths: [...Array.from({ length: width }, () => 14), 8, 60] }], workbook.format === 'csv' ? 'csv' : 'xlsx');
}
