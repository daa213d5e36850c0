import { z } from 'zod';
import type { QuotaRow } from '../quotas/engine';
import { code, isoDate } from '../lib/domain/values';
import { op } from './op';

export type { QuotaRow } from '../quotas/engine';

export const SHORTFALL_INPUT = z.object({
  ruleSet: z.string().max(50).optional(),
  agency: code.optional(),
  rollup: z.boolean().optional(),
  date: isoDate.optional(),
});

/** What each agency must hold against the standard, and its shortfall. */
export const quotaOps = {
  'quotas/shortfall': op(SHORTFALL_INPUT, 'read').returns<{ ruleSet: string; date: string; rows: QuotaRow[] }>(),
} as const;
