import type { planOps } from '../../api/plans';
import type { HandlersFor } from './handler';
import { CSV_SHAPES } from '../../api/contract';
import { dispatchPlanWorkbook } from '../../excel/exports/dispatch-plan';
import { approvePlan, cancelPlan, dispatchPlan, listPlans, planDetail, returnUnits } from '../../db/queries/plans';
import { requireAgency, requirePlan, scopeCodes } from '../scope';
import { createPlan } from './dispatch';

/**
 * Plans for tasks led from within the caller's scope. Each step of a plan (approve, dispatch, return, cancel)
 * checks the caller's scope and the plan's state and makes the change in one write, and answers with the plan as
 * that write left it.
 */
export const planHandlers: HandlersFor<typeof planOps> = {
  'plans/list': (ctx) => ctx.store.read((tx) => listPlans(tx, scopeCodes(ctx))),
  'plans/get': (ctx, { id }) => ctx.store.read(async (tx) => {
    await requirePlan(ctx, tx, id);
    return planDetail(tx, id);
  }),
  'plans/create': (ctx, { taskIds, reserveRatio }) =>
    createPlan(ctx.store, ctx.who(), taskIds, scopeCodes(ctx), ctx.today(), reserveRatio, (t) => requireAgency(ctx, t.leadAgency, 'leadAgency')),
  'plans/approve': (ctx, { id, approvalRef }) => ctx.store.write(async (tx) => {
    await requirePlan(ctx, tx, id, 'change');
    await approvePlan(tx, ctx.who(), id, approvalRef);
    return planDetail(tx, id);
  }),
  'plans/dispatch': (ctx, { id, date }) => ctx.store.write(async (tx) => {
    await requirePlan(ctx, tx, id, 'change');
    await dispatchPlan(tx, ctx.who(), id, date);
    return planDetail(tx, id);
  }),
  'plans/return': (ctx, input) => ctx.store.write(async (tx) => {
    await requirePlan(ctx, tx, input.id, 'change');
    await returnUnits(tx, ctx.who(), input);
    return planDetail(tx, input.id);
  }),
  'plans/cancel': (ctx, { id }) => ctx.store.write(async (tx) => {
    await requirePlan(ctx, tx, id, 'change');
    await cancelPlan(tx, ctx.who(), id);
    return planDetail(tx, id);
  }),
  'plans/export': async (ctx, { id, format }) => {
    const plan = await ctx.store.read(async (tx) => {
      await requirePlan(ctx, tx, id);
      return planDetail(tx, id);
    });
    return dispatchPlanWorkbook(plan, ctx.clock.timeZone, format, CSV_SHAPES['plans/export']);
  },
};
