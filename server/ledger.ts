import type { BackupInfo } from '../api/contract';
import type { Clock } from '../lib/clock';
import { copyBackupOver, listBackups, resolveBackup } from '../db/backup';
import { openDatabase } from '../db/open';
import { openProvincial } from '../db/pg';
import { redactTarget } from '../db/pg-hosts';
import { seedReferenceData } from '../db/queries/reference';
import { postgresStore, sqliteStore, type Store } from '../db/store';
import { UserError } from '../lib/problems';
import type { Db } from '../db/types';
import { Sessions, type SessionLimits } from './auth/sessions';
import type { Ledger } from './context';

// The transports (the desktop app, the HTTP host, eql) reach a ledger's file only through server/.
export { lockLedger } from '../db/lock';

export interface LedgerOptions {
  /** Refuse to create the file when it does not exist. */
  mustExist?: boolean;
  /** Where this app's migrations are, when not beside the code (a packaged Electron app). */
  migrationsFolder?: string;
  sessions?: SessionLimits;
}

/**
 * Opens a ledger file to serve, upgraded to this app's schema (after a backup); nobody is signed in
 * to it yet. `backup` names the copy taken before an upgrade, if one ran.
 */
export function openLedger(file: string, clock: Clock, options: LedgerOptions = {}): { ledger: Ledger; backup: string | null } {
  const { db, backup } = openDatabase(file, { mustExist: options.mustExist, migrationsFolder: options.migrationsFolder, now: clock.now() });
  return { ledger: ledgerOn(db, file, clock, options), backup };
}

/** A ledger served from an open embedded database. */
export function ledgerOn(db: Db, file: string, clock: Clock, options: Pick<LedgerOptions, 'migrationsFolder' | 'sessions'> = {}): Ledger {
  const ledger: Ledger = {
    db, store: sqliteStore(db), file, clock, migrationsFolder: options.migrationsFolder,
    sessions: new Sessions(() => ledger.store, options.sessions, () => clock.now().getTime()),
  };
  return ledger;
}

/** What a file-only operation (backups, restore) says on the provincial database. */
export const FILE_ONLY = '省级数据库没有台账文件:其备份与恢复由信息中心用 pg_dump / pg_basebackup 完成';

/**
 * The provincial database as a ledger: migrated (db/pg.ts), its reference data seeded, served by as many
 * server processes as the province runs. It has no file: `where` is its address without the password.
 */
export async function openProvincialLedger(connection: string, clock: Clock, options: Pick<LedgerOptions, 'sessions'> = {}): Promise<Ledger> {
  const store = postgresStore(await openProvincial(connection));
  try {
    await store.write((tx) => seedReferenceData(tx, clock.now()));
  } catch (e) {
    await store.close();
    throw e;
  }
  return provincialLedger(store, connection, clock, options);
}

/** A ledger over an open store of the provincial database. */
export function provincialLedger(store: Store, connection: string, clock: Clock, options: Pick<LedgerOptions, 'sessions'> = {}): Ledger {
  const ledger: Ledger = {
    store, file: redactTarget(connection), clock,
    get db(): Db {
      throw new UserError([{ message: FILE_ONLY }]);
    },
    sessions: new Sessions(() => ledger.store, options.sessions, () => clock.now().getTime()),
  };
  return ledger;
}

/** Puts another open database (a restored backup) in place of the ledger's. */
export function replaceDatabase(ledger: Ledger, db: Db): void {
  ledger.db = db;
  ledger.store = sqliteStore(db);
}

export async function closeLedger(ledger: Ledger): Promise<void> {
  if (ledger.store.engine === 'postgres') await ledger.store.close();
  else ledger.db.$client.close();
}

/** The ledger's newest backup, of any kind, if it has one. */
export function newestBackup(file: string): BackupInfo | undefined {
  return listBackups(file)[0];
}

/** Puts one of the ledger's backups (by name) in place of its file, before the ledger is opened; the caller holds its lock. */
export function restoreBeforeOpening(file: string, name: string): Promise<void> {
  return copyBackupOver(resolveBackup(file, name), file, () => undefined);
}
