import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatProblem, UserError } from '../../lib/problems';
import type { Context } from '../../server/context';
import { serveApi } from './ipc';
import { defaultLedgerFile, openLedger } from './ledger';
import { buildMenu } from './menu';
import { enforceCsp } from './security/csp';
import { blockNavigation } from './security/navigation';
import { denyPermissions } from './security/permissions';
import { createMainWindow } from './window';

const here = import.meta.dirname;
const pageUrl = pathToFileURL(join(here, '..', 'renderer', 'index.html')).toString();
let ctx: Context | null = null;
let win: BrowserWindow | null = null;

function fail(e: unknown): never {
  dialog.showErrorBox('执法装备台账无法打开台账', e instanceof UserError ? e.problems.map(formatProblem).join('\n') : String(e));
  app.exit(1);
  throw e;
}

function useLedger(file: string) {
  const next = openLedger(file);
  ctx?.db.$client.close();
  ctx = next;
}

async function chooseLedger() {
  const r = await dialog.showOpenDialog(win!, { title: '打开台账文件', properties: ['openFile'], filters: [{ name: '台账数据库', extensions: ['db', 'sqlite'] }] });
  if (r.canceled || !r.filePaths[0]) return;
  try {
    useLedger(r.filePaths[0]);
    win?.reload();
  } catch (e) {
    dialog.showErrorBox('无法打开该台账文件', e instanceof UserError ? e.problems.map(formatProblem).join('\n') : String(e));
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.on('web-contents-created', (_e, contents) => blockNavigation(contents, () => pageUrl));
  app.whenReady().then(() => {
    try {
      useLedger(defaultLedgerFile());
    } catch (e) {
      fail(e);
    }
    denyPermissions(session.defaultSession);
    enforceCsp(session.defaultSession);
    serveApi(() => ctx!, () => pageUrl);
    Menu.setApplicationMenu(buildMenu({
      openLedger: chooseLedger,
      about: () => dialog.showMessageBox(win!, { title: '关于', message: `执法装备台账 ${app.getVersion()}`, detail: `台账文件:${ctx?.file}` }),
    }));
    win = createMainWindow(join(here, 'preload.cjs'));
    win.loadURL(pageUrl);
  });
  app.on('window-all-closed', () => {
    ctx?.db.$client.close();
    app.quit();
  });
}
