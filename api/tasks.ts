import { z } from 'zod';
import { TASK_FIELDS, type TaskRow } from '../lib/domain/dispatch';
import { code } from '../lib/domain/values';
import { none, op } from './op';

/** Key enforcement tasks (重点执法任务) and what they need. */
export const taskOps = {
  'tasks/list': op(none, 'read').returns<TaskRow[]>(),
  'tasks/save': op(z.object({ id: z.number().int().positive().nullable(), fields: TASK_FIELDS }), 'dispatch', true).returns<TaskRow>(),
  'tasks/delete': op(z.object({ id: z.number().int().positive() }), 'dispatch', true).returns<null>(),
  'tasks/teamDemand': op(z.object({ leadAgency: code, teamSize: z.number().int().min(1).max(10_000) }), 'read').returns<Record<string, number>>(),
} as const;
