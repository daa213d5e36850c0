import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { openProvincial } from '../../db/pg';
import { inList, postgresStore, sqliteStore, StorageUnavailable, type Store, type Tx } from '../../db/store';
import { tempDir } from '../fixtures/factories';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';

/** A new ledger on each engine: the embedded file, and a provincial database (a second store is a second server process). */
const engines: { name: string; open: () => Promise<{ store: Store; another: () => Promise<Store>; url?: string }> }[] = [
  {
    name: 'SQLite',
    open: async () => {
      const { db } = openDatabase(join(tempDir(), 'l.db'));
      const store = sqliteStore(db);
      return { store, another: async () => store };
    },
  },
  ...(postgresUrl ? [{
    name: 'PostgreSQL',
    open: async () => {
      const url = await freshDatabase();
      return { store: postgresStore(await openProvincial(url)), another: async () => postgresStore(await openProvincial(url)), url };
    },
  }] : []),
];

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all([...new Set(opened.splice(0))].map((s) => s.close()));
});

async function ledger(engine: (typeof engines)[number]) {
  const l = await engine.open();
  opened.push(l.store);
  return { ...l, another: async () => { const s = await l.another(); opened.push(s); return s; } };
}

const addAgency = (tx: Tx, code: string, name: string) =>
  tx.get<{ id: number }>(sql`insert into agencies (code, name, level) values (${code}, ${name}, 'county') returning id`);

const counter = async (tx: Tx) => Number((await tx.get<{ value: string }>(sql`select value from settings where key = 'counter'`))!.value);

describe.each(engines)('the store on $name', (engine) => {
  it('runs one query text on either engine: parameters, returned ids, camelCase names and lists longer than SQLite allows parameters', async () => {
    const { store } = await ledger(engine);
    const first = await addAgency(store, '330101', '上城区执法大队');
    const second = await addAgency(store, '330102', '下城区执法大队');
    expect(second!.id).toBe(first!.id + 1);
    const ids = [second!.id, ...Array.from({ length: 40_000 }, (_, i) => 1_000_000 + i)];
    const rows = await store.all<{ agencyCode: string; staffCount: number }>(
      sql`select code as "agencyCode", staff as "staffCount" from agencies where ${inList(store, sql.ref('id'), ids)} order by code`);
    expect(rows).toEqual([{ agencyCode: '330102', staffCount: 0 }]);
    expect(await store.run(sql`update agencies set staff = staff + 5 where code like ${'3301%'}`)).toBe(2);
  });

  it('gives sums, averages and comparisons as the same numbers on either engine', async () => {
    const { store } = await ledger(engine);
    await store.run(sql`insert into agencies (code, name, level, staff) values ('330101', '上城区', 'county', 23), ('330102', '下城区', 'county', 40)`);
    expect(await store.get(sql`select sum(staff) as total, avg(staff) as mean, max(staff) as most, count(*) as n,
      (sum(staff) > 60) as big, exists(select 1 from agencies where staff = 40) as has40 from agencies`))
      .toEqual({ total: 63, mean: 31.5, most: 40, n: 2, big: 1, has40: 1 });
  });

  it('refuses a query on the store itself inside one of its transactions, instead of waiting forever or writing outside it', { timeout: 10_000 }, async () => {
    const { store } = await ledger(engine);
    const misused = await store.write(async (tx) => {
      await addAgency(tx, '330101', '上城区执法大队');
      await addAgency(store, '330102', '下城区执法大队');
    }).catch((e: unknown) => e);
    expect(misused).toBeInstanceOf(Error);
    expect(await store.all(sql`select code from agencies`)).toEqual([]);
  });

  it('keeps nothing of a transaction that fails part-way', async () => {
    const { store } = await ledger(engine);
    await addAgency(store, '330101', '上城区执法大队');
    const failed = await store.write(async (tx) => {
      await addAgency(tx, '330102', '下城区执法大队');
      await tx.run(sql`update agencies set staff = 9`);
      await addAgency(tx, '330101', '重复的代码');
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(await store.all(sql`select code, staff from agencies`)).toEqual([{ code: '330101', staff: 0 }]);
    // The store goes on working after the rollback.
    await store.write((tx) => addAgency(tx, '330103', '江干区执法大队'));
    expect(await store.get<{ n: number }>(sql`select count(*) as n from agencies`)).toEqual({ n: 2 });
  });

  it('loses no update when writers read, wait and write the same row at once, from two server processes', async () => {
    const { store, another } = await ledger(engine);
    await store.run(sql`insert into settings (key, value) values ('counter', '0')`);
    const second = await another();
    const bump = (s: Store) => s.write(async (tx) => {
      const n = await counter(tx);
      await new Promise((r) => setTimeout(r, 2));
      await tx.run(sql`update settings set value = ${String(n + 1)} where key = 'counter'`);
    });
    await Promise.all(Array.from({ length: 24 }, (_, i) => bump(i % 2 ? store : second)));
    expect(await counter(store)).toBe(24);
  });

  it('reads one snapshot in a read, whatever commits meanwhile', async () => {
    const { store, another } = await ledger(engine);
    await store.run(sql`insert into settings (key, value) values ('counter', '1')`);
    const writer = await another();
    const seen = await store.read(async (tx) => {
      const before = await counter(tx);
      // On SQLite the one connection waits for the read to end; on PostgreSQL the write commits now.
      const write = writer.write((w) => w.run(sql`update settings set value = '2' where key = 'counter'`));
      if (engine.name === 'PostgreSQL') await write;
      const after = await counter(tx);
      return { before, after, write };
    });
    expect([seen.before, seen.after]).toEqual([1, 1]);
    await seen.write;
    expect(await counter(store)).toBe(2);
  });
});

describe.skipIf(!postgresUrl)('the store on PostgreSQL when a change cannot be made', () => {
  it('repeats a change that keeps colliding with other writers a few times, then says in Chinese that nothing was saved', async () => {
    const { store } = await ledger(engines[1]);
    let tries = 0;
    const collide = store.write(async (tx) => {
      tries++;
      await addAgency(tx, `X${tries}`, '冲突');
      throw Object.assign(new Error('could not serialize access due to read/write dependencies among transactions'), { code: '40001' });
    });
    await expect(collide).rejects.toMatchObject({ problems: [{ message: expect.stringContaining('本次修改未保存,请重试') }] });
    expect(tries).toBe(8);
    expect((await store.get<{ n: number }>(sql`select count(*) as n from agencies where name = '冲突'`))!.n).toBe(0);
  });

  it('gives writes their turn across server processes: one that waits reads what the one before it committed, at its first try', async () => {
    const { store, another } = await ledger(engines[1]);
    await store.run(sql`insert into settings (key, value) values ('counter', '0')`);
    const second = await another();
    const first = store.write(async (tx) => {
      const n = await counter(tx);
      await new Promise((r) => setTimeout(r, 400));
      await tx.run(sql`update settings set value = ${String(n + 1)} where key = 'counter'`);
    });
    await new Promise((r) => setTimeout(r, 100));
    const seen: number[] = [];
    await second.write(async (tx) => {
      const n = await counter(tx);
      seen.push(n);
      await tx.run(sql`update settings set value = ${String(n + 1)} where key = 'counter'`);
    });
    await first;
    // Not run again after a serialization failure: it waited for its turn, then read the first writer's 1.
    expect(seen).toEqual([1]);
    expect(await counter(store)).toBe(2);
  });

  it('stops a statement that runs past the limit and says so in Chinese, leaving nothing of its transaction', async () => {
    const { store } = await ledger(engines[1]);
    const slow = store.write(async (tx) => {
      await addAgency(tx, 'SLOW', '慢查询');
      await tx.run(sql`set local statement_timeout = 50`);
      await tx.get(sql`select pg_sleep(2) as slept`);
    });
    await expect(slow).rejects.toMatchObject({ problems: [{ message: expect.stringContaining('数据库查询超时') }] });
    expect((await store.get<{ n: number }>(sql`select count(*) as n from agencies where code = 'SLOW'`))!.n).toBe(0);
  });
});

describe.skipIf(!postgresUrl)('the store when PostgreSQL drops its connections', () => {
  it('answers 数据库暂时不可用 meanwhile, writes nothing half, and carries on with new connections', async () => {
    const url = await freshDatabase();
    const store = postgresStore(await openProvincial(url));
    opened.push(store);
    await addAgency(store, '330101', '上城区执法大队');
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      const dbName = new URL(url).pathname.slice(1);
      const cut = store.write(async (tx) => {
        await tx.run(sql`update agencies set staff = 7`);
        // The server ends every session of this database mid-transaction, as a restart or fail-over does.
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName]);
        await tx.run(sql`update agencies set staff = 8`);
      }).catch((e: unknown) => e);
      const refusal = await cut;
      expect(refusal).toBeInstanceOf(StorageUnavailable);
      expect((refusal as StorageUnavailable).problems[0].message).toBe('数据库暂时不可用,请稍后重试');
      expect(await store.all(sql`select staff from agencies`)).toEqual([{ staff: 0 }]);
    } finally {
      await admin.end();
    }
  });
});

/** A way to the test server that can stop answering, as a hung server or a cut link does: sockets stay open, nothing comes back. */
async function freezableProxy(url: string) {
  const to = new URL(url);
  let frozen = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    if (frozen) return;
    const upstream = connect(Number(to.port || 5432), to.hostname);
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (d) => frozen || upstream.write(d));
    upstream.on('data', (d) => frozen || client.write(d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const through = new URL(url);
  through.port = String((server.address() as AddressInfo).port);
  return {
    url: through.toString(),
    freeze: () => { frozen = true; },
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}

describe.skipIf(!postgresUrl)('the store when PostgreSQL stops answering', () => {
  it('answers 数据库暂时不可用 within seconds, rather than never, when a new connection gets no answer', { timeout: 60_000 }, async () => {
    const proxy = await freezableProxy(await freshDatabase());
    const pool = await openProvincial(proxy.url);
    const store = postgresStore(pool);
    // The pool's one open connection is taken, so the query needs a new one.
    const held = await pool.connect();
    proxy.freeze();
    const started = Date.now();
    try {
      const refusal = await store.get(sql`select 1 as one`).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(StorageUnavailable);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      held.release();
      proxy.close();
      await store.close();
    }
  });
});

describe('the embedded ledger under writes that queue', () => {
  // A group closed by its writes alone, not by the time a loaded test machine spends on them.
  const opening = (groupMs = 60_000) => {
    const file = join(tempDir(), 'l.db');
    const { db } = openDatabase(file);
    const store = sqliteStore(db, { groupMs });
    opened.push(store);
    return { file, db, store };
  };

  it('commits brief writes that queued behind one another together, a failed one alone undone, and answers each only once all are on disk', async () => {
    const { file, store } = opening();
    // Another process's view of the file: what it sees is what was committed.
    const { db: outside } = openDatabase(file);
    const seenOutside = () => outside.$client.prepare('select code from agencies order by code').pluck().all();
    const answered: string[] = [];
    const brief = { brief: true };
    const first = store.write(async (tx) => {
      await addAgency(tx, '330101', '上城区执法大队');
      return 'first';
    }, brief).then((v) => (answered.push(v), seenOutside()));
    const failing = store.write(async (tx) => {
      // The write before this one is in the same transaction: not on disk yet, though this one sees it.
      expect(seenOutside()).toEqual([]);
      expect(await tx.all(sql`select code from agencies`)).toEqual([{ code: '330101' }]);
      await addAgency(tx, '330102', '下城区执法大队');
      await addAgency(tx, '330101', '重复的代码');
    }, brief).catch((e: unknown) => (answered.push('failed'), e));
    const third = store.write(async (tx) => {
      await addAgency(tx, '330103', '江干区执法大队');
      return 'third';
    }, brief).then((v) => (answered.push(v), seenOutside()));
    // When the first is answered, it and the third are on disk; nothing of the failed one is.
    expect(await first).toEqual(['330101', '330103']);
    expect(await third).toEqual(['330101', '330103']);
    expect(await failing).toBeInstanceOf(Error);
    expect(answered).toEqual(['first', 'third', 'failed']);
    outside.$client.close();
  });

  it('commits a brief write alone when the write queued after it is not brief, so a long one never holds its answer', async () => {
    const { file, store } = opening();
    const { db: outside } = openDatabase(file);
    const seenOutside = () => outside.$client.prepare('select code from agencies order by code').pluck().all();
    const small = store.write((tx) => addAgency(tx, '330101', '上城区执法大队'), { brief: true });
    let release!: () => void;
    const long = store.write(async (tx) => {
      await addAgency(tx, '330102', '下城区执法大队');
      await new Promise<void>((r) => (release = r));
    });
    await small;
    // The small write was answered while the long one still runs: it had to be committed first.
    expect(seenOutside()).toEqual(['330101']);
    await new Promise((r) => setTimeout(r, 20));
    release();
    await long;
    expect(seenOutside()).toEqual(['330101', '330102']);
    outside.$client.close();
  });
});
