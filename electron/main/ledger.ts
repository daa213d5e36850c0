import { app } from 'electron';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { machineClock } from '../../server/clock';
import type { Ledger } from '../../server/context';
import { openLedger as openLedgerFile } from '../../server/ledger';
import { DEFAULT_LEDGER_FILE } from '../../server/paths';

/** Migrations ship beside the app (extraResources) when packaged, and in the source tree in development. */
function migrationsFolder(): string {
  return app.isPackaged ? join(process.resourcesPath, 'migrations') : join(app.getAppPath(), 'db', 'migrations');
}

export function defaultLedgerFile(): string {
  const dir = app.getPath('userData');
  mkdirSync(dir, { recursive: true });
  return join(dir, DEFAULT_LEDGER_FILE);
}

/** Opens a ledger file for the window to work on; nobody is signed in to it yet. */
export function openLedger(file: string): Ledger {
  return openLedgerFile(file, machineClock(), { migrationsFolder: migrationsFolder() }).ledger;
}
