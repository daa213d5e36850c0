import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const ruleSets = sqliteTable('rule_sets', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  source: text('source').notNull(),
  effectiveDate: text('effective_date'),
  basedOn: text('based_on'),
});
