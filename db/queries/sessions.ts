import type { Db } from '../types';

export interface SessionLimits {
  /** A session ends after this long without a call. */
  idleMs: number;
  /** And after this long in any case. */
  maxMs: number;
}

/** How stale the stored "last seen" may grow before a call writes it again: not one write per request. */
const SEEN_EVERY_MS = 60_000;

export function startSession(db: Db, tokenHash: string, userId: number, now: number): void {
  db.$client.prepare('insert into sessions (token_hash, user_id, started_at, seen_at) values (?, ?, ?, ?)').run(tokenHash, userId, now, now);
}

/** The user of a live session, which this call keeps alive; null when unknown or expired (and then forgotten). */
export function sessionUserId(db: Db, tokenHash: string, now: number, limits: SessionLimits): number | null {
  const s = db.$client.prepare('select user_id as userId, started_at as startedAt, seen_at as seenAt from sessions where token_hash = ?')
    .get(tokenHash) as { userId: number; startedAt: number; seenAt: number } | undefined;
  if (!s) return null;
  if (now - s.seenAt > limits.idleMs || now - s.startedAt > limits.maxMs) {
    db.$client.prepare('delete from sessions where token_hash = ?').run(tokenHash);
    return null;
  }
  if (now - s.seenAt > SEEN_EVERY_MS) db.$client.prepare('update sessions set seen_at = ? where token_hash = ?').run(now, tokenHash);
  return s.userId;
}

export function endSession(db: Db, tokenHash: string): void {
  db.$client.prepare('delete from sessions where token_hash = ?').run(tokenHash);
}

export function endUserSessions(db: Db, userId: number): void {
  db.$client.prepare('delete from sessions where user_id = ?').run(userId);
}

export function endAllSessions(db: Db): void {
  db.$client.prepare('delete from sessions').run();
}

/** Forgets sessions that can no longer be used, so the table holds only live ones. */
export function pruneSessions(db: Db, now: number, limits: SessionLimits): void {
  db.$client.prepare('delete from sessions where seen_at < ? or started_at < ?').run(now - limits.idleMs, now - limits.maxMs);
}
