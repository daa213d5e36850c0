import type { chartOps } from '../../api/charts';
import type { ExportFormat, FileOut } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { chartWorkbook } from '../../excel/exports/chart';
import type { Db } from '../../db/types';
import { calibratedInstruments } from '../../db/queries/assets';
import type { ChartName, ChartTable } from '../../lib/domain/charts';
import { chartTables } from '../../quotas/charts';
import { scopedAgency } from '../scope';
import { budgetBasis } from './budget';
import type { HandlersFor } from './handler';

/** The figures behind the overview's and the compliance screen's charts, for an agency's subtree or the whole ledger. */
export function chartData(db: Db, input: { agency?: string; ruleSet?: string }, today: IsoDate): Record<ChartName, ChartTable> {
  return chartTables({ ...budgetBasis(db, input, today), instruments: calibratedInstruments(db) }, today);
}

export function exportChart(db: Db, input: { agency?: string; ruleSet?: string; chart: ChartName }, today: IsoDate, format?: ExportFormat): FileOut {
  return chartWorkbook(chartData(db, input, today)[input.chart], today, format);
}

/** Charts of the caller's agency, or of the ledger. */
export const chartHandlers: HandlersFor<typeof chartOps> = {
  'charts/data': (ctx, input) => chartData(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today()),
  'charts/export': (ctx, input) => exportChart(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today(), input.format),
};
