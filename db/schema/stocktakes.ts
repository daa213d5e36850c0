import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { STOCKTAKE_STATUSES } from '../../lib/domain/stocktakes';
import { agencies } from './agencies';

/**
 * 盘点 of an agency's subtree: counting (scans come in) -> closed (the rest is 盘亏; differences get a 原因
 * and a 处置意见) -> proposed (the manager's settlement) -> approved (a bureau head; the ledger changed in
 * one audited step). Cancelled at any step before approval.
 */
export const stocktakes = sqliteTable(
  'stocktakes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    status: text('status', { enum: STOCKTAKE_STATUSES }).notNull(),
    /** 盘点人, 监盘人, 负责人 as named on the report. */
    counter: text('counter'),
    supervisor: text('supervisor'),
    responsible: text('responsible'),
    startedBy: text('started_by').notNull(),
    startedAt: text('started_at').notNull(),
    closedBy: text('closed_by'),
    closedAt: text('closed_at'),
    proposedBy: text('proposed_by'),
    proposedAt: text('proposed_at'),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    note: text('note'),
  },
  (t) => [index('stocktakes_agency').on(t.agencyId, t.status)],
);
