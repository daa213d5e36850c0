import { integer, primaryKey, sqliteTable } from 'drizzle-orm/sqlite-core';
import { plans } from './plans';
import { tasks } from './tasks';

/** The tasks a plan covers: several tasks are planned together against one pool of units. */
export const planTasks = sqliteTable(
  'plan_tasks',
  {
    planId: integer('plan_id').notNull().references(() => plans.id, { onDelete: 'cascade' }),
    taskId: integer('task_id').notNull().references(() => tasks.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.planId, t.taskId] })],
);
