import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/types';
import { endAllSessions, endSession, endUserSessions, pruneSessions, sessionUserId, startSession, type SessionLimits } from '../../db/queries/sessions';
import { SignInLimits } from './sign-in-limits';

export type { SessionLimits };

const DEFAULT_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };

/** What the database keeps of a token: its SHA-256, so a copy of the database opens no session. */
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Signed-in sessions, stored in the ledger's database (a restart signs nobody out). `db` is read at each
 * call, since a restore puts another database in place.
 */
export class Sessions {
  /** Password guesses, limited per name and per address (in this process). */
  readonly signIns: SignInLimits;

  constructor(private readonly db: () => Db, private readonly limits: SessionLimits = DEFAULT_LIMITS, private readonly now: () => number = Date.now) {
    this.signIns = new SignInLimits(now);
  }

  start(userId: number): string {
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    pruneSessions(this.db(), t, this.limits);
    startSession(this.db(), hashOf(token), userId, t);
    return token;
  }

  /** The user of a live session, which this call keeps alive; null when unknown or expired. */
  user(token: string | undefined): number | null {
    return token ? sessionUserId(this.db(), hashOf(token), this.now(), this.limits) : null;
  }

  end(token: string | undefined): void {
    if (token) endSession(this.db(), hashOf(token));
  }

  /** Ends every session of a user (deactivated, role changed, password reset). */
  endUser(userId: number): void {
    endUserSessions(this.db(), userId);
  }

  /** Signs everyone out (the ledger was replaced by a backup). */
  endAll(): void {
    endAllSessions(this.db());
  }
}
