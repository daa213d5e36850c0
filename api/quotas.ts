import { z } from 'zod';
import type { QuotaRow } from '../quotas/engine';
import type { EditionComparison } from '../quotas/compare';
import { code, isoDate } from '../lib/domain/values';
import { op } from './op';

export type { QuotaRow } from '../quotas/engine';
export type { EditionChange, EditionStanding } from '../quotas/compare';

export const SHORTFALL_INPUT = z.object({
  ruleSet: z.string().max(50).optional(),
  agency: code.optional(),
  rollup: z.boolean().optional(),
  date: isoDate.optional(),
});

const EDITION = z.string().min(1, '请选择配备标准').max(50);

/** Two editions of the standard to measure the same holdings against: the base (e.g. national-2020) and the other. */
export const COMPARE_INPUT = z.object({ base: EDITION, other: EDITION, agency: code.optional(), date: isoDate.optional() }).strict();
export type CompareInput = z.output<typeof COMPARE_INPUT>;

export interface EditionComparisonResult extends EditionComparison {
  base: { id: string; name: string };
  other: { id: string; name: string };
  date: string;
  /** Items whose shortfall changes and that have no unit price yet: their change of cost counts nothing. */
  unpriced: { item: string; name: string }[];
}

/** What each agency must hold against the standard, and its shortfall. */
export const quotaOps = {
  'quotas/shortfall': op(SHORTFALL_INPUT, 'read').returns<{ ruleSet: string; date: string; rows: QuotaRow[] }>(),
  'quotas/compare': op(COMPARE_INPUT, 'read').returns<EditionComparisonResult>(),
} as const;
