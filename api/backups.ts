import { z } from 'zod';
import type { BackupInfo, BackupPreview } from '../lib/domain/backups';
import type { FileOut } from '../lib/domain/files';
import { none, op } from './op';

export * from '../lib/domain/backups';

/** A backup added from a file: its base64 must fit in one string (V8 holds about 512 MB of characters). */
export const MAX_BACKUP_UPLOAD_BYTES = 380 * 1024 * 1024;

/** Backups beside the ledger, and restore. */
export const backupOps = {
  'backups/list': op(none, 'admin').returns<BackupInfo[]>(),
  'backups/create': op(none, 'admin', true).returns<BackupInfo>(),
  'backups/download': op(z.object({ name: z.string().min(1).max(255) }), 'admin').returns<FileOut>(),
  'backups/upload': op(z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(Math.ceil(MAX_BACKUP_UPLOAD_BYTES / 3) * 4) }), 'admin', true).returns<BackupInfo>(),
  'backups/preview': op(z.object({ name: z.string().min(1).max(255) }), 'admin').returns<BackupPreview>(),
  'backups/restore': op(z.object({ name: z.string().min(1).max(255) }), 'admin', true).returns<{ restored: string; safetyCopy: string }>(),
} as const;
