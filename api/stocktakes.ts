import { z } from 'zod';
import { DIFFERENCE_SETTLE, SCAN_LINK, STOCKTAKE_SCAN, STOCKTAKE_START, STOCKTAKE_STATUSES, type ScanRow, type StocktakeClosing, type StocktakeDetail, type StocktakeRow } from '../lib/domain/stocktakes';
import { REPORT_FORMATS } from '../lib/domain/files';
import { exportOp, op } from './op';

export * from '../lib/domain/stocktakes';

const id = z.object({ id: z.number().int().positive() });

/** 盘点: started by an equipment manager over an agency's subtree, scanned by several at once, closed, settled, approved by a bureau head. */
export const stocktakeOps = {
  'stocktakes/list': op(z.object({ status: z.enum(STOCKTAKE_STATUSES).optional() }), 'read').returns<StocktakeRow[]>(),
  'stocktakes/get': op(id, 'read').returns<StocktakeDetail>(),
  'stocktakes/start': op(STOCKTAKE_START, 'edit', true).returns<StocktakeRow>(),
  'stocktakes/scan': op(STOCKTAKE_SCAN, 'edit', true).returns<ScanRow[]>(),
  'stocktakes/linkScan': op(SCAN_LINK, 'edit', true).returns<ScanRow>(),
  'stocktakes/close': op(id, 'edit', true).returns<StocktakeClosing>(),
  'stocktakes/settle': op(DIFFERENCE_SETTLE, 'edit', true).returns<StocktakeDetail>(),
  'stocktakes/propose': op(id, 'edit', true).returns<StocktakeRow>(),
  'stocktakes/approve': op(id, 'approve', true).returns<StocktakeRow>(),
  'stocktakes/reject': op(id.extend({ note: z.string().trim().min(1, '请填写退回理由').max(1000) }), 'approve', true).returns<StocktakeRow>(),
  'stocktakes/cancel': op(id, 'edit', true).returns<StocktakeRow>(),
  'stocktakes/report': exportOp(id, 'read', REPORT_FORMATS),
} as const;
