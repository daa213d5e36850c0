import type { SessionUser } from '../api/roles';
import type { Clock } from '../lib/clock';
import type { IsoDate } from '../lib/dates';
import type { Db } from '../db/types';
import type { Store } from '../db/store';
import { actorNow, type Actor } from '../db/queries/audit';
import { sessionUser, userById } from '../db/queries/users';
import type { Sessions } from './auth/sessions';

/** The open ledger a transport serves; `db` and `store` are replaced in place when a backup is restored. */
export interface Ledger {
  /** The embedded ledger's database (backups, restore); on the provincial database, reading it is refused. */
  db: Db;
  /** The ledger's database, on either engine: every query runs on it or on one of its transactions. */
  store: Store;
  /** Where the ledger is, for its administrator: the file's path, or the provincial database's address without its password. */
  file: string;
  /** The ledger's one clock: every date stored or shown, and every audit time, comes from it. */
  clock: Clock;
  sessions: Sessions;
  /** Where this app's migrations are, when not beside the code (a packaged Electron app). */
  migrationsFolder?: string;
}

/** Where a call comes from: the peer's address, and whether it is this machine. */
export interface Remote {
  /** An IP address for HTTP; `ipc` for the desktop app's own window. */
  address: string;
  loopback: boolean;
}

/** The desktop app's window, which runs on this machine. */
export const IPC_REMOTE: Remote = { address: 'ipc', loopback: true };

/** Whether a socket's peer address is this machine (127.0.0.0/8, ::1, or IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** What a handler needs besides its input: the ledger, who is calling, and how to sign them in or out. */
export interface Context extends Ledger {
  /** The local date in the ledger's zone, from its clock. */
  today: () => IsoDate;
  now: () => Date;
  user: SessionUser | null;
  remote: Remote;
  who: () => Actor;
  /** Starts a session for the caller (a user id) or ends it (null). */
  signIn: (userId: number | null) => Promise<void>;
  /** The ledger the call runs on, for operations that replace its database. */
  ledger: Ledger;
}

/**
 * The context of one call from a caller at `remote` holding `token` (an HTTP cookie, a window's IPC
 * session); `setToken` hands a new token (or null) back to the transport.
 */
export async function callContext(ledger: Ledger, token: string | undefined, setToken: (token: string | null) => void, remote: Remote): Promise<Context> {
  const userId = await ledger.sessions.user(token);
  const row = userId === null ? undefined : await userById(ledger.store, userId);
  return userContext(ledger, row?.active ? sessionUser(row) : null, remote, async (id) => {
    await ledger.sessions.end(token);
    setToken(id === null ? null : await ledger.sessions.start(id));
  });
}

/** The context of one call by `user` (null: nobody signed in), however the transport knows who they are. */
export function userContext(ledger: Ledger, user: SessionUser | null, remote: Remote, signIn: (userId: number | null) => Promise<void>): Context {
  return {
    // Read when used: the provincial database has no file database, and says so to whatever asks for one.
    get db() {
      return ledger.db;
    },
    store: ledger.store,
    file: ledger.file,
    clock: ledger.clock,
    today: () => ledger.clock.today(),
    now: () => ledger.clock.now(),
    sessions: ledger.sessions,
    migrationsFolder: ledger.migrationsFolder,
    ledger,
    user,
    remote,
    who: () => actorNow(user?.username ?? '(未登录)', ledger.clock),
    signIn,
  };
}
