import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { ROLES } from '../../lib/domain/users';
import { agencies } from './agencies';

/** People who may use the ledger: a role, and the agency subtree it applies to (none: the whole ledger). */
export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    agencyId: integer('agency_id').references(() => agencies.id, { onDelete: 'restrict' }),
    /** scrypt, with its parameters and salt: `scrypt$N$r$p$salt$hash` (base64). */
    passwordHash: text('password_hash').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: text('created_at').notNull(),
  },
  (t) => [check('users_role', sql`${t.role} in ('admin','manager','head','dispatcher','readonly')`)],
);
