import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users';

/**
 * Files opened in the import wizard, kept while their user maps them: the bytes as uploaded, so that whichever
 * server process of one database answers the wizard's next step can read the file again. A file is removed when
 * it is imported, when its user opens more files, and a day after it was opened.
 */
export const importFiles = sqliteTable(
  'import_files',
  {
    token: text('token').primaryKey(),
    /** Null: the administrator of a ledger that has no users yet (eql on the ledger's machine). */
    ownerId: integer('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    /** The encoding and delimiter the user chose for a text file; null: detected. */
    encoding: text('encoding'),
    delimiter: text('delimiter'),
    bytes: blob('bytes', { mode: 'buffer' }).notNull(),
    /** Milliseconds since the epoch, from the ledger's clock. */
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('import_files_owner').on(t.ownerId, t.createdAt), index('import_files_created').on(t.createdAt)],
);
