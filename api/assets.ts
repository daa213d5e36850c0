import { z } from 'zod';
import { ASSET_COLUMN, ASSET_FIELDS, ASSET_QUERY, BULK_CHANGE, type AssetHistory, type AssetRow } from '../lib/domain/assets';
import { op } from './op';

export * from '../lib/domain/assets';

export const ASSET_PAGE_SORT = z.array(z.object({ colId: ASSET_COLUMN, sort: z.enum(['asc', 'desc']) })).max(5);

export const ASSET_PAGE = z
  .object({
    query: ASSET_QUERY,
    startRow: z.number().int().min(0),
    endRow: z.number().int().min(1),
    sort: ASSET_PAGE_SORT.optional(),
    withTotal: z.boolean().optional(),
  })
  .refine((v) => v.endRow > v.startRow && v.endRow - v.startRow <= 1000, '每页最多 1000 行');

/** The ledger's assets: pages, one asset's history, edits one by one and in bulk. */
export const assetOps = {
  'assets/list': op(ASSET_PAGE, 'read').returns<{ rows: AssetRow[]; total: number | null }>(),
  /** How many assets a query matches: the grid asks apart from its first block, so that the rows come without waiting for the count. */
  'assets/count': op(z.object({ query: ASSET_QUERY }), 'read').returns<{ total: number }>(),
  'assets/get': op(z.object({ id: z.number().int().positive() }), 'read').returns<AssetHistory>(),
  'assets/create': op(ASSET_FIELDS, 'edit', true).returns<AssetRow>(),
  'assets/update': op(z.object({ id: z.number().int().positive(), fields: ASSET_FIELDS }), 'edit', true).returns<AssetRow>(),
  'assets/bulkUpdate': op(z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000), change: BULK_CHANGE }), 'edit', true).returns<{ updated: number; batch: string }>(),
} as const;
