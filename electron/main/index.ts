import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { machineClock } from '../../server/clock';
import type { Ledger } from '../../server/context';
import { closeLedger } from '../../server/ledger';
import { scheduleDailyBackups } from '../../server/daily-backup';
import { serveApi } from './ipc';
import { defaultLedgerFile, openLedger } from './ledger';
import { buildMenu } from './menu';
import { explain, openAtStart, type RecoveryUi } from './recovery';
import { enforceCsp } from './security/csp';
import { blockNavigation } from './security/navigation';
import { denyPermissions } from './security/permissions';
import { createMainWindow } from './window';

const here = import.meta.dirname;
const pageUrl = pathToFileURL(join(here, '..', 'renderer', 'index.html')).toString();
let ledger: Ledger | null = null;
let stopBackups = () => {};
let win: BrowserWindow | null = null;

function adopt(next: Ledger) {
  stopBackups();
  if (ledger) closeLedger(ledger);
  ledger = next;
  stopBackups = scheduleDailyBackups(next);
}

async function pickLedgerFile(): Promise<string | null> {
  const options = { title: '打开台账文件', properties: ['openFile' as const], filters: [{ name: '台账数据库', extensions: ['db', 'sqlite'] }] };
  const r = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
  return r.canceled ? null : r.filePaths[0] ?? null;
}

const recoveryDialogs: RecoveryUi = {
  ask: async (message, buttons) => (await dialog.showMessageBox({ type: 'error', title: '执法装备台账无法打开台账', message, buttons, cancelId: buttons.length - 1 })).response,
  chooseFile: pickLedgerFile,
  showError: (title, message) => dialog.showErrorBox(title, message),
};

async function chooseLedger() {
  const file = await pickLedgerFile();
  if (!file) return;
  try {
    adopt(openLedger(file));
    win?.reload();
  } catch (e) {
    dialog.showErrorBox('无法打开该台账文件', explain(e));
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
  app.whenReady().then(async () => {
    const opened = await openAtStart(defaultLedgerFile(), openLedger, recoveryDialogs, machineClock().timeZone);
    if (!opened) return app.exit(1);
    adopt(opened);
    denyPermissions(session.defaultSession);
    enforceCsp(session.defaultSession);
    serveApi(() => ledger!, () => pageUrl, () => win);
    Menu.setApplicationMenu(buildMenu({
      openLedger: chooseLedger,
      about: () => dialog.showMessageBox(win!, { title: '关于', message: `执法装备台账 ${app.getVersion()}`, detail: `台账文件:${ledger?.file}` }),
    }, !app.isPackaged));
    win = createMainWindow(join(here, 'preload.cjs'));
    win.loadURL(pageUrl);
  });
  app.on('window-all-closed', () => {
    stopBackups();
    if (ledger) closeLedger(ledger);
    app.quit();
  });
}
