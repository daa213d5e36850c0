import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../lib/problems';

export interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

export const readJournal = (folder: string): Journal => JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;

/**
 * Refuses a database whose applied migrations (their `created_at`, oldest first) are not a prefix of this
 * app's chain: written by a newer app, or altered. `where` names the file or server in the message.
 */
export function refuseForeignMigrations(applied: number[], journal: Journal, where: string): void {
  const known = new Set(journal.entries.map((e) => Number(e.when)));
  if (applied.some((at) => !known.has(at))) {
    throw new UserError([{ file: where, message: '该数据库由更新版本的程序创建或升级,本程序无法安全打开;请升级程序后再试' }]);
  }
  if (applied.some((at, i) => Number(journal.entries[i]?.when) !== at)) {
    throw new UserError([{ file: where, message: '该数据库的升级记录与本程序的不符(可能被改动过),无法安全打开' }]);
  }
}
