import type { CsvShape, ExportFormat, FileOut } from '../lib/domain/files';
import { csvBuffer } from './csv';
import { workbookBuffer, type OutSheet } from './write';
import { writeZip } from './zip';

/**
 * An export as the user asked for it: `name` (without extension) as an .xlsx of `sheets`; or as CSV, one
 * .csv for a single sheet, else what `csv` says: a .zip with a .csv per sheet, or the named sheet alone.
 */
export function exportFile(name: string, sheets: OutSheet[], format: ExportFormat = 'xlsx', csv?: CsvShape): FileOut {
  const out = (ext: string, data: Buffer): FileOut => ({ fileName: `${name}.${ext}`, base64: data.toString('base64') });
  if (format === 'xlsx') return out('xlsx', workbookBuffer(sheets));
  if (sheets.length === 1) return out('csv', csvBuffer(sheets[0]));
  if (!csv) throw new Error(`导出「${name}」有 ${sheets.length} 个工作表,未说明 CSV 导出哪些`);
  if (csv === 'zip') return out('zip', writeZip(sheets.map((s) => ({ name: `${s.name}.csv`, data: csvBuffer(s) }))));
  const main = sheets.find((s) => s.name === csv.sheet);
  if (!main) throw new Error(`导出「${name}」没有工作表「${csv.sheet}」`);
  return out('csv', csvBuffer(main));
}
