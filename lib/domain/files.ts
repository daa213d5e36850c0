/** A file a transport hands to the user to save (an .xlsx, .csv, .zip or .pdf export, a backup). */
export interface FileOut {
  fileName: string;
  base64: string;
}

/** How an export is written: an .xlsx workbook (the default), or CSV with a BOM for WPS and older Excel. */
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** A report that is also printed, signed and stamped (the 盘点报告): the exports' formats and an A4 PDF. */
export const REPORT_FORMATS = [...EXPORT_FORMATS, 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** What the CSV of a workbook of several sheets holds: each sheet as a .csv in one .zip, or only the named main sheet. */
export type CsvShape = 'zip' | { sheet: string };

const MEDIA_TYPES: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  zip: 'application/zip',
  pdf: 'application/pdf',
  png: 'image/png',
  json: 'application/json',
};

/** The media type of a file the app writes, by its name's extension (what a browser's download is labelled). */
export function mediaTypeOf(fileName: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1].toLowerCase();
  return (ext && MEDIA_TYPES[ext]) || 'application/octet-stream';
}
