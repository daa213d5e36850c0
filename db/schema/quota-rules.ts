import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { catalogItems } from './catalog-items';
import { ruleSets } from './rule-sets';

export const quotaRules = sqliteTable(
  'quota_rules',
  {
    ruleSetId: text('rule_set_id').notNull().references(() => ruleSets.id, { onDelete: 'cascade' }),
    itemCode: text('item_code').notNull().references(() => catalogItems.code),
    level: text('level', { enum: ['province', 'city', 'county'] }).notNull(),
    basis: text('basis', { enum: ['per_staff', 'per_agency', 'per_office'] }).notNull(),
    quantity: integer('quantity').notNull(),
    per: integer('per').notNull().default(1),
    atLeast: integer('at_least').notNull().default(0),
    optional: integer('optional').notNull().default(0),
    service: integer('service').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.ruleSetId, t.itemCode, t.level] }),
    check('quota_rules_values', sql`${t.quantity} >= 0 and ${t.per} >= 1`),
    check('quota_rules_flags', sql`${t.atLeast} in (0, 1) and ${t.optional} in (0, 1) and ${t.service} in (0, 1) and (${t.optional} = 0 or ${t.quantity} = 0)`),
  ],
);
