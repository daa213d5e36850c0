import { z } from 'zod';
import { ASSET_QUERY } from '../lib/domain/assets';
import { dateOf } from '../lib/domain/values';
import { ASSET_PAGE_SORT } from './assets';
import { exportOp, none } from './op';
import { COMPARE_INPUT, SHORTFALL_INPUT } from './quotas';

const DATE_RANGE = z.object({ from: dateOf('起始日期'), to: dateOf('截止日期') }).refine((v) => v.from <= v.to, '起始日期不能晚于截止日期');

/** The ledger's lists as files: the ledger, compliance, the maintenance and calibration logs, the blank import template. */
export const exportOps = {
  'assets/export': exportOp(z.object({ query: ASSET_QUERY, sort: ASSET_PAGE_SORT.optional() }), 'read'),
  'quotas/export': exportOp(SHORTFALL_INPUT.omit({ rollup: true }), 'read'),
  'quotas/exportCompare': exportOp(COMPARE_INPUT, 'read'),
  'maintenance/export': exportOp(DATE_RANGE, 'read'),
  'calibrations/export': exportOp(DATE_RANGE, 'read'),
  'imports/blankTemplate': exportOp(none, 'read'),
} as const;
