import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, rmSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { addYears } from '../lib/dates';
import { UserError } from '../lib/problems';
import * as schema from './schema';
import { seedReferenceDataSync } from './queries/reference';
import { backupPath, integrity, listBackups, publishBackup } from './backup';
import { lockLedger } from './lock';
import { DEFAULT_MIGRATIONS, foreignSchema } from './schema-check';
import { readJournal, refuseForeignMigrations } from './migration-journal';

import type { Db } from './types';

export const MIGRATIONS_FOLDER = DEFAULT_MIGRATIONS;

export interface OpenOptions {
  /** Refuse to create the file when it does not exist. */
  mustExist?: boolean;
  migrationsFolder?: string;
  /** The instant of opening, from the ledger's clock: names the pre-migration backup, dates the seeded reference data. */
  now?: Date;
  /** A temporary copy being readied for a restore: no backup of it before its migrations. */
  skipMigrationBackup?: boolean;
  /**
   * Seed the shipped catalog and rule sets (the default). Off only where a test makes a ledger as an earlier release
   * left it: this release's seed writes this release's columns.
   */
  seed?: boolean;
}

export interface OpenResult {
  db: Db;
  /** The backup taken before applying migrations, if any were pending on an existing ledger. */
  backup: string | null;
}

function appliedMigrations(sqlite: Database.Database): { created_at: number }[] {
  const table = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'`).get();
  if (!table) return [];
  return sqlite.prepare(`select created_at from __drizzle_migrations order by created_at`).all() as { created_at: number }[];
}


/** What to do when the integrity check fails: the newest backups, and how to restore one. */
function corruptMessage(file: string, check: string): string {
  const latest = listBackups(file).slice(0, 3).map((b) => b.name);
  return `台账文件未通过完整性检查(PRAGMA integrity_check),为免扩大损坏已停止打开:${check.split('\n')[0]}。` +
    (latest.length
      ? `可从备份恢复:${latest.join('、')}(位于 ${dirname(file)}${sep}backups);桌面版在提示中选择“从备份恢复”,浏览器版运行 npm run web -- --restore 备份文件名`
      : '未找到该台账的备份;请用其他台账文件打开,或联系技术支持');
}

/**
 * Opens a ledger database: WAL and foreign keys on, refuses a damaged database (integrity check)
 * or one written by a newer app,
 * backs up an existing ledger before applying pending migrations, then seeds the shipped catalog
 * and rule sets where they are missing.
 */
export function openDatabase(file: string, options: OpenOptions = {}): OpenResult {
  const existed = file !== ':memory:' && existsSync(file);
  if (options.mustExist && !existed) {
    throw new UserError([{ file, message: '数据库文件不存在;请先用 eql init --db 创建,或检查路径' }]);
  }
  const folder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  const journal = readJournal(folder);

  const unlock = file === ':memory:' ? () => undefined : lockLedger(file);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { fileMustExist: !!options.mustExist });
  } catch (e) {
    unlock();
    throw new UserError([{ file, message: `无法打开数据库:${(e as Error).message}` }]);
  }
  const close = sqlite.close.bind(sqlite);
  sqlite.close = () => {
    const wasOpen = sqlite.open;
    close();
    if (wasOpen) unlock();
    return sqlite;
  };
  try {
    try {
      // Schema objects in the file (triggers, views) may not call the app's SQL functions.
      sqlite.pragma('trusted_schema = OFF');
      sqlite.pragma('journal_mode = WAL');
      if (existed) {
        const check = integrity(sqlite);
        if (check !== 'ok') throw new UserError([{ file, message: corruptMessage(file, check) }]);
      }
    } catch (e) {
      if (e instanceof UserError) throw e;
      if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw new UserError([{ file, message: '该文件不是 SQLite 数据库(不是台账文件,或已损坏);请选择正确的台账文件' }]);
      throw new UserError([{ file, message: corruptMessage(file, (e as Error).message) }]);
    }
    sqlite.pragma('foreign_keys = ON');
    // The replacement rule's date arithmetic, the same in SQL as in quotas/replacement.ts.
    sqlite.function('add_years', { deterministic: true }, (date: unknown, years: unknown) =>
      typeof date === 'string' && typeof years === 'number' ? addYears(date, years) : null);
    sqlite.pragma('busy_timeout = 5000');
    // A committed change survives a power cut too, not only a crash: the ledger is an official record.
    sqlite.pragma('synchronous = FULL');
    // 64 MB of page cache: bulk writes touch several indexes at once.
    sqlite.pragma('cache_size = -65536');

    const applied = appliedMigrations(sqlite);
    refuseForeignMigrations(applied.map((m) => Number(m.created_at)), journal, file);
    const foreign = existed ? foreignSchema(sqlite, folder, applied.length) : null;
    if (foreign) throw new UserError([{ file, message: `台账文件的${foreign}` }]);
    let backup: string | null = null;
    if (existed && !options.skipMigrationBackup && applied.length > 0 && applied.length < journal.entries.length) {
      backup = backupPath(file, 'migration', options.now ?? new Date());
      // Written beside its name and moved there once whole: a crash mid-copy never lists a half backup.
      rmSync(`${backup}.partial`, { force: true });
      sqlite.prepare('vacuum into ?').run(`${backup}.partial`);
      publishBackup(`${backup}.partial`, backup);
    }
    const db = drizzle(sqlite, { schema }) as Db;
    try {
      migrate(db, { migrationsFolder: folder });
    } catch (e) {
      throw new UserError([
        { file, message: `数据库升级失败:${(e as Error).message}${backup ? `;升级前的备份完好:${backup}` : ''}` },
      ]);
    }
    if (options.seed !== false) seedReferenceDataSync(db, options.now);
    // Keeps the planner's statistics current (SQLite's advice for long-lived connections).
    sqlite.pragma('optimize = 0x10002');
    return { db, backup };
  } catch (e) {
    sqlite.close();
    throw e;
  }
}
