import { sql } from 'kysely';
import type { Tx } from '../store';

export interface SessionLimits {
  /** A session ends after this long without a call. */
  idleMs: number;
  /** And after this long in any case. */
  maxMs: number;
}

/** How stale the stored "last seen" may grow before a call writes it again: not one write per request. */
const SEEN_EVERY_MS = 60_000;

export async function startSession(tx: Tx, tokenHash: string, userId: number, now: number): Promise<void> {
  await tx.run(sql`insert into sessions (token_hash, user_id, started_at, seen_at) values (${tokenHash}, ${userId}, ${now}, ${now})`);
}

/** The user of a live session, which this call keeps alive; null when unknown or expired (and then forgotten). */
export async function sessionUserId(tx: Tx, tokenHash: string, now: number, limits: SessionLimits): Promise<number | null> {
  const s = await tx.get<{ userId: number; startedAt: number; seenAt: number }>(
    sql`select user_id as "userId", started_at as "startedAt", seen_at as "seenAt" from sessions where token_hash = ${tokenHash}`,
  );
  if (!s) return null;
  if (now - s.seenAt > limits.idleMs || now - s.startedAt > limits.maxMs) {
    await tx.run(sql`delete from sessions where token_hash = ${tokenHash}`);
    return null;
  }
  if (now - s.seenAt > SEEN_EVERY_MS) await tx.run(sql`update sessions set seen_at = ${now} where token_hash = ${tokenHash}`);
  return s.userId;
}

export async function endSession(tx: Tx, tokenHash: string): Promise<void> {
  await tx.run(sql`delete from sessions where token_hash = ${tokenHash}`);
}

export async function endUserSessions(tx: Tx, userId: number): Promise<void> {
  await tx.run(sql`delete from sessions where user_id = ${userId}`);
}

export async function endAllSessions(tx: Tx): Promise<void> {
  await tx.run(sql`delete from sessions`);
}

/** Forgets sessions that can no longer be used, so the table holds only live ones. */
export async function pruneSessions(tx: Tx, now: number, limits: SessionLimits): Promise<void> {
  await tx.run(sql`delete from sessions where seen_at < ${now - limits.idleMs} or started_at < ${now - limits.maxMs}`);
}
