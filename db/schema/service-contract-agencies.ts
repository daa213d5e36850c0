import { index, integer, primaryKey, sqliteTable } from 'drizzle-orm/sqlite-core';
import { agencies } from './agencies';
import { serviceContracts } from './service-contracts';

/** The agencies a service contract covers, each getting the contract's quantities. */
export const serviceContractAgencies = sqliteTable(
  'service_contract_agencies',
  {
    contractId: integer('contract_id').notNull().references(() => serviceContracts.id, { onDelete: 'cascade' }),
    agencyId: integer('agency_id').notNull().references(() => agencies.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.contractId, t.agencyId] }), index('service_contract_agencies_agency').on(t.agencyId)],
);
