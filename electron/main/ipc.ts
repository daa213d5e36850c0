import { ipcMain } from 'electron';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { isTrustedSender } from './security/ipc-sender';

export const API_CHANNEL = 'api';

/** The IPC transport: one channel, the same dispatcher (and zod validation) as HTTP. */
export function serveApi(context: () => Context, ownUrl: () => string): void {
  ipcMain.handle(API_CHANNEL, (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event, ownUrl)) return { ok: false, problems: [{ message: '拒绝来自未知页面的请求' }] };
    if (typeof name !== 'string') return { ok: false, problems: [{ message: '请求无效' }] };
    return dispatch(context(), name, input);
  });
}
