import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { BackupInfo, FileOut } from '../../api/contract';
import { UserError } from '../../lib/problems';
import { backupPath, copyBackupOver, createBackup, listBackups, previewBackup, resolveBackup } from '../../db/backup';
import { openDatabase } from '../../db/open';
import { appendAudit } from '../../db/queries/audit';
import type { Context } from '../context';

export function createManualBackup(ctx: Context): Promise<BackupInfo> {
  return createBackup(ctx.db.$client, ctx.file, 'manual', ctx.now());
}

export function downloadBackup(ctx: Context, name: string): FileOut {
  return { fileName: name, base64: readFileSync(resolveBackup(ctx.file, name)).toString('base64') };
}

/** A backup file the user picked elsewhere, kept with this ledger's backups once it proves to be a ledger. */
export function uploadBackup(ctx: Context, fileName: string, base64: string): BackupInfo {
  const path = backupPath(ctx.file, 'uploaded', ctx.now());
  writeFileSync(path, Buffer.from(base64, 'base64'));
  try {
    previewBackup(path);
  } catch (e) {
    rmSync(path, { force: true });
    if (e instanceof UserError) throw new UserError(e.problems.map((p) => ({ ...p, file: fileName })));
    throw e;
  }
  return listBackups(ctx.file).find((b) => b.name === basename(path))!;
}

/**
 * Replaces the ledger with a backup: the backup must pass the integrity check; the current ledger
 * is backed up first; everyone is signed out, since the backup holds its own users.
 */
export async function restoreBackup(ctx: Context, name: string): Promise<{ restored: string; safetyCopy: string }> {
  const path = resolveBackup(ctx.file, name);
  const preview = previewBackup(path);
  if (preview.integrity !== 'ok') throw new UserError([{ file: name, message: `该备份未通过完整性检查,不能恢复:${preview.integrity.split('\n')[0]}` }]);
  const safety = await createBackup(ctx.db.$client, ctx.file, 'before-restore', ctx.now());
  const { ledger } = ctx;
  const reopen = () => openDatabase(ledger.file, { migrationsFolder: ledger.migrationsFolder, now: ledger.clock.now() }).db;
  await copyBackupOver(path, ledger.file, () => ledger.db.$client.close());
  try {
    ledger.db = reopen();
  } catch (e) {
    // The restored copy would not open (a newer app's backup): put the ledger back as it was.
    await copyBackupOver(resolveBackup(ctx.file, safety.name), ledger.file, () => undefined);
    ledger.db = reopen();
    throw e;
  }
  appendAudit(ledger.db, ctx.who(), [{ action: 'bulk', entity: 'restore', entityKey: name, after: { safetyCopy: safety.name }, agencies: [] }]);
  ledger.sessions.endAll();
  return { restored: name, safetyCopy: safety.name };
}
