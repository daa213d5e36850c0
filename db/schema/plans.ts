import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const PLAN_STATUSES = ['draft', 'approved', 'dispatched', 'returned', 'cancelled'] as const;

/** 调度方案: draft -> approved (units committed) -> dispatched (custody out) -> returned; or cancelled. */
export const plans = sqliteTable(
  'plans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    status: text('status', { enum: PLAN_STATUSES }).notNull(),
    reserveRatio: real('reserve_ratio').notNull(),
    solverStatus: text('solver_status').notNull(),
    objective: real('objective').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    approvalRef: text('approval_ref'),
    approvedBy: text('approved_by'),
    approvedAt: text('approved_at'),
    dispatchedBy: text('dispatched_by'),
    dispatchedAt: text('dispatched_at'),
    closedAt: text('closed_at'),
  },
  (t) => [
    index('plans_status').on(t.status),
    check('plans_status', sql`${t.status} in ('draft','approved','dispatched','returned','cancelled')`),
  ],
);
