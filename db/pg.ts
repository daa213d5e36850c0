import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { UserError } from '../lib/problems';
import { readJournal, refuseForeignMigrations } from './migration-journal';
import { HostPool, parseTarget, redactTarget, type Target } from './pg-hosts';

export const PG_MIGRATIONS = fileURLToPath(new URL('./migrations-pg', import.meta.url));

/**
 * Values come back as from the embedded ledger, so one query text reads the same rows on both engines: whole
 * numbers (ids, fen, counts, far below 2^53) and sum()/avg(), which PostgreSQL gives as numeric, are numbers;
 * a comparison or exists() is 1 or 0, as SQLite has no booleans.
 */
const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (v: string) => Number(v)
    : oid === BOOL ? (v: string) => (v === 't' ? 1 : 0)
    : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** The longest one statement may run (the national shortfall over a million assets takes seconds). */
const STATEMENT_MS = 300_000;

/** Every server process takes this lock to migrate, so two starting at once do not both apply a migration. */
const MIGRATION_LOCK = 0x6571_6c00; // "eql\0"

export interface ProvincialOptions {
  migrationsFolder?: string;
  /** Connections this process keeps open. */
  max?: number;
}

/**
 * Opens the provincial database: a pool of connections to the listed server that accepts writes (db/pg-hosts.ts),
 * the app's migrations applied under an advisory lock (one server process at a time), and a database migrated
 * by a newer app refused.
 */
export async function openProvincial(connection: string, options: ProvincialOptions = {}): Promise<HostPool> {
  const folder = options.migrationsFolder ?? PG_MIGRATIONS;
  const where = redactTarget(connection);
  let target: Target;
  try {
    target = parseTarget(connection);
  } catch (e) {
    throw new UserError([{ file: where, message: (e as Error).message }]);
  }
  const pool = new HostPool(target, {
    types, max: options.max ?? 10,
    // A server that vanished without closing the socket (a cable, a firewall's idle drop) is noticed in
    // seconds, not at the operating system's two hours; a statement that runs away is stopped; a process
    // that died inside a transaction does not hold its locks for long.
    keepAlive: true, keepAliveInitialDelayMillis: 10_000,
    statement_timeout: STATEMENT_MS, idle_in_transaction_session_timeout: 60_000,
  });
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end();
    throw new UserError([{ file: where, message: `无法连接数据库:${(e as Error).message}` }]);
  }
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const chain = await client.query<{ ok: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
      const applied = chain.rows[0].ok
        ? (await client.query<{ created_at: number }>('select created_at from drizzle.__drizzle_migrations order by created_at')).rows
        : [];
      refuseForeignMigrations(applied.map((r) => Number(r.created_at)), readJournal(folder), where);
      try {
        await migrate(drizzle({ client }), { migrationsFolder: folder });
      } catch (e) {
        throw new UserError([{ file: where, message: `数据库升级失败(未做任何改动):${(e as Error).message}` }]);
      }
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } catch (e) {
    client.release();
    await pool.end();
    throw e;
  }
  client.release();
  return pool;
}
