import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user data folder where the ledger lives by default (the same one Electron's userData uses). */
export function userDataDir(appName = 'equipment-ledger'): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), appName);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', appName);
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), appName);
}

export const DEFAULT_LEDGER_FILE = 'ledger.db';
