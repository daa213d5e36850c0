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
import { readConnection, saveConnection, type Connection } from './connection';
import { pinCertificate, serveStart } from './start';

const here = import.meta.dirname;
const pageUrl = pathToFileURL(join(here, '..', 'renderer', 'index.html')).toString();
const startUrl = `${pageUrl}?screen=start`;
const preload = join(here, 'preload.cjs');
let ledger: Ledger | null = null;
let stopBackups = () => {};
let win: BrowserWindow | null = null;
/** The one page the window may show: the first screen, the app's own page, or the provincial server's. */
let shownUrl = startUrl;
let server: Extract<Connection, { kind: 'server' }> | null = null;
/** Whether the window has the preload (it shows one of the app's own pages). */
let windowIsLocal = false;
const connectionFile = () => join(app.getPath('userData'), 'connection.json');

/**
 * Shows a page; the app's own pages get the preload (its IPC api and native file dialogs), the provincial
 * server's page none: it is the web UI over HTTPS, like in a browser, and can reach nothing on this machine.
 */
function show(url: string, local: boolean) {
  shownUrl = url;
  if (!win || windowIsLocal !== local) {
    const old = win;
    win = createMainWindow(local ? preload : undefined);
    windowIsLocal = local;
    old?.destroy();
  }
  win.loadURL(url);
}

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
    useLocal();
  } catch (e) {
    dialog.showErrorBox('无法打开该台账文件', explain(e));
  }
}

function useLocal() {
  server = null;
  saveConnection(connectionFile(), { kind: 'local' });
  show(pageUrl, true);
}

/** Opens the ledger file on this machine (with the way out of one that will not open); false when the user quits. */
async function openLocal(): Promise<boolean> {
  if (!ledger) {
    const opened = await openAtStart(defaultLedgerFile(), openLedger, recoveryDialogs, machineClock().timeZone);
    if (!opened) return false;
    adopt(opened);
  }
  useLocal();
  return true;
}

function openServer(c: Extract<Connection, { kind: 'server' }>) {
  stopBackups();
  if (ledger) closeLedger(ledger);
  ledger = null;
  server = c;
  pinCertificate(session.defaultSession, c);
  show(`${c.origin}/`, false);
}

async function choose(c: Connection) {
  if (c.kind === 'server') {
    saveConnection(connectionFile(), c);
    openServer(c);
  } else if (!(await openLocal())) app.exit(1);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.on('web-contents-created', (_e, contents) => blockNavigation(contents, () => shownUrl));
  app.whenReady().then(async () => {
    denyPermissions(session.defaultSession);
    enforceCsp(session.defaultSession);
    serveApi(() => ledger!, () => (ledger ? pageUrl : ''), () => win);
    serveStart(() => (shownUrl === startUrl ? startUrl : ''), choose);
    Menu.setApplicationMenu(buildMenu({
      openLedger: chooseLedger,
      switchLedger: () => show(startUrl, true),
      about: () => dialog.showMessageBox(win!, { title: '关于', message: `执法装备台账 ${app.getVersion()}`, detail: server ? `省级服务器:${server.origin}` : `台账文件:${ledger?.file}` }),
    }, !app.isPackaged));
    // The first start asks which ledger; afterwards the app opens what was chosen last.
    const remembered = readConnection(connectionFile());
    if (!remembered) show(startUrl, true);
    else await choose(remembered);
  });
  app.on('window-all-closed', () => {
    stopBackups();
    if (ledger) closeLedger(ledger);
    app.quit();
  });
}
