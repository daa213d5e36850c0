import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { catalogItems } from './catalog-items';
import { serviceContracts } from './service-contracts';

/** What a service contract supplies: units of a catalog item for each agency it covers. */
export const serviceContractItems = sqliteTable(
  'service_contract_items',
  {
    contractId: integer('contract_id').notNull().references(() => serviceContracts.id, { onDelete: 'cascade' }),
    itemCode: text('item_code').notNull().references(() => catalogItems.code),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.contractId, t.itemCode] }), check('service_contract_items_quantity', sql`${t.quantity} > 0`)],
);
