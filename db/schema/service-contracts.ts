import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';

/**
 * 购买第三方服务: a contract by which a provider supplies the use of equipment (a drone service, a monitoring van) to
 * the agencies it covers from `validFrom` to `validTo`, at `costPerYearFen` a year. Where an edition lets a quota be
 * met so, the quantities it covers count as covered, apart from the units owned. `agencyId` is the agency that signed it.
 */
export const serviceContracts = sqliteTable(
  'service_contracts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
    provider: text('provider').notNull(),
    reference: text('reference'),
    validFrom: text('valid_from').notNull(),
    validTo: text('valid_to').notNull(),
    costPerYearFen: integer('cost_per_year_fen').notNull(),
    note: text('note'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('service_contracts_valid_to').on(t.validTo),
    check('service_contracts_dates', sql`${t.validFrom} <= ${t.validTo}`),
    check('service_contracts_cost', sql`${t.costPerYearFen} >= 0`),
  ],
);
