import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { auditLog } from './audit-log';

/**
 * The agencies an audit entry concerns (an asset's agency before and after a transfer, the agency
 * of a record's asset); a scoped reader sees an entry when one of them is in scope. Entries with
 * none (users, ledger-wide settings) are for readers of the whole ledger only.
 */
export const auditAgencies = sqliteTable(
  'audit_agencies',
  {
    auditId: integer('audit_id').notNull().references(() => auditLog.id, { onDelete: 'cascade' }),
    agencyCode: text('agency_code').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agencyCode, t.auditId] }), index('audit_agencies_entry').on(t.auditId)],
);
