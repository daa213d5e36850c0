import { randomBytes } from 'node:crypto';
import { SignInLimits } from './sign-in-limits';

export interface SessionLimits {
  /** A session ends after this long without a call. */
  idleMs: number;
  /** And after this long in any case. */
  maxMs: number;
}

const DEFAULT_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };

interface Session {
  userId: number;
  started: number;
  seen: number;
}

/** Signed-in sessions, in memory: a restart signs everyone out. */
export class Sessions {
  private readonly byToken = new Map<string, Session>();
  /** Password guesses, limited per name and per address. */
  readonly signIns: SignInLimits;

  constructor(private readonly limits: SessionLimits = DEFAULT_LIMITS, private readonly now: () => number = Date.now) {
    this.signIns = new SignInLimits(now);
  }

  start(userId: number): string {
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    this.byToken.set(token, { userId, started: t, seen: t });
    return token;
  }

  /** The user of a live session, which this call keeps alive; null when unknown or expired. */
  user(token: string | undefined): number | null {
    if (!token) return null;
    const s = this.byToken.get(token);
    if (!s) return null;
    const t = this.now();
    if (t - s.seen > this.limits.idleMs || t - s.started > this.limits.maxMs) {
      this.byToken.delete(token);
      return null;
    }
    s.seen = t;
    return s.userId;
  }

  end(token: string | undefined): void {
    if (token) this.byToken.delete(token);
  }

  /** Ends every session of a user (deactivated, role changed, password reset). */
  endUser(userId: number): void {
    for (const [token, s] of this.byToken) if (s.userId === userId) this.byToken.delete(token);
  }

  /** Signs everyone out (the ledger was replaced by a backup). */
  endAll(): void {
    this.byToken.clear();
  }
}
