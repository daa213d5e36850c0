import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { plans } from './plans';
import { tasks } from './tasks';

/** Demand a plan could not meet, and why. */
export const planUnmet = sqliteTable(
  'plan_unmet',
  {
    planId: integer('plan_id').notNull().references(() => plans.id, { onDelete: 'cascade' }),
    taskId: integer('task_id').notNull().references(() => tasks.id, { onDelete: 'restrict' }),
    itemCode: text('item_code').notNull(),
    quantity: integer('quantity').notNull(),
    reason: text('reason', { enum: ['none', 'reserve', 'unusable', 'committed'] }).notNull(),
    detail: text('detail').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.taskId, t.itemCode] })],
);
