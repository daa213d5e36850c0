import { cpSync, existsSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../db/open';
import { UserError } from '../../lib/problems';
import { count } from '../fixtures/db';
import { tempDir } from '../fixtures/factories';

/** A copy of the shipped migrations with one more appended, as a later app version would ship. */
function migrationsWithExtra(dir: string, sql: string): string {
  const folder = join(dir, 'migrations');
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
  const last = journal.entries[journal.entries.length - 1];
  journal.entries.push({ idx: last.idx + 1, version: last.version, when: last.when + 1000, tag: '9999_next', breakpoints: true });
  writeFileSync(journalPath, JSON.stringify(journal));
  writeFileSync(join(folder, '9999_next.sql'), sql);
  return folder;
}

/** A closed ledger file holding one agency, 330000. */
function ledgerWithOneAgency(): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, 'a.db');
  const { db } = openDatabase(file);
  db.$client.prepare(`insert into agencies (code, name, level) values ('330000', '省总队', 'province')`).run();
  db.$client.close();
  return { dir, file };
}

describe('opening a ledger database', () => {
  it('creates the schema with WAL and foreign keys on, and the shipped catalog and rule sets', () => {
    const dir = tempDir();
    const { db } = openDatabase(join(dir, 'a.db'));
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(count(db, 'catalog_items')).toBe(56);
    expect(db.$client.prepare('select id from rule_sets order by id').pluck().all()).toEqual(['national-2020', 'zhejiang-2022']);
    expect(count(db, 'quota_rules')).toBe(2 * 28 * 3);
    db.$client.close();
  });

  it('opens again without duplicating or overwriting reference data', () => {
    const dir = tempDir();
    const file = join(dir, 'a.db');
    const first = openDatabase(file).db;
    first.$client.prepare(`update quota_rules set quantity = 9 where rule_set_id = 'zhejiang-2022' and item_code = 'S09'`).run();
    first.$client.close();
    const { db, backup } = openDatabase(file);
    expect(backup).toBeNull();
    expect(count(db, 'catalog_items')).toBe(56);
    expect(db.$client.prepare(`select quantity from quota_rules where rule_set_id = 'zhejiang-2022' and item_code = 'S09' and level = 'county'`).pluck().get()).toBe(9);
    db.$client.close();
  });

  it('refuses foreign keys that point nowhere', () => {
    const dir = tempDir();
    const { db } = openDatabase(join(dir, 'a.db'));
    expect(() => db.$client.prepare(`insert into assets (asset_tag, item_code, agency_id) values ('X', 'S01', 12345)`).run()).toThrow(/FOREIGN KEY/);
    db.$client.close();
  });

  it('backs up an existing ledger before applying a new migration', () => {
    const { dir, file } = ledgerWithOneAgency();

    const folder = migrationsWithExtra(dir, 'ALTER TABLE `assets` ADD `barcode` text;');
    const { db, backup } = openDatabase(file, { migrationsFolder: folder, now: new Date('2026-11-23T08:09:10Z') });
    expect(backup).toBe(join(dir, 'backups', 'a-20261123T080910-migration.db'));
    expect(db.$client.prepare(`select barcode from assets`).all()).toEqual([]);
    db.$client.close();
    const copy = new Database(backup!, { readonly: true });
    expect(copy.prepare('select code from agencies').pluck().all()).toEqual(['330000']);
    expect(copy.prepare(`select count(*) from pragma_table_info('assets') where name = 'barcode'`).pluck().get()).toBe(0);
    copy.close();
  });

  it('stops with the backup intact when a migration fails, leaving the ledger as it was', () => {
    const { dir, file } = ledgerWithOneAgency();

    const folder = migrationsWithExtra(dir, 'ALTER TABLE `assets` ADD `x` text;--> statement-breakpoint\nTHIS IS NOT SQL;');
    const err = (() => {
      try {
        openDatabase(file, { migrationsFolder: folder });
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err!.message).toContain('数据库升级失败');
    expect(err!.message).toContain('-migration.db');
    expect(readdirSync(join(dir, 'backups')).some((f) => f.endsWith('-migration.db'))).toBe(true);
    const { db } = openDatabase(file);
    expect(db.$client.prepare('select code from agencies').pluck().all()).toEqual(['330000']);
    expect(db.$client.prepare(`select count(*) from pragma_table_info('assets') where name = 'x'`).pluck().get()).toBe(0);
    db.$client.close();
  });

  it('refuses a database written by a newer version of the app', () => {
    const dir = tempDir();
    const file = join(dir, 'a.db');
    const folder = migrationsWithExtra(dir, 'CREATE TABLE `future` (`id` integer);');
    openDatabase(file, { migrationsFolder: folder }).db.$client.close();
    expect(() => openDatabase(file)).toThrow(/更新版本/);
  });

  it('will not create a file that must already exist', () => {
    const dir = tempDir();
    expect(() => openDatabase(join(dir, 'missing.db'), { mustExist: true })).toThrow(/不存在/);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
  });
});

describe('opening a ledger file from elsewhere', () => {
  it('refuses a ledger that carries a trigger or view of its own, naming them, and opens it once they are gone', () => {
    const { file } = ledgerWithOneAgency();
    const raw = new Database(file);
    raw.exec(`create trigger hide_edits after insert on audit_log begin delete from audit_log where id = new.id; end;
      create view everything as select * from users`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/触发器「hide_edits」.*视图「everything」|视图「everything」.*触发器「hide_edits」/);
    const fix = new Database(file);
    fix.exec('drop trigger hide_edits; drop view everything');
    fix.close();
    const { db } = openDatabase(file);
    expect(db.$client.pragma('trusted_schema', { simple: true })).toBe(0);
    db.$client.close();
  });

  it('refuses a file that is not a database in Chinese', () => {
    const dir = tempDir();
    const file = join(dir, 'notes.db');
    writeFileSync(file, 'x'.repeat(5000));
    expect(() => openDatabase(file)).toThrow(/不是 SQLite 数据库/);
  });

  it('is owned by one process: a second program opening it is refused until the first closes it', () => {
    const { file } = ledgerWithOneAgency();
    const cli = () => spawnSync(process.execPath, ['bin/eql.mjs', 'shortfall', '--db', file, '--json'], { encoding: 'utf8', timeout: 60_000 });
    const { db } = openDatabase(file);
    const refused = cli();
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('正由另一个程序使用');
    db.$client.close();
    expect(cli().status).toBe(0);
  });
});

