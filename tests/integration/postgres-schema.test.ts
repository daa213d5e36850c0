import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { openProvincial, PG_MIGRATIONS } from '../../db/pg';
import type { HostPool } from '../../db/pg-hosts';
import { addYears } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { tempDir } from '../fixtures/factories';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';

interface Shape {
  columns: string[];
  indexes: string[];
  foreignKeys: string[];
}

/** Tables, columns (name, not null, key), indexes and foreign keys of the embedded ledger as the app creates it. */
function ledgerShape(): Record<string, Shape> {
  const { db } = openDatabase(join(tempDir(), 'l.db'));
  const q = db.$client;
  const tables = q.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'
    and name not like 'assets_search%' order by name`).pluck().all() as string[];
  const shape = Object.fromEntries(tables.map((t) => {
    const cols = q.prepare(`select name, "notnull" as nn, pk from pragma_table_info(?) order by cid`).all(t) as { name: string; nn: number; pk: number }[];
    const idx = q.prepare(`select name from pragma_index_list(?) where origin = 'c' order by name`).pluck().all(t) as string[];
    const fks = q.prepare(`select "from" as c, "table" as t, "to" as r, on_delete as d from pragma_foreign_key_list(?)`).all(t) as { c: string; t: string; r: string; d: string }[];
    return [t, {
      columns: cols.map((c) => `${c.name}${c.nn || c.pk ? ' not null' : ''}${c.pk ? ' key' : ''}`),
      indexes: idx,
      foreignKeys: fks.map((f) => `${f.c} -> ${f.t}.${f.r} on delete ${f.d.toLowerCase()}`).sort(),
    }];
  }));
  q.close();
  return shape;
}

async function provincialShape(c: HostPool): Promise<Record<string, Shape>> {
  const tables = (await c.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'public' order by 1`)).rows.map((r) => r.t);
  const out: Record<string, Shape> = {};
  for (const t of tables) {
    const cols = (await c.query<{ name: string; nn: string; pk: boolean }>(
      `select column_name as name, is_nullable as nn, exists (select 1 from information_schema.key_column_usage k join information_schema.table_constraints tc
         on tc.constraint_name = k.constraint_name and tc.constraint_type = 'PRIMARY KEY' where k.table_name = c.table_name and k.column_name = c.column_name) as pk
       from information_schema.columns c where table_schema = 'public' and table_name = $1 order by ordinal_position`, [t])).rows;
    const idx = (await c.query<{ name: string }>(
      `select indexname as name from pg_indexes where schemaname = 'public' and tablename = $1
         and indexname not in (select conname from pg_constraint where contype = 'p') and indexname not like 'assets_search_%' order by 1`, [t])).rows;
    const fks = (await c.query<{ c: string; t: string; r: string; d: string }>(
      `select a.attname as c, cf.relname as t, af.attname as r,
         case con.confdeltype when 'a' then 'no action' when 'r' then 'restrict' when 'c' then 'cascade' when 'n' then 'set null' else 'set default' end as d
       from pg_constraint con join pg_class cl on cl.oid = con.conrelid join pg_class cf on cf.oid = con.confrelid
       join pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1]
       join pg_attribute af on af.attrelid = con.confrelid and af.attnum = con.confkey[1]
       where con.contype = 'f' and cl.relname = $1`, [t])).rows;
    out[t] = {
      columns: cols.map((col) => `${col.name}${col.nn === 'NO' ? ' not null' : ''}${col.pk ? ' key' : ''}`),
      indexes: idx.map((i) => i.name),
      foreignKeys: fks.map((f) => `${f.c} -> ${f.t}.${f.r} on delete ${f.d}`).sort(),
    };
  }
  return out;
}

describe.skipIf(!postgresUrl)('the provincial database on PostgreSQL', () => {
  it('has the same tables, columns, keys, indexes and foreign keys as the embedded ledger', async () => {
    const pool = await openProvincial(await freshDatabase());
    try {
      const provincial = await provincialShape(pool);
      const ledger = ledgerShape();
      expect(Object.keys(provincial).sort()).toEqual(Object.keys(ledger).sort());
      for (const t of Object.keys(ledger)) expect({ table: t, ...provincial[t] }).toEqual({ table: t, ...ledger[t] });
      // Substring search has its trigram indexes where pg_trgm is offered, as on Debian's server.
      const search = await pool.query(`select count(*) as n from pg_indexes where indexname like 'assets_search_%'`);
      expect(search.rows[0].n).toBe(4);
    } finally {
      await pool.end();
    }
  });

  it('migrates once when two server processes start on a new database at the same moment', async () => {
    const url = await freshDatabase();
    const pools = await Promise.all([openProvincial(url), openProvincial(url), openProvincial(url)]);
    try {
      const applied = await pools[0].query('select count(*) as n from drizzle.__drizzle_migrations');
      const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS, 'meta', '_journal.json'), 'utf8'));
      expect(applied.rows[0].n).toBe(journal.entries.length);
      // Whole numbers read back as numbers, as from the embedded ledger.
      await pools[1].query(`insert into agencies (code, name, level, staff) values ('330000', '省总队', 'province', 40)`);
      const row = (await pools[2].query('select id, staff, count(*) over () as n from agencies')).rows[0];
      expect(row).toEqual({ id: 1, staff: 40, n: 1 });
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses a database a newer app has migrated, and one whose migration record was altered', async () => {
    const url = await freshDatabase();
    await (await openProvincial(url)).end();
    const admin = new pg.Pool({ connectionString: url });
    try {
      const newer = await admin.query(`insert into drizzle.__drizzle_migrations (hash, created_at) values ('later', 9999999999999) returning id`);
      const refusal = await openProvincial(url).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(UserError);
      expect((refusal as UserError).problems[0].message).toContain('由更新版本的程序创建或升级');
      expect((refusal as UserError).problems[0].file).not.toContain('eql-test');
      await admin.query('delete from drizzle.__drizzle_migrations where id = $1', [newer.rows[0].id]);
      // The first migration's record gone: every record is known, but the chain no longer matches.
      await admin.query('delete from drizzle.__drizzle_migrations where id = (select min(id) from drizzle.__drizzle_migrations)');
      const altered = await openProvincial(url).catch((e: unknown) => e);
      expect((altered as UserError).problems[0].message).toContain('升级记录与本程序的不符');
    } finally {
      await admin.end();
    }
  });

  it('applies a failing migration not at all, and says so', async () => {
    const url = await freshDatabase();
    const folder = join(tempDir(), 'migrations-pg');
    cpSync(PG_MIGRATIONS, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
    const last = journal.entries.at(-1);
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '9999_next' });
    writeFileSync(journalPath, JSON.stringify(journal));
    writeFileSync(join(folder, '9999_next.sql'), `alter table agencies add column motto text;\n--> statement-breakpoint\nselect no_such_function();`);
    const refusal = await openProvincial(url, { migrationsFolder: folder }).catch((e: unknown) => e);
    expect((refusal as UserError).problems[0].message).toContain('数据库升级失败(未做任何改动)');
    const admin = new pg.Pool({ connectionString: url });
    try {
      const tables = await admin.query(`select count(*) as n from information_schema.tables where table_schema = 'public'`);
      expect(Number(tables.rows[0].n)).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('starts without trigram indexes when pg_trgm sits in a schema off the search path, and searches all the same', async () => {
    const url = await freshDatabase();
    const admin = new pg.Pool({ connectionString: url });
    try {
      await admin.query('create schema ext; create extension pg_trgm schema ext');
      const pool = await openProvincial(url);
      try {
        expect((await pool.query(`select count(*) as n from pg_indexes where indexname like 'assets_search_%'`)).rows[0].n).toBe(0);
        expect((await pool.query('select count(*) as n from drizzle.__drizzle_migrations')).rows[0].n).toBeGreaterThan(1);
      } finally {
        await pool.end();
      }
    } finally {
      await admin.end();
    }
  });

  it('computes add_years as the embedded ledger does, 29 February and bad dates included', async () => {
    const pool = await openProvincial(await freshDatabase());
    try {
      const cases: [string, number][] = [['2020-02-29', 1], ['2020-02-29', 4], ['2019-12-31', 8], ['2024-01-15', -3], ['2000-03-01', 0]];
      for (const [d, y] of cases) {
        const { rows } = await pool.query('select add_years($1, $2) as v', [d, y]);
        expect(rows[0].v).toBe(addYears(d, y));
      }
      for (const bad of ['2020/01/05', 'not a date', '2020-13-45', '2026-02-30', '2026-04-31', '0000-01-01', '']) {
        expect((await pool.query('select add_years($1, 1) as v', [bad])).rows[0].v).toBeNull();
      }
      expect((await pool.query('select add_years(null, 1) as v')).rows[0].v).toBeNull();
    } finally {
      await pool.end();
    }
  });

  it('computes add_years inside a parallel query, as the due-lists over a province\'s assets are planned', async () => {
    const pool = await openProvincial(await freshDatabase());
    const c = await pool.connect();
    try {
      await c.query('create table probe as select g, case when g % 7 = 0 then \'2026-02-30\' else \'2020-02-29\' end as d from generate_series(1, 20000) g');
      await c.query('analyze probe');
      // Every query planned with a parallel worker (PostgreSQL 16 renamed the setting).
      const force = (await c.query(`select name from pg_settings where name in ('debug_parallel_query', 'force_parallel_mode')`)).rows[0].name as string;
      await c.query(`set ${force} = on`);
      await c.query('set parallel_setup_cost = 0; set parallel_tuple_cost = 0; set min_parallel_table_scan_size = 0');
      const { rows } = await c.query(`select count(*) filter (where add_years(d, 1) = '2021-02-28') as good, count(*) filter (where add_years(d, 1) is null) as bad from probe`);
      expect({ good: Number(rows[0].good), bad: Number(rows[0].bad) }).toEqual({ good: 20000 - 2857, bad: 2857 });
    } finally {
      c.release();
      await pool.end();
    }
  });

  it('names the server without its password when it cannot connect', async () => {
    const url = new URL(postgresUrl!);
    url.password = 'wrong-secret';
    const refusal = await openProvincial(url.toString()).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(UserError);
    const problem = (refusal as UserError).problems[0];
    expect(problem.message).toContain('无法连接数据库');
    expect(JSON.stringify(problem)).not.toContain('wrong-secret');
  });
});
