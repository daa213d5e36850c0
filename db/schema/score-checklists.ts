import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';

/** An agency's self-assessment for the Zhejiang equipment score of a year: the items the ledger cannot prove. JSON answers. */
export const scoreChecklists = sqliteTable(
  'score_checklists',
  {
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'cascade' }),
    year: integer('year').notNull(),
    answers: text('answers', { mode: 'json' }).notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agencyId, t.year] })],
);
