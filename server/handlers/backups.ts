import { readFileSync, rmSync } from 'node:fs';
import type { BackupInfo, BackupPreview, FileOut } from '../../api/contract';
import { UserError } from '../../lib/problems';
import { createBackup, listBackups, previewBackup, renameRetrying, resolveBackup, stageRestore, storeUploadedBackup, swapIn } from '../../db/backup';
import { lockLedger } from '../../db/lock';
import { replaceDatabase } from '../ledger';
import { openDatabase } from '../../db/open';
import { sqliteStore } from '../../db/store';
import { appendAudit } from '../../db/queries/audit';
import type { Context } from '../context';
import type { backupOps } from '../../api/backups';
import type { HandlersFor } from './handler';

/** What the backup operations answer on the provincial database, which has no ledger file to copy. */
export const PROVINCIAL_BACKUPS = '省级数据库(PostgreSQL)没有台账文件,本页的备份与恢复不适用:数据库的备份与恢复由数据库管理员用 pg_dump / pg_basebackup 完成(见 README「The provincial server (PostgreSQL)」一节的 Backups)';

/** Refuses a backup operation on the provincial database, before anything reads a file. */
function fileLedger(ctx: Context): void {
  if (ctx.store.engine !== 'sqlite') throw new UserError([{ message: PROVINCIAL_BACKUPS }]);
}

export function backupList(ctx: Context): BackupInfo[] {
  fileLedger(ctx);
  return listBackups(ctx.file);
}

export function createManualBackup(ctx: Context): Promise<BackupInfo> {
  fileLedger(ctx);
  return createBackup(ctx.db.$client, ctx.file, 'manual', ctx.now());
}

export function downloadBackup(ctx: Context, name: string): FileOut {
  fileLedger(ctx);
  return { fileName: name, base64: readFileSync(resolveBackup(ctx.file, name)).toString('base64') };
}

export function backupPreview(ctx: Context, name: string): BackupPreview {
  fileLedger(ctx);
  return previewBackup(resolveBackup(ctx.file, name), ctx.migrationsFolder);
}

/** A backup file the user picked elsewhere, kept with this ledger's backups once it proves to be a ledger of this app's own schema. */
export function uploadBackup(ctx: Context, fileName: string, base64: string): BackupInfo {
  fileLedger(ctx);
  return storeUploadedBackup(ctx.file, Buffer.from(base64, 'base64'), (partial) => {
    try {
      previewBackup(partial, ctx.migrationsFolder, fileName);
    } catch (e) {
      if (e instanceof UserError) throw new UserError(e.problems.map((p) => ({ ...p, file: fileName })));
      throw e;
    }
  }, ctx.now());
}

/** How a restore's steps may be changed by a test: the rename that swaps the file in. */
export interface RestoreHooks {
  rename?: (from: string, to: string) => Promise<void>;
}

/**
 * Replaces the ledger with a backup: the backup must pass the integrity check, carry the app's own
 * schema and an active administrator of the whole ledger; the current ledger is backed up first;
 * the restore is recorded inside the restored copy before it is swapped in; whatever fails, the
 * server is left on an open ledger (the restored one, or the one it had); everyone is signed out,
 * since the backup holds its own users.
 */
export async function restoreBackup(ctx: Context, name: string, hooks: RestoreHooks = {}): Promise<{ restored: string; safetyCopy: string }> {
  fileLedger(ctx);
  const path = resolveBackup(ctx.file, name);
  const preview = previewBackup(path, ctx.migrationsFolder);
  if (!preview.integrityOk) throw new UserError([{ file: name, message: `该备份未通过完整性检查,不能恢复:${preview.integrity}` }]);
  if (preview.admins === 0) {
    throw new UserError([{ file: name, message: '该备份中没有可用的系统管理员(可能是设立管理员之前的备份);恢复后任何人都能重新设立管理员,已拒绝' }]);
  }
  const { ledger } = ctx;
  const open = (file: string) => openDatabase(file, { migrationsFolder: ledger.migrationsFolder, skipMigrationBackup: true, now: ledger.clock.now() }).db;
  const safety = await createBackup(ledger.db.$client, ledger.file, 'before-restore', ctx.now());
  const tmp = await stageRestore(path, ledger.file);
  try {
    // Upgraded to this app's schema, and the restore recorded, inside the copy: a crash after the swap cannot lose the record.
    const staged = open(tmp);
    try {
      const who = ctx.who();
      await sqliteStore(staged).write((tx) => appendAudit(tx, who, [{ action: 'bulk', entity: 'restore', entityKey: name, after: { safetyCopy: safety.name }, agencies: [] }]));
      staged.$client.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      staged.$client.close();
    }
  } catch (e) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(tmp + suffix, { force: true });
    throw e;
  }
  ledger.db.$client.pragma('wal_checkpoint(TRUNCATE)');
  let swapped = false;
  // Held across the swap, so no other program can take the ledger while no connection is open.
  const unlock = lockLedger(ledger.file);
  try {
    await swapIn(tmp, ledger.file, () => ledger.db.$client.close(), hooks.rename ?? renameRetrying);
    swapped = true;
    replaceDatabase(ledger, open(ledger.file));
  } catch (e) {
    rmSync(tmp, { force: true });
    if (!ledger.db.$client.open) {
      if (swapped) {
        // The restored copy would not open: put the ledger back as it was.
        await swapIn(await stageRestore(resolveBackup(ctx.file, safety.name), ledger.file), ledger.file, () => undefined);
      }
      replaceDatabase(ledger, open(ledger.file));
    }
    throw new UserError([{ file: name, message: `恢复失败,台账保持恢复前的状态:${(e as Error).message}` }]);
  } finally {
    unlock();
  }
  await ledger.sessions.endAll();
  return { restored: name, safetyCopy: safety.name };
}

/** Backups of the ledger file the server has open; on the provincial database, refused with where its backups are. */
export const backupHandlers: HandlersFor<typeof backupOps> = {
  'backups/list': (ctx) => backupList(ctx),
  'backups/create': (ctx) => createManualBackup(ctx),
  'backups/download': (ctx, { name }) => downloadBackup(ctx, name),
  'backups/upload': (ctx, { fileName, base64 }) => uploadBackup(ctx, fileName, base64),
  'backups/preview': (ctx, { name }) => backupPreview(ctx, name),
  'backups/restore': (ctx, { name }) => restoreBackup(ctx, name),
};
