import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';

export const TASK_TYPES = ['special', 'cross', 'assist', 'emergency'] as const;

/** 重点执法任务: a special operation, cross inspection, supervisory assistance or emergency. */
export const tasks = sqliteTable(
  'tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    type: text('type', { enum: TASK_TYPES }).notNull(),
    leadAgencyId: integer('lead_agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    /** Where the task takes place: an agency's site, or coordinates; neither means the lead agency's site. */
    locationAgencyId: integer('location_agency_id').references(() => agencies.id, { onDelete: 'restrict' }),
    latitude: real('latitude'),
    longitude: real('longitude'),
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    /** 1 (low) to 5 (high). */
    priority: integer('priority').notNull(),
    teamSize: integer('team_size'),
    notes: text('notes'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('tasks_dates').on(t.startDate, t.endDate),
    check('tasks_type', sql`${t.type} in ('special','cross','assist','emergency')`),
    check('tasks_priority', sql`${t.priority} between 1 and 5`),
    check('tasks_dates_order', sql`${t.startDate} <= ${t.endDate}`),
  ],
);
