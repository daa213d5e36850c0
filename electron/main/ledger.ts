import { app } from 'electron';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { todayIso } from '../../lib/dates';
import { openDatabase } from '../../db/open';
import { actorNow } from '../../db/queries/audit';
import type { Context } from '../../server/context';
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

/** Opens a ledger file as the context every api call runs in. */
export function openLedger(file: string): Context {
  const { db } = openDatabase(file, { migrationsFolder: migrationsFolder() });
  const user = userInfo().username;
  return { db, file, who: () => actorNow(`desktop:${user}`), today: () => todayIso() };
}
