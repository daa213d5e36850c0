import { z } from 'zod';
import { DISPATCH_SETTINGS, RETURN_INPUT, type PlanDetail, type PlanSummary } from '../lib/domain/dispatch';
import { dateOf } from '../lib/domain/values';
import { exportOp, none, op } from './op';

/** Dispatch plans: drafted by the solver, approved, dispatched, returned, cancelled. */
export const planOps = {
  'plans/list': op(none, 'read').returns<PlanSummary[]>(),
  'plans/get': op(z.object({ id: z.number().int().positive() }), 'read').returns<PlanDetail>(),
  'plans/create': op(z.object({ taskIds: z.array(z.number().int().positive()).min(1, '请选择任务').max(100), reserveRatio: DISPATCH_SETTINGS.shape.reserveRatio.optional() }), 'dispatch', true).returns<PlanDetail>(),
  'plans/approve': op(z.object({ id: z.number().int().positive(), approvalRef: z.string().trim().max(100).nullable() }), 'approve', true).returns<PlanDetail>(),
  'plans/dispatch': op(z.object({ id: z.number().int().positive(), date: dateOf('出发日期') }), 'dispatch', true).returns<PlanDetail>(),
  'plans/return': op(RETURN_INPUT, 'dispatch', true).returns<PlanDetail>(),
  'plans/cancel': op(z.object({ id: z.number().int().positive() }), 'dispatch', true).returns<PlanDetail>(),
  'plans/export': exportOp(z.object({ id: z.number().int().positive() }), 'read'),
} as const;
