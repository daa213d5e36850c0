import { z } from 'zod';
import type { BookValueRow } from '../quotas/book-value';
import { code, isoDate } from '../lib/domain/values';
import { none, op } from './op';

export type { BookValueRow } from '../quotas/book-value';

export interface BookValueResult {
  date: string;
  rows: BookValueRow[];
  totalBookValueFen: number;
  /** Units held whose price or purchase date the ledger lacks: not on these books until entered. */
  missing: number;
}

/** A class of the 应用指南's table: the years the ledger depreciates it over, the table's minimum, and the items in it. */
export interface DepreciationLife {
  id: string;
  name: string;
  minYears: number;
  years: number;
  items: string[];
}

/** Book value under 政府会计准则第3号: straight line by the month, no residual value. */
export const bookValueOps = {
  'bookValue/list': op(z.object({ agency: code.optional(), date: isoDate.optional() }).strict(), 'read').returns<BookValueResult>(),
  'bookValue/lives': op(none, 'read').returns<DepreciationLife[]>(),
  'bookValue/saveLives': op(z.object({
    years: z.record(z.string().max(30), z.number().int('折旧年限应为整数').min(1, '折旧年限至少 1 年').max(100, '折旧年限最多 100 年')),
  }).strict(), 'budget', true).returns<DepreciationLife[]>(),
} as const;
