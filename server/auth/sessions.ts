import { randomBytes } from 'node:crypto';

export interface SessionLimits {
  /** A session ends after this long without a call. */
  idleMs: number;
  /** And after this long in any case. */
  maxMs: number;
}

const DEFAULT_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };

/** Failed logins of one name within this window lock it for the rest of the window. */
const FAILURE_WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 5;

interface Session {
  userId: number;
  started: number;
  seen: number;
}

/** Signed-in sessions, in memory: a restart signs everyone out. */
export class Sessions {
  private readonly byToken = new Map<string, Session>();
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: SessionLimits = DEFAULT_LIMITS, private readonly now: () => number = Date.now) {}

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

  locked(username: string): boolean {
    const t = this.now();
    const recent = (this.failures.get(username) ?? []).filter((x) => t - x < FAILURE_WINDOW_MS);
    this.failures.set(username, recent);
    return recent.length >= MAX_FAILURES;
  }

  failed(username: string): void {
    this.failures.set(username, [...(this.failures.get(username) ?? []), this.now()]);
  }

  succeeded(username: string): void {
    this.failures.delete(username);
  }
}
