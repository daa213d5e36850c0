import { performance } from 'node:perf_hooks';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  DummyDriver, Kysely, PostgresDialect, sql, SqliteAdapter, SqliteDialect, SqliteIntrospector, SqliteQueryCompiler,
  type RawBuilder, type SqliteDatabase, type SqliteStatement,
} from 'kysely';
import { UserError } from '../lib/problems';
import type { HostPool } from './pg-hosts';
import type { Db } from './types';

export type Engine = 'sqlite' | 'postgres';

/**
 * A handle on one transaction (or, outside one, on the store itself). Queries take it as their first
 * argument and are written once for both engines with Kysely's `sql` tag, which renders each value as a
 * parameter in the engine's own form (`?` or `$1`).
 */
export interface Tx {
  readonly engine: Engine;
  all<T>(query: RawBuilder<T>): Promise<T[]>;
  get<T>(query: RawBuilder<T>): Promise<T | undefined>;
  /** Runs a statement; the number of rows it changed. */
  run(query: RawBuilder<unknown>): Promise<number>;
}

export interface WriteOptions {
  /**
   * A write of a few statements that many users send at once (a stocktake's scans): on the embedded ledger such
   * writes queued together share one commit, and so one wait for the disk. Nothing else changes: each is still all
   * or nothing, and answered only once it is on disk.
   */
  brief?: boolean;
}

export interface Store extends Tx {
  /**
   * Runs `fn` as one read-write transaction, all of it or nothing. On PostgreSQL it is SERIALIZABLE, so a
   * read-check-write step is safe with other server processes writing too, and it is run again when the
   * database reports a serialization failure or deadlock (nothing of the failed try was kept). On SQLite
   * it takes the write lock at its start (BEGIN IMMEDIATE).
   *
   * On PostgreSQL, too, writes take their turn, one at a time across every server process: each first locks
   * the audit log against other writers (every change appends to it; readers are not held up), before its
   * first read, so that its snapshot is taken once the writer before it has committed. Left to serializable
   * isolation alone, concurrent writes conflict at page granularity on the assets' many indexes and on small
   * tables (custody records), and under load most of them failed after eight tries.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** Runs `fn` on one consistent snapshot (several reads that must agree: a page and its count). */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What a user is told while the database server cannot be reached (restarting, failing over). */
export const UNAVAILABLE = '数据库暂时不可用,请稍后重试';

/** Another writer kept changing what this change read, more times than it was repeated. */
const BUSY = '数据库繁忙(与其他用户同时修改了相同的数据),本次修改未保存,请重试';
/** A statement ran past the server's limit (db/pg.ts). */
const TIMED_OUT = '数据库查询超时,本次操作未完成;请缩小查询范围后重试';

/** The database could not be reached or dropped the connection: nothing was written, the request may be repeated. */
export class StorageUnavailable extends UserError {
  constructor(cause: unknown) {
    super([{ message: UNAVAILABLE }]);
    this.cause = cause;
  }
}

/** PostgreSQL's answers that mean "try the whole transaction again": serialization failure, deadlock. */
const RETRY = new Set(['40001', '40P01']);
/** Connection exceptions (class 08), shutdowns, too many connections, read-only standby, and socket errors. */
const UNREACHABLE = /^(08|57P0[123]|53300|25006)/;
const SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function unreachable(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  if (typeof err?.code === 'string' && (UNREACHABLE.test(err.code) || SOCKET.has(err.code))) return true;
  // node-postgres reports a socket closed under it, and its pool a connection not made in time, without a code.
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(err?.message ?? '');
}

const MAX_TRIES = 8;

/**
 * `column in (values)` for any number of values, as one parameter (SQLite caps a statement's parameters):
 * `json_each` over a JSON array on SQLite, `= any(array)` on PostgreSQL.
 */
export function inList(tx: Pick<Tx, 'engine'>, column: RawBuilder<unknown>, values: readonly (string | number)[]): RawBuilder<boolean> {
  return tx.engine === 'postgres' ? sql`${column} = any(${values})` : sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}

/**
 * Refuses a query on the store itself, rather than on the transaction's handle, inside one of its transactions
 * (a Store is a Tx, so passing it to a query compiles): on SQLite it would wait forever for the one connection
 * the transaction holds, on PostgreSQL it would run outside the transaction.
 */
function outsideOnly(store: Store): Store {
  const inside = new AsyncLocalStorage<true>();
  const refused = (): never => {
    throw new Error('在事务中须用事务的 tx,不能再用 store');
  };
  return {
    engine: store.engine,
    all: (q) => (inside.getStore() ? refused() : store.all(q)),
    get: (q) => (inside.getStore() ? refused() : store.get(q)),
    run: (q) => (inside.getStore() ? refused() : store.run(q)),
    write: (fn, options) => store.write((tx) => inside.run(true, () => fn(tx)), options),
    read: (fn) => store.read((tx) => inside.run(true, () => fn(tx))),
    close: () => store.close(),
  };
}

function handle(engine: Engine, db: Parameters<RawBuilder<unknown>['execute']>[0]): Tx {
  return {
    engine,
    all: async <T>(q: RawBuilder<T>) => (await q.execute(db)).rows,
    get: async <T>(q: RawBuilder<T>) => (await q.execute(db)).rows[0],
    run: async (q: RawBuilder<unknown>) => Number((await q.execute(db)).numAffectedRows ?? 0),
  };
}

/**
 * A database procedure written once for every way of running it: it yields each statement and is handed back
 * that statement's rows. `runSteps` runs it on a transaction (either engine); `runStepsSync` runs it at once on an
 * embedded ledger, for what must happen while a file is being opened (seeding its reference data).
 */
export type Steps<T> = Generator<RawBuilder<unknown>, T, Record<string, unknown>[]>;

export async function runSteps<T>(tx: Tx, steps: Steps<T>): Promise<T> {
  let step = steps.next([]);
  while (!step.done) step = steps.next(await tx.all(step.value as RawBuilder<Record<string, unknown>>));
  return step.value;
}

/** Renders statements for SQLite without running them. */
const sqliteText = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

export function runStepsSync<T>(db: Db, steps: Steps<T>): T {
  let step = steps.next([]);
  while (!step.done) {
    const { sql: text, parameters } = step.value.compile(sqliteText);
    const stmt = db.$client.prepare(text);
    step = steps.next(stmt.reader ? (stmt.all(...parameters) as Record<string, unknown>[]) : (stmt.run(...parameters), []));
  }
  return step.value;
}



/** better-sqlite3 behind Kysely, its prepared statements kept: a statement run 100,000 times is compiled once. */
function cachedStatements(sqlite: Db['$client'], size = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    // The connection belongs to the ledger that opened it (db/open.ts), which closes it.
    close: () => undefined,
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text);
      } else {
        stmt = sqlite.prepare(text) as unknown as SqliteStatement;
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

/** A write waiting for its turn on the embedded ledger, and how to answer its caller. */
interface QueuedWrite {
  fn: (tx: Tx) => Promise<unknown>;
  brief: boolean;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Brief writes that queue one after another share one transaction and so one commit (one fsync of the WAL), each
 * inside a savepoint of its own: a write that fails is rolled back alone, and every write of the group is answered
 * only once the commit is on disk. Any other write runs in a transaction of its own, so a long one (an import) never
 * holds others' answers; a group also closes after GROUP_MS of work or GROUP_MOST writes.
 */
const GROUP_MS = 5;
const GROUP_MOST = 64;

/**
 * The store over an open embedded ledger (db/open.ts opened, migrated and checked it, and closes it). `groupMs` bounds a
 * group's work (a test that asserts who shares a commit lifts it, as a loaded machine may spend more than GROUP_MS).
 */
export function sqliteStore(ledger: Db, { groupMs = GROUP_MS }: { groupMs?: number } = {}): Store {
  const sqlite = ledger.$client;
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: cachedStatements(sqlite) }) });
  const read = <T>(fn: (tx: Tx) => Promise<T>) =>
    db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        const out = await fn(handle('sqlite', conn));
        await sql`commit`.execute(conn);
        return out;
      } catch (e) {
        if (sqlite.inTransaction) await sql`rollback`.execute(conn);
        throw e;
      }
    });

  const queue: QueuedWrite[] = [];
  let draining = false;
  /** Runs queued writes a group at a time until none is left. */
  const drain = async () => {
    draining = true;
    try {
      while (queue.length) await db.connection().execute((conn) => runGroup(conn));
    } catch (e) {
      // The connection itself failed (the ledger closed under it): the writes still waiting are answered with why.
      for (const job of queue.splice(0)) job.reject(e);
    } finally {
      draining = false;
    }
  };
  const runGroup = async (conn: Parameters<RawBuilder<unknown>['execute']>[0]) => {
    const done: { job: QueuedWrite; out: unknown }[] = [];
    const failed: { job: QueuedWrite; e: unknown }[] = [];
    let current: QueuedWrite | undefined;
    try {
      await sql`begin immediate`.execute(conn);
      const started = performance.now();
      const first = queue[0].brief;
      while (queue.length && (done.length + failed.length === 0 || (first && queue[0].brief && done.length + failed.length < GROUP_MOST
        && performance.now() - started < groupMs))) {
        current = queue.shift()!;
        await sql`savepoint w`.execute(conn);
        try {
          const out = await current.fn(handle('sqlite', conn));
          await sql`release w`.execute(conn);
          done.push({ job: current, out });
        } catch (e) {
          // SQLite may have ended the whole transaction (a full disk, an I/O error): then nothing of the group is kept.
          if (!sqlite.inTransaction) throw e;
          await sql`rollback to w`.execute(conn);
          await sql`release w`.execute(conn);
          failed.push({ job: current, e });
        }
        current = undefined;
      }
      await sql`commit`.execute(conn);
    } catch (e) {
      if (sqlite.inTransaction) await sql`rollback`.execute(conn).catch(() => undefined);
      // A write that never began (the lock refused) is answered like those of the group: not done.
      if (!done.length && !failed.length && !current) queue.shift()?.reject(e);
      current?.reject(e);
      for (const d of done) d.job.reject(e);
      for (const f of failed) f.job.reject(f.e);
      return;
    }
    for (const d of done) d.job.resolve(d.out);
    for (const f of failed) f.job.reject(f.e);
  };

  return outsideOnly({
    ...handle('sqlite', db),
    write: <T>(fn: (tx: Tx) => Promise<T>, options?: WriteOptions) => new Promise<T>((resolve, reject) => {
      queue.push({ fn, brief: options?.brief === true, resolve: resolve as (value: unknown) => void, reject });
      if (!draining) void drain();
    }),
    read,
    close: () => db.destroy(),
  });
}

/** The store over the provincial database's pool (db/pg.ts opened and migrated it). */
export function postgresStore(pool: HostPool): Store {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const guarded = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      if (unreachable(e)) throw new StorageUnavailable(e);
      if ((e as { code?: string }).code === '57014') throw Object.assign(new UserError([{ message: TIMED_OUT }]), { cause: e });
      throw e;
    }
  };
  let turn: Promise<void> = Promise.resolve();
  const writeOnce = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await guarded(() => db.transaction().setIsolationLevel('serializable').execute(async (trx) => {
          await sql`lock table audit_log in share row exclusive mode`.execute(trx);
          return fn(handle('postgres', trx));
        }));
      } catch (e) {
        if (!RETRY.has((e as { code?: string }).code ?? '')) throw e;
        if (attempt >= MAX_TRIES) throw Object.assign(new UserError([{ message: BUSY }]), { cause: e });
        // Apart at random, so two writers that collided do not collide again.
        await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
      }
    }
  };
  const base = handle('postgres', db);
  return outsideOnly({
    engine: 'postgres',
    all: (q) => guarded(() => base.all(q)),
    get: (q) => guarded(() => base.get(q)),
    run: (q) => guarded(() => base.run(q)),
    // One write of this process at a time waits for its turn at the database, holding one connection of the pool;
    // the others wait here, leaving the rest of the pool to readers.
    write: (fn) => {
      const run = turn.then(() => writeOnce(fn));
      turn = run.then(() => undefined, () => undefined);
      return run;
    },
    read: (fn) => guarded(() => db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute((trx) => fn(handle('postgres', trx)))),
    close: () => db.destroy(),
  });
}
