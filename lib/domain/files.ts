/** A file a transport hands to the user to save (an .xlsx, .csv or .zip export, a backup). */
export interface FileOut {
  fileName: string;
  base64: string;
}

/** How an export is written: an .xlsx workbook (the default), or CSV with a BOM for WPS and older Excel. */
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** What the CSV of a workbook of several sheets holds: each sheet as a .csv in one .zip, or only the named main sheet. */
export type CsvShape = 'zip' | { sheet: string };
