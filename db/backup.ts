import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { BackupInfo, BackupPreview } from '../lib/domain/backups';
import { DEFAULT_TIME_ZONE, localDate } from '../lib/clock';
import { UserError } from '../lib/problems';
import { lockLedger } from './lock';
import { DEFAULT_MIGRATIONS, foreignSchema } from './schema-check';
import { readJournal } from './migration-journal';

export type BackupKind = BackupInfo['kind'];
const KINDS: BackupKind[] = ['daily', 'manual', 'migration', 'before-restore', 'uploaded'];

/** Backups live in a `backups` folder beside the ledger, named `<ledger>-<UTC stamp>-<kind>.db`. */
export function backupDir(ledgerFile: string): string {
  return join(dirname(ledgerFile), 'backups');
}

const stem = (ledgerFile: string) => basename(ledgerFile, extname(ledgerFile));
const stampOf = (now: Date) => now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
const NAME = /^(.+)-(\d{8}T\d{6})(?:-\d+)?-([a-z-]+)\.db$/;

export function backupPath(ledgerFile: string, kind: BackupKind, now: Date): string {
  const dir = backupDir(ledgerFile);
  mkdirSync(dir, { recursive: true });
  let path = join(dir, `${stem(ledgerFile)}-${stampOf(now)}-${kind}.db`);
  for (let n = 2; existsSync(path); n++) path = join(dir, `${stem(ledgerFile)}-${stampOf(now)}-${n}-${kind}.db`);
  return path;
}

function info(path: string): BackupInfo | null {
  const m = NAME.exec(basename(path));
  if (!m || !KINDS.includes(m[3] as BackupKind)) return null;
  const s = m[2];
  return {
    name: basename(path),
    kind: m[3] as BackupKind,
    at: `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`,
    bytes: statSync(path).size,
  };
}

/** This ledger's backups, newest first. */
export function listBackups(ledgerFile: string): BackupInfo[] {
  const dir = backupDir(ledgerFile);
  if (!existsSync(dir)) return [];
  const own = stem(ledgerFile);
  return readdirSync(dir)
    .filter((f) => NAME.exec(f)?.[1] === own)
    .map((f) => info(join(dir, f)))
    .filter((b): b is BackupInfo => b !== null)
    .sort((a, b) => (a.at === b.at ? b.name.localeCompare(a.name) : b.at.localeCompare(a.at)));
}

/** The path of one of this ledger's backups, by name; never a path outside its folder. */
export function resolveBackup(ledgerFile: string, name: string): string {
  if (name !== basename(name) || name.startsWith('.') || !NAME.test(name)) throw new UserError([{ field: 'name', message: `「${name}」不是有效的备份文件名` }]);
  const path = join(backupDir(ledgerFile), name);
  if (!existsSync(path)) throw new UserError([{ field: 'name', message: `备份「${name}」不存在` }]);
  return path;
}

/** Forces a file (or a folder's entry list) to disk; Windows cannot open a folder for this, and keeps its entries itself. */
export function fsyncPath(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (process.platform === 'win32') return;
    throw e;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}

/** Moves a finished `.partial` into place durably: file synced, renamed, folder synced; a killed copy never lists as a backup. */
export function publishBackup(partial: string, path: string): void {
  fsyncPath(partial);
  renameSync(partial, path);
  fsyncPath(dirname(path));
}

/** Copies the open ledger with SQLite's online backup, consistent even while it is in use. */
export async function createBackup(sqlite: Database.Database, ledgerFile: string, kind: BackupKind, now = new Date()): Promise<BackupInfo> {
  const path = backupPath(ledgerFile, kind, now);
  const partial = `${path}.partial`;
  try {
    await sqlite.backup(partial);
    publishBackup(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  pruneBackups(ledgerFile);
  return info(path)!;
}

/** A file given as a backup, written to a `.partial`, checked by `check`, and only then listed under its backup name. */
export function storeUploadedBackup(ledgerFile: string, bytes: Uint8Array, check: (path: string) => void, now = new Date()): BackupInfo {
  const path = backupPath(ledgerFile, 'uploaded', now);
  const partial = `${path}.partial`;
  try {
    writeFileSync(partial, bytes);
    check(partial);
    publishBackup(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  pruneBackups(ledgerFile);
  return info(path)!;
}

/**
 * How many backups of each kind are kept, newest first. Daily ones follow --keep-backups; the
 * copies taken before upgrades and restores matter only until the next few; those made or added
 * by hand are kept longer, since someone chose them.
 */
export const KEEP: Record<Exclude<BackupKind, 'daily'>, number> = { migration: 10, 'before-restore': 10, manual: 30, uploaded: 30 };

/** Removes the oldest backups of each kind past KEEP (daily ones: pruneDaily). */
export function pruneBackups(ledgerFile: string): string[] {
  const all = listBackups(ledgerFile);
  const old = (Object.keys(KEEP) as (keyof typeof KEEP)[]).flatMap((k) => all.filter((b) => b.kind === k).slice(KEEP[k]));
  for (const b of old) rmSync(join(backupDir(ledgerFile), b.name), { force: true });
  return old.map((b) => b.name);
}

/** Keeps the newest `keep` daily backups and removes older ones. */
export function pruneDaily(ledgerFile: string, keep: number): string[] {
  const old = listBackups(ledgerFile).filter((b) => b.kind === 'daily').slice(keep);
  for (const b of old) rmSync(join(backupDir(ledgerFile), b.name), { force: true });
  return old.map((b) => b.name);
}

/**
 * Takes today's daily backup (today in `timeZone`) unless one exists, then prunes to `keep`; returns
 * the new backup or null. A ledger nobody has signed up to yet is not backed up: restoring such a
 * copy would hand the first-run setup, and with it the administrator, to whoever asks first.
 */
export async function dailyBackup(sqlite: Database.Database, ledgerFile: string, keep: number, now = new Date(), timeZone = DEFAULT_TIME_ZONE): Promise<BackupInfo | null> {
  const day = localDate(now, timeZone);
  if (listBackups(ledgerFile).some((b) => b.kind === 'daily' && localDate(b.at, timeZone) === day)) return null;
  const users = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = 'users'`).get() && sqlite.prepare('select count(*) from users').pluck().get();
  if (!users) return null;
  const made = await createBackup(sqlite, ledgerFile, 'daily', now);
  pruneDaily(ledgerFile, keep);
  return made;
}

/** `ok`, or what SQLite's integrity check found (first lines). */
export function integrity(sqlite: Database.Database): string {
  const lines = sqlite.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
  return lines.map((l) => l.integrity_check).join('\n');
}

/** SQLite's own words for a file that is not a database, in the user's. */
function readError(e: unknown): string {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return '文件不是 SQLite 数据库(不是台账备份,或已损坏)';
  if (code.startsWith('SQLITE_CORRUPT')) return '数据库文件已损坏';
  return (e as Error).message;
}

/** The integrity check's result as a user reads it. */
export function integrityText(check: string): string {
  return check === 'ok' ? '完好' : `未通过:${check.split('\n')[0]}`;
}

/**
 * What a backup holds, read without changing it; refused when it is not a ledger, comes from a
 * newer app, or carries a schema that is not the app's own (a trigger that deletes audit entries).
 */
export function previewBackup(path: string, migrationsFolder = DEFAULT_MIGRATIONS, shownName?: string): BackupPreview {
  const base = info(path) ?? { name: shownName ?? basename(path), kind: 'uploaded' as const, at: statSync(path).mtime.toISOString(), bytes: statSync(path).size };
  const name = shownName ?? base.name;
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new UserError([{ file: name, message: `无法读取该备份:${readError(e)}` }]);
  }
  try {
    sqlite.pragma('trusted_schema = OFF');
    const check = integrity(sqlite);
    const table = (t: string) => !!sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(t);
    if (!table('agencies') || !table('assets') || !table('audit_log')) throw new UserError([{ file: name, message: '该文件不是执法装备台账的数据库' }]);
    const applied = table('__drizzle_migrations') ? (sqlite.prepare('select created_at from __drizzle_migrations order by created_at').pluck().all() as number[]) : [];
    const journal = readJournal(migrationsFolder).entries;
    if (applied.some((when, i) => Number(journal[i]?.when) !== Number(when))) {
      throw new UserError([{ file: name, message: '该备份由更新版本的程序创建或升级(或升级记录被改动过),本程序无法使用;请升级程序后再试' }]);
    }
    const foreign = foreignSchema(sqlite, migrationsFolder, applied.length);
    if (foreign) throw new UserError([{ file: name, message: `该备份的${foreign}` }]);
    const n = (t: string) => (table(t) ? (sqlite.prepare(`select count(*) from ${t}`).pluck().get() as number) : 0);
    const admins = table('users') ? (sqlite.prepare(`select count(*) from users where role = 'admin' and agency_id is null and active`).pluck().get() as number) : 0;
    const lastChange = sqlite.prepare('select at, actor from audit_log order by id desc limit 1').get() as BackupPreview['lastChange'] | undefined;
    return {
      ...base, name, integrity: integrityText(check), integrityOk: check === 'ok',
      agencies: n('agencies'), assets: n('assets'), users: n('users'), admins, lastChange: lastChange ?? null,
    };
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError([{ file: name, message: `该备份无法读取(可能已损坏):${readError(e)}` }]);
  } finally {
    sqlite.close();
  }
}

const RETRIED = new Set(['EBUSY', 'EPERM', 'EACCES']);

/** Renames, retrying for a few seconds while another program (an antivirus, an indexer) holds the file, as Windows does. */
export async function renameRetrying(from: string, to: string, tries = 20): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      renameSync(from, to);
      return;
    } catch (e) {
      if (i >= tries || !RETRIED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      await sleep(Math.min(1000, 50 * i));
    }
  }
}

/** Copies a backup to `<ledger>.restoring` with SQLite's backup API, while the ledger stays open; returns that path. */
export async function stageRestore(backupFile: string, ledgerFile: string): Promise<string> {
  const tmp = `${ledgerFile}.restoring`;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(tmp + suffix, { force: true });
  const src = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    await src.backup(tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    src.close();
  }
  return tmp;
}

/**
 * Puts a staged copy in the ledger's place: the ledger must be closed (`close`, after its WAL is
 * checkpointed), its WAL and shared-memory files go, and the copy is renamed over it.
 */
export async function swapIn(tmp: string, ledgerFile: string, close: () => void, rename: (from: string, to: string) => Promise<void> = renameRetrying): Promise<void> {
  close();
  for (const suffix of ['-wal', '-shm']) rmSync(ledgerFile + suffix, { force: true });
  fsyncPath(tmp);
  await rename(tmp, ledgerFile);
  fsyncPath(dirname(ledgerFile));
}

/**
 * Writes a backup's content over the ledger file. The copy is made to a temporary file while the
 * ledger is still open; only then is the ledger closed (`close`) and the copy moved into place, so
 * a failure before that leaves the ledger as it was. It holds the ledger's lock throughout: a
 * ledger another program has open is never replaced under it.
 */
export async function copyBackupOver(backupFile: string, ledgerFile: string, close: () => void): Promise<void> {
  const unlock = lockLedger(ledgerFile);
  try {
    const tmp = await stageRestore(backupFile, ledgerFile);
    await swapIn(tmp, ledgerFile, close);
  } finally {
    unlock();
  }
}
