import { z } from 'zod';
import type { Checklist, RaisePurchase, ScoreCard } from '../quotas/score';
import { code, fenOf } from '../lib/domain/values';
import { exportOp, op, ruleSetId, year } from './op';

export type { Checklist, ScoreSource } from '../quotas/score';

export const SCORE_INPUT = z.object({ agency: code, year: year.optional(), ruleSet: ruleSetId });

export const CHECKLIST = z.object({
  plan: z.boolean().optional(),
  finance: z.boolean().optional(),
  budget: z.boolean().optional(),
  localDevices: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  database: z.boolean().optional(),
  dispatchSystem: z.boolean().optional(),
  trainingOwn: z.boolean().optional(),
  trainingHigher: z.boolean().optional(),
  usageLedger: z.boolean().optional(),
  custodian: z.boolean().optional(),
  disposalRules: z.boolean().optional(),
}).strict();

export interface ScoreResult extends ScoreCard {
  agency: string;
  agencyName: string;
  year: number;
  ruleSet: string;
  checklist: Checklist;
  checklistBy: { actor: string; at: string } | null;
}

export interface RaiseResult {
  status: string;
  budgetFen: number;
  before: number;
  after: number;
  costFen: number;
  purchases: (RaisePurchase & { itemName: string; unit: string; unitPriceFen: number })[];
}

/** The Zhejiang score card, its checklist, and what a budget would raise it by. */
export const scoreOps = {
  'score/card': op(SCORE_INPUT, 'read').returns<ScoreResult>(),
  'score/saveChecklist': op(SCORE_INPUT.extend({ year, answers: CHECKLIST }), 'budget', true).returns<ScoreResult>(),
  'score/raise': op(SCORE_INPUT.extend({ budgetFen: fenOf('预算', 1e13) }), 'read').returns<RaiseResult>(),
  'score/export': exportOp(SCORE_INPUT, 'read'),
} as const;
