import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { catalogItems } from './catalog-items';
import { tasks } from './tasks';

/** What a task needs: units per catalog item. */
export const taskDemands = sqliteTable(
  'task_demands',
  {
    taskId: integer('task_id').notNull().references(() => tasks.id, { onDelete: 'cascade' }),
    itemCode: text('item_code').notNull().references(() => catalogItems.code),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.itemCode] }), check('task_demands_quantity', sql`${t.quantity} > 0`)],
);
