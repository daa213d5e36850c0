import { ipcMain, type Session } from 'electron';
import { isTrustedSender } from './security/ipc-sender';
import { pinnedVerdict, probeServer, serverOrigin, type Connection } from './connection';

/** The first screen's three questions to the main process (electron/preload, renderer/screens/Start.tsx). */
export function serveStart(ownUrl: () => string, choose: (c: Connection) => Promise<void>): void {
  ipcMain.handle('start:probe', async (event, typed: unknown) => {
    if (!isTrustedSender(event, ownUrl) || typeof typed !== 'string') return { error: '请求无效' };
    try {
      const origin = serverOrigin(typed);
      return { origin, ...(await probeServer(origin)) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
  ipcMain.handle('start:connect', async (event, origin: unknown, fingerprint: unknown) => {
    if (!isTrustedSender(event, ownUrl) || typeof origin !== 'string' || typeof fingerprint !== 'string') return { error: '请求无效' };
    try {
      // Checked again: the certificate the user saw must be the one the server presents now.
      const now = await probeServer(serverOrigin(origin));
      if (now.fingerprint !== fingerprint) return { error: '服务器的证书在核对期间发生了变化,已停止连接;请重新连接并核对' };
      await choose({ kind: 'server', origin: serverOrigin(origin), fingerprint });
      return null;
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
  ipcMain.handle('start:local', async (event) => {
    if (isTrustedSender(event, ownUrl)) await choose({ kind: 'local' });
  });
}

/** From now on the session accepts, for the server's host, only the certificate the user pinned. */
export function pinCertificate(session: Session, pin: { origin: string; fingerprint: string }): void {
  session.setCertificateVerifyProc((request, callback) => callback(pinnedVerdict(pin, request.hostname, request.certificate.data)));
}
