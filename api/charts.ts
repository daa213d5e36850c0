import { z } from 'zod';
import { CHARTS, type ChartName, type ChartTable } from '../lib/domain/charts';
import { code } from '../lib/domain/values';
import { exportOp, op, ruleSetId } from './op';

export * from '../lib/domain/charts';

export const CHART_INPUT = z.object({ agency: code.optional(), ruleSet: ruleSetId });

/** The overview's and compliance screen's charts, as figures and as files. */
export const chartOps = {
  'charts/data': op(CHART_INPUT, 'read').returns<Record<ChartName, ChartTable>>(),
  'charts/export': exportOp(CHART_INPUT.extend({ chart: z.enum(CHARTS) }), 'read'),
} as const;
