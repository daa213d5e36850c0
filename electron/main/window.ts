import { app, BrowserWindow, screen } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Bounds {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized?: boolean;
}

const stateFile = () => join(app.getPath('userData'), 'window.json');

function savedBounds(): Bounds {
  try {
    const b = JSON.parse(readFileSync(stateFile(), 'utf8')) as Bounds;
    const visible = screen.getAllDisplays().some((d) => b.x !== undefined && b.y !== undefined && b.x >= d.bounds.x - 50 && b.y >= d.bounds.y - 50 && b.x < d.bounds.x + d.bounds.width && b.y < d.bounds.y + d.bounds.height);
    return visible ? b : { width: b.width, height: b.height, maximized: b.maximized };
  } catch {
    return { width: 1366, height: 768 };
  }
}

/** The main window: sandboxed, isolated, no Node in the page; its size and place are remembered. Without a preload for a page not the app's own. */
export function createMainWindow(preload: string | undefined): BrowserWindow {
  const b = savedBounds();
  const win = new BrowserWindow({
    width: b.width, height: b.height, x: b.x, y: b.y, minWidth: 1024, minHeight: 640, show: false, title: '执法装备台账',
    webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, spellcheck: false, devTools: !app.isPackaged },
  });
  if (b.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    const { width, height, x, y } = win.getNormalBounds();
    writeFileSync(stateFile(), JSON.stringify({ width, height, x, y, maximized: win.isMaximized() }));
  });
  return win;
}
