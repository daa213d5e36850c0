import type { IsoDate } from '../lib/dates';
import type { Db } from '../db/open';
import type { Actor } from '../db/queries/audit';

/** What a handler needs besides its input: the open ledger, who is acting, and today. */
export interface Context {
  db: Db;
  file: string;
  who: () => Actor;
  today: () => IsoDate;
}
