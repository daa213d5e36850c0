import { UserError } from '../../lib/problems';
import { dialog, ipcMain, type BrowserWindow, type FileFilter } from 'electron';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { callContext, IPC_REMOTE, type Ledger } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { isTrustedSender } from './security/ipc-sender';
import { MAX_BACKUP_UPLOAD_BYTES } from '../../api/contract';
import { MAX_FILE_BYTES } from '../../excel/workbook';
import { SPREADSHEET_EXTENSIONS } from '../../excel/formats';

export const API_CHANNEL = 'api';
export const FILE_OPEN_CHANNEL = 'file:open';
export const FILE_SAVE_CHANNEL = 'file:save';

/** The kinds of file the page may ask to open or save, each with its dialog filter. */
export const FILE_KINDS: Record<string, FileFilter> = {
  xlsx: { name: 'Excel 工作簿', extensions: ['xlsx'] },
  csv: { name: 'CSV 文件(WPS/旧版 Excel)', extensions: ['csv'] },
  zip: { name: 'CSV 压缩包', extensions: ['zip'] },
  sheet: { name: '表格文件(Excel、WPS、CSV)', extensions: [...SPREADSHEET_EXTENSIONS] },
  backup: { name: '台账备份', extensions: ['db'] },
  mapping: { name: '导入映射', extensions: ['json'] },
  png: { name: 'PNG 图片', extensions: ['png'] },
  pdf: { name: 'PDF 文件', extensions: ['pdf'] },
};

/**
 * The largest file of each kind the page may be handed, as base64 inside the limits the API's
 * schemas take (imports: 300 MB of base64; a backup: 512 MB, about what one V8 string holds).
 */
export const MAX_OPEN_BYTES: Record<string, number> = {
  xlsx: MAX_FILE_BYTES,
  csv: MAX_FILE_BYTES,
  zip: MAX_FILE_BYTES,
  sheet: MAX_FILE_BYTES,
  backup: MAX_BACKUP_UPLOAD_BYTES,
  mapping: 10 * 1024 * 1024,
  png: 10 * 1024 * 1024,
};

const isKind = (k: unknown): k is string => typeof k === 'string' && Object.prototype.hasOwnProperty.call(FILE_KINDS, k);

/**
 * The IPC transport: one channel, the same dispatcher (rights, zod validation) as HTTP; each
 * window's page has its own sign-in session. Files go through native dialogs in this process only.
 */
export function serveApi(ledger: () => Ledger, ownUrl: () => string, window: () => BrowserWindow | null): void {
  const tokens = new Map<number, string>();
  ipcMain.handle(API_CHANNEL, async (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event, ownUrl)) return { ok: false, problems: [{ message: '拒绝来自未知页面的请求' }] };
    if (typeof name !== 'string') return { ok: false, problems: [{ message: '请求无效' }] };
    const id = event.sender.id;
    try {
      const ctx = await callContext(ledger(), tokens.get(id), (token) => (token === null ? tokens.delete(id) : tokens.set(id, token)), IPC_REMOTE);
      return await dispatch(ctx, name, input);
    } catch (e) {
      if (e instanceof UserError) return { ok: false, problems: e.problems };
      throw e;
    }
  });
  ipcMain.handle(FILE_OPEN_CHANNEL, async (event, kind: unknown) => {
    if (!isTrustedSender(event, ownUrl) || !isKind(kind)) return null;
    const r = await dialog.showOpenDialog(window()!, { properties: ['openFile'], filters: [FILE_KINDS[kind]] });
    const path = r.filePaths[0];
    if (r.canceled || !path) return null;
    const max = MAX_OPEN_BYTES[kind];
    if (statSync(path).size > max) return { error: `文件「${basename(path)}」超过 ${Math.round(max / 1024 / 1024)} MB,无法打开` };
    return { name: basename(path), base64: readFileSync(path).toString('base64') };
  });
  ipcMain.handle(FILE_SAVE_CHANNEL, async (event, kind: unknown, name: unknown, base64: unknown) => {
    if (!isTrustedSender(event, ownUrl) || !isKind(kind) || typeof name !== 'string' || typeof base64 !== 'string') return null;
    const r = await dialog.showSaveDialog(window()!, { defaultPath: basename(name), filters: [FILE_KINDS[kind]] });
    if (r.canceled || !r.filePath) return null;
    writeFileSync(r.filePath, Buffer.from(base64, 'base64'));
    return r.filePath;
  });
}
