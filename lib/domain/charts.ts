export const CHARTS = ['coverage', 'staffPerVehicle', 'vehicleAge', 'odometer', 'calibration', 'budgetByYear'] as const;
export type ChartName = (typeof CHARTS)[number];

/** A figure as a table: what the chart draws and what its .xlsx holds. */
export interface ChartTable {
  title: string;
  /** A line of key figures under the title, e.g. 车龄满 8 年 81.7%. */
  subtitle: string;
  columns: { key: string; label: string; kind: 'text' | 'count' | 'yuan' | 'decimal' | 'percent' }[];
  rows: Record<string, string | number | null>[];
  /** A reference line (8 years, 200,000 km, 5 staff per vehicle), on the category axis or the value axis. */
  mark?: { label: string; at: number | string; axis: 'category' | 'value' };
}
