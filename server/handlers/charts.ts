import type { chartOps } from '../../api/charts';
import type { ExportFormat, FileOut } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { chartWorkbook } from '../../excel/exports/chart';
import type { Tx } from '../../db/store';
import { calibratedInstruments } from '../../db/queries/assets';
import type { ChartName, ChartTable } from '../../lib/domain/charts';
import { chartTables } from '../../quotas/charts';
import { scopedAgency } from '../scope';
import { budgetBasis } from './budget';
import type { HandlersFor } from './handler';

/** The figures behind the overview's and the compliance screen's charts, for an agency's subtree or the whole ledger; read on one snapshot. */
export async function chartData(tx: Tx, input: { agency?: string; ruleSet?: string }, today: IsoDate): Promise<Record<ChartName, ChartTable>> {
  return chartTables({ ...(await budgetBasis(tx, input, today)), instruments: await calibratedInstruments(tx) }, today);
}

export async function exportChart(tx: Tx, input: { agency?: string; ruleSet?: string; chart: ChartName }, today: IsoDate, format?: ExportFormat): Promise<FileOut> {
  return chartWorkbook((await chartData(tx, input, today))[input.chart], today, format);
}

/** Charts of the caller's agency, or of the ledger. */
export const chartHandlers: HandlersFor<typeof chartOps> = {
  'charts/data': (ctx, input) => ctx.store.read((tx) => chartData(tx, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today())),
  'charts/export': (ctx, input) => ctx.store.read((tx) => exportChart(tx, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today(), input.format)),
};
