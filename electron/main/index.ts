import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatInstant } from '../../lib/clock';
import { formatProblem, UserError } from '../../lib/problems';
import { machineClock } from '../../server/clock';
import { copyBackupOver, listBackups, resolveBackup } from '../../db/backup';
import type { Ledger } from '../../server/context';
import { scheduleDailyBackups } from '../../server/daily-backup';
import { serveApi } from './ipc';
import { defaultLedgerFile, openLedger } from './ledger';
import { buildMenu } from './menu';
import { enforceCsp } from './security/csp';
import { blockNavigation } from './security/navigation';
import { denyPermissions } from './security/permissions';
import { createMainWindow } from './window';

const here = import.meta.dirname;
const pageUrl = pathToFileURL(join(here, '..', 'renderer', 'index.html')).toString();
let ledger: Ledger | null = null;
let stopBackups = () => {};
let win: BrowserWindow | null = null;

const explain = (e: unknown) => (e instanceof UserError ? e.problems.map(formatProblem).join('\n') : String(e));

function useLedger(file: string) {
  const next = openLedger(file);
  stopBackups();
  ledger?.db.$client.close();
  ledger = next;
  stopBackups = scheduleDailyBackups(next);
}

/**
 * Opens the default ledger; when it will not open (damaged, or from a newer app), offers the way
 * out: restore the newest backup, open another file, or quit.
 */
async function openAtStart(): Promise<void> {
  const file = defaultLedgerFile();
  for (;;) {
    try {
      return useLedger(file);
    } catch (e) {
      const newest = listBackups(file)[0];
      const buttons = [...(newest ? [`从最近的备份恢复(${formatInstant(newest.at, machineClock().timeZone).slice(0, 16)})`] : []), '打开其他台账文件…', '退出'];
      const { response } = await dialog.showMessageBox({ type: 'error', title: '执法装备台账无法打开台账', message: explain(e), buttons, cancelId: buttons.length - 1 });
      const choice = buttons[response];
      if (newest && response === 0) await copyBackupOver(resolveBackup(file, newest.name), file, () => undefined);
      else if (choice === '打开其他台账文件…') {
        const r = await dialog.showOpenDialog({ title: '打开台账文件', properties: ['openFile'], filters: [{ name: '台账数据库', extensions: ['db', 'sqlite'] }] });
        if (!r.canceled && r.filePaths[0]) {
          try {
            return useLedger(r.filePaths[0]);
          } catch (again) {
            dialog.showErrorBox('无法打开该台账文件', explain(again));
          }
        }
      } else {
        app.exit(1);
        return;
      }
    }
  }
}

async function chooseLedger() {
  const r = await dialog.showOpenDialog(win!, { title: '打开台账文件', properties: ['openFile'], filters: [{ name: '台账数据库', extensions: ['db', 'sqlite'] }] });
  if (r.canceled || !r.filePaths[0]) return;
  try {
    useLedger(r.filePaths[0]);
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
    await openAtStart();
    if (!ledger) return;
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
    ledger?.db.$client.close();
    app.quit();
  });
}
