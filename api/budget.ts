import { z } from 'zod';
import type { BudgetResult } from '../quotas/budget';
import type { PurchasePlanResult } from '../quotas/plan';
import type { ItemTerms } from '../quotas/replacement';
import { code, fenOf, itemCode } from '../lib/domain/values';
import { exportOp, none, op, ruleSetId, UPLOAD, year } from './op';

export type { BudgetResult, BudgetRow } from '../quotas/budget';
export type { PurchasePlanResult } from '../quotas/plan';

/** A row of the price list: the catalog item and its terms. */
export interface TermsRow extends ItemTerms {
  name: string;
  unit: string;
  category: string;
  kind: 'basic' | 'optional';
}

export const ITEM_TERMS = z.object({
  item: itemCode,
  unitPriceFen: fenOf('单价', 1e12),
  priceNote: z.string().trim().max(200).nullable(),
  serviceYears: z.number().int('使用年限应为整数').min(1, '使用年限应为 1–50 年').max(50, '使用年限应为 1–50 年').nullable(),
  serviceKm: z.number().int('更新里程应为整数').min(1000, '更新里程应不少于 1000 公里').max(5_000_000).nullable(),
  lifeNote: z.string().trim().max(200).nullable(),
});

export const BUDGET_INPUT = z.object({ year, agency: code.optional(), rollup: z.boolean().optional(), ruleSet: ruleSetId });
export type BudgetInput = z.infer<typeof BUDGET_INPUT>;

export const PLAN_INPUT = z.object({
  fromYear: year,
  /** One cap per plan year, from `fromYear` on. */
  capsFen: z.array(fenOf('预算上限', 1e13)).min(1, '请至少填写一个年度的预算上限').max(10, '最多规划 10 年'),
  weights: z.object({
    vehicles: z.number().min(0, '车辆权重不能为负数').max(1000, '权重最大为 1000'),
    perPerson: z.number().min(0, '人均装备权重不能为负数').max(1000, '权重最大为 1000'),
    other: z.number().min(0, '其他装备权重不能为负数').max(1000, '权重最大为 1000'),
  }),
  agency: code.optional(),
  ruleSet: ruleSetId,
});
export type PlanInput = z.infer<typeof PLAN_INPUT>;

/** Unit prices and replacement rules, the budget request and the purchase plan. */
export const budgetOps = {
  'budget/terms': op(none, 'read').returns<TermsRow[]>(),
  'budget/saveTerms': op(z.object({ terms: z.array(ITEM_TERMS).min(1).max(200) }), 'budget', true).returns<{ changed: number }>(),
  'budget/exportTerms': exportOp(none, 'read'),
  'budget/importTerms': op(UPLOAD, 'budget', true).returns<{ changed: number }>(),
  'budget/request': op(BUDGET_INPUT, 'read').returns<BudgetResult>(),
  'budget/export': exportOp(BUDGET_INPUT, 'read'),
  'budget/plan': op(PLAN_INPUT, 'read').returns<PurchasePlanResult>(),
  'budget/exportPlan': exportOp(PLAN_INPUT, 'read'),
} as const;
