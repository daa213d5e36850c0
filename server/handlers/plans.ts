import type { planOps } from '../../api/plans';
import type { HandlersFor } from './handler';
import { CSV_SHAPES } from '../../api/contract';
import { UserError } from '../../lib/problems';
import { dispatchPlanWorkbook } from '../../excel/exports/dispatch-plan';
import { approvePlan, cancelPlan, dispatchPlan, listPlans, planDetail, returnUnits } from '../../db/queries/plans';
import { tasksByIds } from '../../db/queries/tasks';
import { requireAgency, requirePlanSync, scopeCodes } from '../scope';
import { createPlan } from './dispatch';

/** Plans for tasks led from within the caller's scope. */
export const planHandlers: HandlersFor<typeof planOps> = {
  'plans/list': (ctx) => listPlans(ctx.db, scopeCodes(ctx)),
  'plans/get': (ctx, { id }) => (requirePlanSync(ctx, id), planDetail(ctx.db, id)),
  'plans/create': (ctx, { taskIds, reserveRatio }) => {
    const tasks = tasksByIds(ctx.db, taskIds);
    const missing = taskIds.find((id) => !tasks.some((t) => t.id === id));
    if (missing !== undefined) throw new UserError([{ field: 'taskIds', message: `任务 #${missing} 不存在` }]);
    for (const t of tasks) requireAgency(ctx, t.leadAgency, 'leadAgency');
    return createPlan(ctx.db, ctx.who(), tasks, scopeCodes(ctx), ctx.today(), reserveRatio);
  },
  'plans/approve': (ctx, { id, approvalRef }) => (requirePlanSync(ctx, id, 'change'), approvePlan(ctx.db, ctx.who(), id, approvalRef), planDetail(ctx.db, id)),
  'plans/dispatch': (ctx, { id, date }) => (requirePlanSync(ctx, id, 'change'), dispatchPlan(ctx.db, ctx.who(), id, date), planDetail(ctx.db, id)),
  'plans/return': (ctx, input) => (requirePlanSync(ctx, input.id, 'change'), returnUnits(ctx.db, ctx.who(), input), planDetail(ctx.db, input.id)),
  'plans/cancel': (ctx, { id }) => (requirePlanSync(ctx, id, 'change'), cancelPlan(ctx.db, ctx.who(), id), planDetail(ctx.db, id)),
  'plans/export': (ctx, { id, format }) => (requirePlanSync(ctx, id), dispatchPlanWorkbook(planDetail(ctx.db, id), ctx.clock.timeZone, format, CSV_SHAPES['plans/export'])),
};
