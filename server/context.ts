import type { SessionUser } from '../api/roles';
import type { Clock } from '../lib/clock';
import type { IsoDate } from '../lib/dates';
import type { Db } from '../db/open';
import { actorNow, type Actor } from '../db/queries/audit';
import { sessionUser, userById } from '../db/queries/users';
import type { Sessions } from './auth/sessions';

/** The open ledger a transport serves; `db` is replaced in place when a backup is restored. */
export interface Ledger {
  db: Db;
  file: string;
  /** The ledger's one clock: every date stored or shown, and every audit time, comes from it. */
  clock: Clock;
  sessions: Sessions;
  /** Where this app's migrations are, when not beside the code (a packaged Electron app). */
  migrationsFolder?: string;
}

/** What a handler needs besides its input: the ledger, who is calling, and how to sign them in or out. */
export interface Context extends Ledger {
  /** The local date in the ledger's zone, from its clock. */
  today: () => IsoDate;
  now: () => Date;
  user: SessionUser | null;
  who: () => Actor;
  /** Starts a session for the caller (a user id) or ends it (null). */
  signIn: (userId: number | null) => void;
  /** The ledger the call runs on, for operations that replace its database. */
  ledger: Ledger;
}

/**
 * The context of one call from a caller holding `token` (an HTTP cookie, a window's IPC session);
 * `setToken` hands a new token (or null) back to the transport.
 */
export function callContext(ledger: Ledger, token: string | undefined, setToken: (token: string | null) => void): Context {
  const userId = ledger.sessions.user(token);
  const row = userId === null ? undefined : userById(ledger.db, userId);
  const user = row?.active ? sessionUser(row) : null;
  return {
    db: ledger.db,
    file: ledger.file,
    clock: ledger.clock,
    today: () => ledger.clock.today(),
    now: () => ledger.clock.now(),
    sessions: ledger.sessions,
    migrationsFolder: ledger.migrationsFolder,
    ledger,
    user,
    who: () => actorNow(user?.username ?? '(未登录)', ledger.clock),
    signIn: (id) => {
      ledger.sessions.end(token);
      setToken(id === null ? null : ledger.sessions.start(id));
    },
  };
}
