import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { BackupInfo, BackupPreview } from '../api/contract';
import { DEFAULT_TIME_ZONE, localDate } from '../lib/clock';
import { UserError } from '../lib/problems';

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

/** Copies the open ledger with SQLite's online backup, consistent even while it is in use. */
export async function createBackup(sqlite: Database.Database, ledgerFile: string, kind: BackupKind, now = new Date()): Promise<BackupInfo> {
  const path = backupPath(ledgerFile, kind, now);
  const partial = `${path}.partial`;
  try {
    await sqlite.backup(partial);
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  return info(path)!;
}

/** Keeps the newest `keep` daily backups and removes older ones. */
export function pruneDaily(ledgerFile: string, keep: number): string[] {
  const old = listBackups(ledgerFile).filter((b) => b.kind === 'daily').slice(keep);
  for (const b of old) rmSync(join(backupDir(ledgerFile), b.name), { force: true });
  return old.map((b) => b.name);
}

/** Takes today's daily backup (today in `timeZone`) unless one exists, then prunes to `keep`; returns the new backup or null. */
export async function dailyBackup(sqlite: Database.Database, ledgerFile: string, keep: number, now = new Date(), timeZone = DEFAULT_TIME_ZONE): Promise<BackupInfo | null> {
  const day = localDate(now, timeZone);
  if (listBackups(ledgerFile).some((b) => b.kind === 'daily' && localDate(b.at, timeZone) === day)) return null;
  const made = await createBackup(sqlite, ledgerFile, 'daily', now);
  pruneDaily(ledgerFile, keep);
  return made;
}

/** `ok`, or what SQLite's integrity check found (first lines). */
export function integrity(sqlite: Database.Database): string {
  const lines = sqlite.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
  return lines.map((l) => l.integrity_check).join('\n');
}

/** What a backup holds, read without changing it. */
export function previewBackup(path: string): BackupPreview {
  const base = info(path) ?? { name: basename(path), kind: 'uploaded' as const, at: statSync(path).mtime.toISOString(), bytes: statSync(path).size };
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new UserError([{ file: base.name, message: `无法读取该备份:${(e as Error).message}` }]);
  }
  try {
    const check = integrity(sqlite);
    const table = (t: string) => !!sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(t);
    if (!table('agencies') || !table('assets') || !table('audit_log')) throw new UserError([{ file: base.name, message: '该文件不是执法装备台账的数据库' }]);
    const n = (t: string) => (table(t) ? (sqlite.prepare(`select count(*) from ${t}`).pluck().get() as number) : 0);
    const lastChange = sqlite.prepare('select at, actor from audit_log order by id desc limit 1').get() as BackupPreview['lastChange'] | undefined;
    return { ...base, integrity: check, agencies: n('agencies'), assets: n('assets'), users: n('users'), lastChange: lastChange ?? null };
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError([{ file: base.name, message: `该备份无法读取(可能已损坏):${(e as Error).message}` }]);
  } finally {
    sqlite.close();
  }
}

/**
 * Writes a backup's content over the ledger file. The copy is made to a temporary file while the
 * ledger is still open; only then is the ledger closed (`close`) and the copy moved into place, so
 * a failure before that leaves the ledger as it was.
 */
export async function copyBackupOver(backupFile: string, ledgerFile: string, close: () => void): Promise<void> {
  const tmp = `${ledgerFile}.restoring`;
  rmSync(tmp, { force: true });
  const src = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    await src.backup(tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    src.close();
  }
  close();
  for (const suffix of ['-wal', '-shm']) rmSync(ledgerFile + suffix, { force: true });
  renameSync(tmp, ledgerFile);
}
