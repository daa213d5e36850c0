import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { isTrustedSender } from '../../electron/main/security/ipc-sender';
import { blockNavigation } from '../../electron/main/security/navigation';
import { denyPermissions } from '../../electron/main/security/permissions';

const PAGE = 'file:///opt/app/dist/renderer/index.html';
const own = () => PAGE;

function ipcEvent(url: string | null, parent: object | null = null): IpcMainInvokeEvent {
  return { senderFrame: url === null ? null : { url, parent } } as unknown as IpcMainInvokeEvent;
}

describe('the IPC sender check', () => {
  it('answers the app’s own page, whatever its route', () => {
    expect(isTrustedSender(ipcEvent(PAGE), own)).toBe(true);
    expect(isTrustedSender(ipcEvent(`${PAGE}#/ledger?agency=990101`), own)).toBe(true);
  });

  it('refuses another page, a frame inside the page, and a destroyed frame', () => {
    expect(isTrustedSender(ipcEvent('https://example.com/'), own)).toBe(false);
    expect(isTrustedSender(ipcEvent('file:///tmp/evil.html'), own)).toBe(false);
    expect(isTrustedSender(ipcEvent(PAGE, {}), own)).toBe(false);
    expect(isTrustedSender(ipcEvent(null), own)).toBe(false);
  });
});

describe('navigation and new windows', () => {
  function contents() {
    const emitter = new EventEmitter();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const wc = Object.assign(emitter, { setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h) }) as unknown as WebContents;
    blockNavigation(wc, own);
    const fire = (name: string, url: string) => {
      let prevented = false;
      emitter.emit(name, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    return { fire, open: (url: string) => openHandler!({ url }).action };
  }

  it('stays on its own page and opens no window', () => {
    const c = contents();
    expect(c.fire('will-navigate', PAGE)).toBe(false);
    expect(c.fire('will-navigate', 'https://example.com/')).toBe(true);
    expect(c.fire('will-redirect', 'https://example.com/')).toBe(true);
    expect(c.fire('will-attach-webview', 'about:blank')).toBe(true);
    expect(c.open('https://example.com/')).toBe('deny');
  });
});

describe('permissions', () => {
  it('refuses every permission request and check', () => {
    let request: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    denyPermissions({
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
    } as unknown as Session);
    let granted: boolean | undefined;
    request!(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(check!()).toBe(false);
  });
});
