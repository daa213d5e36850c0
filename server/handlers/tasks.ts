import type { taskOps } from '../../api/tasks';
import type { HandlersFor } from './handler';
import { UserError } from '../../lib/problems';
import { deleteTask, listTasks, saveTask, taskById } from '../../db/queries/tasks';
import { inScope, requireAgency, scopeCodes } from '../scope';
import { teamDemandFor } from './dispatch';

/** Tasks led from within the caller's scope. */
export const taskHandlers: HandlersFor<typeof taskOps> = {
  'tasks/list': (ctx) => ctx.store.read((tx) => listTasks(tx, scopeCodes(ctx))),
  'tasks/save': (ctx, { id, fields }) => ctx.store.write(async (tx) => {
    // A new task reads nothing before saveTask, whose first statement serialises the numbering (lockNumbering).
    const before = id === null ? null : await taskById(tx, id);
    if (before) requireAgency(ctx, before.leadAgency, 'leadAgency');
    requireAgency(ctx, fields.leadAgency, 'leadAgency');
    // A task held outside the caller's agencies gives its place by coordinates, which name no agency
    // (a place a higher level already set stays as it was).
    const location = fields.locationAgency;
    if (location !== null && location !== before?.locationAgency && !inScope(ctx, location)) {
      throw new UserError([{ field: 'locationAgency', message: `机构「${fields.locationAgency}」不在您的管辖范围内;任务地点在辖区外时请填写经纬度` }]);
    }
    return saveTask(tx, ctx.who(), id, fields);
  }),
  'tasks/delete': (ctx, { id }) => ctx.store.write(async (tx) => {
    requireAgency(ctx, (await taskById(tx, id)).leadAgency, 'leadAgency');
    await deleteTask(tx, ctx.who(), id);
    return null;
  }),
  'tasks/teamDemand': (ctx, { leadAgency, teamSize }) => {
    requireAgency(ctx, leadAgency, 'leadAgency');
    return ctx.store.read((tx) => teamDemandFor(tx, leadAgency, teamSize));
  },
};
