import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users';

/**
 * Signed-in sessions, kept in the database so that a restart signs nobody out and every server process of
 * one database knows them. Only a hash of each token is stored: a backup or a copy of the database gives
 * nobody a session.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    /** Milliseconds since the epoch, from the ledger's clock. */
    startedAt: integer('started_at').notNull(),
    seenAt: integer('seen_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);
