import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../../db/store';
import { endAllSessions, endSession, endUserSessions, pruneSessions, sessionUserId, startSession, type SessionLimits } from '../../db/queries/sessions';
import { SignInLimits } from './sign-in-limits';

export type { SessionLimits };

const DEFAULT_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };

/** What the database keeps of a token: its SHA-256, so a copy of the database opens no session. */
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Signed-in sessions, stored in the ledger's database (a restart signs nobody out, and every server process
 * on the provincial database knows them). `store` is read at each call, since a restore puts another
 * database in place.
 */
export class Sessions {
  /** Password guesses, limited per name and per address (in this process). */
  readonly signIns: SignInLimits;

  constructor(private readonly store: () => Store, private readonly limits: SessionLimits = DEFAULT_LIMITS, private readonly now: () => number = Date.now) {
    this.signIns = new SignInLimits(now);
  }

  async start(userId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    // Each statement stands alone (no transaction): a session check never waits for another's writes.
    await pruneSessions(this.store(), t, this.limits);
    await startSession(this.store(), hashOf(token), userId, t);
    return token;
  }

  /** The user of a live session, which this call keeps alive; null when unknown or expired. */
  async user(token: string | undefined): Promise<number | null> {
    return token ? sessionUserId(this.store(), hashOf(token), this.now(), this.limits) : null;
  }

  async end(token: string | undefined): Promise<void> {
    if (token) await endSession(this.store(), hashOf(token));
  }

  /** Ends every session of a user (deactivated, role changed, password reset). */
  endUser(userId: number): Promise<void> {
    return endUserSessions(this.store(), userId);
  }

  /** Signs everyone out (the ledger was replaced by a backup). */
  endAll(): Promise<void> {
    return endAllSessions(this.store());
  }
}
