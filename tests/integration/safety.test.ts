import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { BackupInfo, BackupPreview, UndoableBatch } from '../../api/contract';
import { openDatabase } from '../../db/open';
import { copyBackupOver, createBackup, dailyBackup, listBackups, pruneDaily, resolveBackup } from '../../db/backup';
import Database from 'better-sqlite3';
import { restoreBackup } from '../../server/handlers/backups';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { contextAs } from '../fixtures/context';
import { seedUser, snapshot } from '../fixtures/db';
import { agency, asset, templateBuffer, tempLedger, seedTemplate } from '../fixtures/factories';
import { UserError } from '../../lib/problems';
import { openAtStart, type RecoveryUi } from '../../electron/main/recovery';

const who = { actor: 'seed', at: '2026-11-23T00:00:00Z' };

async function seeded() {
  const { db, file } = tempLedger();
  await seedTemplate(db, templateBuffer(
    [agency({ code: 'P', level: 'province' }), agency({ code: 'K1', parentCode: 'P' })],
    [asset({ assetTag: 'V1', itemCode: 'S01', agencyCode: 'K1', custodian: '王五' }), asset({ assetTag: 'V2', itemCode: 'S01', agencyCode: 'K1' })],
  ), { file: 'seed.xlsx', who, today: '2026-11-23' });
  // A ledger in use has its administrator (a backup without one is refused for restore, and not taken daily).
  await seedUser(db, who, { username: 'admin', displayName: '管理员', role: 'admin', agencyCode: null }, 'not-a-real-hash');
  return { db, file, ctx: contextAs(db, file, 'admin') };
}

/** Runs `npm run web`'s server until it says it is serving, then stops it; returns what it printed. */
function startsServing(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no start: ${out}`))), 30_000);
    const take = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('已启动')) (clearTimeout(timer), child.kill('SIGTERM')); // resolved on exit: the server owns the ledger until then
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', () => (clearTimeout(timer), resolve(out)));
  });
}

/** Starts `npm run web`'s server and keeps it running (it owns the ledger) until `stop`. */
function serving(args: string[]): Promise<{ stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no start: ${out}`))), 30_000);
    const take = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('已启动')) (clearTimeout(timer), resolve({ stop: () => (child.kill('SIGTERM'), exited) }));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('exit', () => (clearTimeout(timer), reject(new Error(`exited: ${out}`))));
  });
}

/** Runs the server's start-up to its end (or its refusal): exit code and everything printed. */
function startUp(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('已启动')) child.kill('SIGTERM'); });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

const assetCount = (file: string) => {
  const { db } = openDatabase(file);
  try {
    return db.$client.prepare('select count(*) from assets').pluck().get() as number;
  } finally {
    db.$client.close();
  }
};

/** The desktop app's dialogs, answering from a script; what they were shown is kept. */
function scriptedUi(answers: ((buttons: string[]) => number | Promise<number>)[]) {
  const asked: { message: string; buttons: string[] }[] = [];
  const errors: { title: string; message: string }[] = [];
  const ui: RecoveryUi = {
    ask: async (message, buttons) => {
      asked.push({ message, buttons });
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected question: ${message}`);
      return answer(buttons);
    },
    chooseFile: async () => null,
    showError: (title, message) => void errors.push({ title, message }),
  };
  return { ui, asked, errors };
}

const openLedgerFile = (file: string) => openDatabase(file).db;

async function call<T>(ctx: Context, name: string, input: unknown): Promise<T> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw Object.assign(new Error(r.problems.map((p) => p.message).join('; ')), { problems: r.problems });
  return r.value as T;
}

const ids = (ctx: Context) => ctx.db.$client.prepare('select id from assets order by id').pluck().all() as number[];

describe('backups and restore', () => {
  it('restores exactly what was backed up, after keeping a copy of the ledger it replaces', async () => {
    const { ctx } = await seeded();
    const backedUp = snapshot(ctx.db);
    const made = await call<BackupInfo>(ctx, 'backups/create', {});
    await call(ctx, 'assets/bulkUpdate', { ids: ids(ctx), change: { status: 'idle' } });
    const changed = snapshot(ctx.ledger.db);

    const preview = await call<BackupPreview>(ctx, 'backups/preview', { name: made.name });
    expect(preview).toMatchObject({ kind: 'manual', integrity: '完好', integrityOk: true, agencies: 2, assets: 2, admins: 1 });

    const r = await call<{ safetyCopy: string }>(ctx, 'backups/restore', { name: made.name });
    const { audit_log: auditAfter, ...restored } = snapshot(ctx.ledger.db);
    const { audit_log: auditBefore, ...expected } = backedUp;
    expect(restored).toEqual(expected);
    // The restore itself is the one entry added to the restored audit log.
    expect(auditAfter).toEqual([...auditBefore, expect.objectContaining({ entity: 'restore', entity_key: made.name })]);
    // The replaced ledger is kept as a backup and holds the bulk edit.
    const safety = openDatabase(join(ctx.file, '..', 'backups', r.safetyCopy)).db;
    expect(snapshot(safety).assets).toEqual(changed.assets);
    safety.$client.close();
  });

  it('refuses names outside the backup folder, and uploads that are not ledgers', async () => {
    const { ctx } = await seeded();
    for (const name of ['../ledger.db', '/etc/passwd', 'x.db']) {
      await expect(call(ctx, 'backups/preview', { name })).rejects.toThrow(/备份/);
    }
    const before = listBackups(ctx.file);
    await expect(call(ctx, 'backups/upload', { fileName: 'notes.db', base64: Buffer.from('not sqlite at all').toString('base64') })).rejects.toThrow();
    expect(listBackups(ctx.file)).toEqual(before);
  });

  it('takes one daily backup a day and keeps only the newest N', async () => {
    const { db, file } = await seeded();
    for (let d = 1; d <= 5; d++) {
      const now = new Date(`2026-11-0${d}T08:00:00Z`);
      expect(await dailyBackup(db.$client, file, 3, now, 'Asia/Shanghai')).not.toBeNull();
      // 20:00 the same day in Shanghai; 18:00 UTC would be 02:00 the next day there.
      expect(await dailyBackup(db.$client, file, 3, new Date(`2026-11-0${d}T12:00:00Z`), 'Asia/Shanghai')).toBeNull();
    }
    expect(listBackups(file).filter((b) => b.kind === 'daily').map((b) => b.at.slice(0, 10))).toEqual(['2026-11-05', '2026-11-04', '2026-11-03']);
    expect(pruneDaily(file, 3)).toEqual([]);
  });

  it('lists only its own ledger’s backups, not those of a ledger whose name starts the same', async () => {
    const { db, file } = await seeded();
    const other = openDatabase(join(file, '..', 'ledger-2.db')).db;
    await seedUser(other, who, { username: 'admin', displayName: '管理员', role: 'admin', agencyCode: null }, 'not-a-real-hash');
    await dailyBackup(other.$client, join(file, '..', 'ledger-2.db'), 3, new Date('2026-11-01T08:00:00Z'));
    other.$client.close();
    expect(listBackups(file)).toEqual([]);
    await dailyBackup(db.$client, file, 3, new Date('2026-11-02T08:00:00Z'));
    expect(listBackups(file).map((b) => b.name)).toEqual(['ledger-20261102T080000-daily.db']);
    expect(pruneDaily(file, 0)).toEqual(['ledger-20261102T080000-daily.db']);
    expect(listBackups(join(file, '..', 'ledger-2.db'))).toHaveLength(1);
  });
});

/** A trigger a hostile copy of the ledger carries: any edit by mgr122 leaves no audit entry. */
const SILENT_EDITS = `create trigger hide_mgr122 after insert on audit_log when new.actor = 'mgr122' begin delete from audit_log where id = new.id; end`;

describe('hostile backups', () => {
  async function hostileBackup(ctx: Context): Promise<BackupInfo> {
    const made = await call<BackupInfo>(ctx, 'backups/create', {});
    const raw = new Database(join(ctx.file, '..', 'backups', made.name));
    raw.exec(SILENT_EDITS);
    raw.close();
    return made;
  }

  it('refuses to preview, restore or add a backup that carries its own trigger, naming it, and changes nothing', async () => {
    const { ctx } = await seeded();
    const made = await hostileBackup(ctx);
    const before = snapshot(ctx.ledger.db);
    await expect(call(ctx, 'backups/preview', { name: made.name })).rejects.toThrow(/触发器「hide_mgr122」/);
    await expect(call(ctx, 'backups/restore', { name: made.name })).rejects.toThrow(/触发器「hide_mgr122」/);
    expect(snapshot(ctx.ledger.db)).toEqual(before);
    const listed = listBackups(ctx.file);
    const bytes = readFileSync(join(ctx.file, '..', 'backups', made.name)).toString('base64');
    await expect(call(ctx, 'backups/upload', { fileName: '别处的备份.db', base64: bytes })).rejects.toThrow(/触发器「hide_mgr122」/);
    expect(listBackups(ctx.file)).toEqual(listed);
    expect(readdirSync(join(ctx.file, '..', 'backups')).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('refuses to restore a backup taken before the first administrator existed', async () => {
    const { db, file } = tempLedger();
    await seedTemplate(db, templateBuffer([agency({ code: 'P', level: 'province' })]), { file: 'seed.xlsx', who, today: '2026-11-23' });
    const early = await createBackup(db.$client, file, 'manual');
    await seedUser(db, who, { username: 'admin', displayName: '管理员', role: 'admin', agencyCode: null }, 'not-a-real-hash');
    const ctx = contextAs(db, file, 'admin');
    expect((await call<BackupPreview>(ctx, 'backups/preview', { name: early.name })).admins).toBe(0);
    await expect(call(ctx, 'backups/restore', { name: early.name })).rejects.toThrow(/没有可用的系统管理员/);
    expect(ctx.ledger.db.$client.prepare('select count(*) from users').pluck().get()).toBe(1);
  });

  it('leaves the server on a working ledger when the file cannot be swapped in', async () => {
    const { ctx } = await seeded();
    const made = await call<BackupInfo>(ctx, 'backups/create', {});
    await call(ctx, 'assets/bulkUpdate', { ids: ids(ctx), change: { status: 'idle' } });
    const changed = snapshot(ctx.ledger.db);
    const busy = async () => {
      throw Object.assign(new Error('EBUSY: resource busy or locked, rename'), { code: 'EBUSY' });
    };
    await expect(restoreBackup(ctx, made.name, { rename: busy })).rejects.toThrow(UserError);
    expect(ctx.ledger.db.$client.open).toBe(true);
    expect(snapshot(ctx.ledger.db)).toEqual(changed);
    // The next call's context, as the server makes one per call, works on the reopened ledger.
    const next = contextAs(ctx.ledger.db, ctx.file, 'admin');
    await call(next, 'assets/bulkUpdate', { ids: ids(next), change: { status: 'in_service' } });
    expect(listBackups(ctx.file).some((b) => b.kind === 'before-restore')).toBe(true);
  });
});

describe('a damaged ledger', () => {
  it('is refused on open with the newest backup named, and opens again after a restore from it', async () => {
    const { db, file, ctx } = await seeded();
    const backup = await call<BackupInfo>(ctx, 'backups/create', {});
    db.$client.close();
    // Overwrite a page in the middle of the file: the b-tree no longer adds up.
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 4096 * 3, 4096 * 3 + 600);
    writeFileSync(file, bytes);
    let err: UserError | undefined;
    try {
      openDatabase(file).db.$client.close();
    } catch (e) {
      err = e as UserError;
    }
    expect(err?.message).toContain('完整性检查');
    expect(err?.message).toContain(backup.name);

    expect(await startsServing(['--db', file, '--restore', backup.name, '--port', '0'])).toContain('已用备份');
    const reopened = openDatabase(file).db;
    expect(reopened.$client.prepare('select count(*) from assets').pluck().get()).toBe(2);
    reopened.$client.close();
  });

  it('is never replaced from a backup (start-up --restore, the desktop app\'s recovery) while another program has it open', async () => {
    const { db, file, ctx } = await seeded();
    const backup = await call<BackupInfo>(ctx, 'backups/create', {});
    db.$client.close();
    // Another live program on this machine (pid 1 is always alive) owns the ledger.
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, host: hostname(), at: new Date().toISOString() }));
    const before = readFileSync(file);
    await expect(copyBackupOver(resolveBackup(file, backup.name), file, () => undefined)).rejects.toThrow(/另一个程序/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('one program owns a ledger (two processes)', () => {
  /** A ledger with a backup of two assets, and a third asset added since. */
  async function ledgerWithBackup() {
    const { db, file, ctx } = await seeded();
    const backup = await call<BackupInfo>(ctx, 'backups/create', {});
    await call(ctx, 'assets/create', {
      assetTag: 'V3', itemCode: 'S09', agencyCode: 'K1', model: null, serialNumber: null, purchaseDate: null, priceFen: null, fundingSource: null,
      status: 'in_service', custodian: null, location: null, plateNumber: null, odometerKm: null, calibrationValidUntil: null, notes: null,
    });
    db.$client.close();
    return { file, backup };
  }

  it('refuses a start-up --restore while a running server has the ledger open, and restores once it has stopped', async () => {
    const { file, backup } = await ledgerWithBackup();
    const running = await serving(['--db', file, '--port', '0']);
    const refused = await startUp(['--db', file, '--restore', backup.name, '--port', '0']);
    await running.stop();
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('该台账正由另一个程序使用');
    expect(refused.out).not.toContain('已用备份');
    expect(assetCount(file)).toBe(3);

    const restored = await startUp(['--db', file, '--restore', backup.name, '--port', '0']);
    expect(restored.out).toContain('已用备份');
    expect(assetCount(file)).toBe(2);
  });

  it('offers the desktop app no restore while another program has the ledger open, and opens it on retry once that program is gone', async () => {
    const { file } = await ledgerWithBackup();
    const running = await serving(['--db', file, '--port', '0']);
    const { ui, asked } = scriptedUi([async (buttons) => (await running.stop(), buttons.indexOf('重试'))]);
    const db = await openAtStart(file, openLedgerFile, ui, 'Asia/Shanghai');
    expect(asked).toEqual([{ message: expect.stringContaining('该台账正由另一个程序使用'), buttons: ['重试', '打开其他台账文件…', '退出'] }]);
    expect(db!.$client.prepare('select count(*) from assets').pluck().get()).toBe(3);
    db!.$client.close();
  });

  it('restores a damaged ledger from its newest backup in the desktop app, holding the lock against a second program throughout', async () => {
    const { file, backup } = await ledgerWithBackup();
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 4096 * 3, 4096 * 3 + 600);
    writeFileSync(file, bytes);
    let second: { code: number | null; out: string } | undefined;
    const { ui, asked } = scriptedUi([async (buttons) => {
      // While the app decides, another program tries to start on the same ledger.
      second = await startUp(['--db', file, '--port', '0']);
      return buttons.findIndex((b) => b.startsWith('从最近的备份恢复'));
    }]);
    const db = await openAtStart(file, openLedgerFile, ui, 'Asia/Shanghai');
    expect(asked[0].message).toContain('完整性检查');
    expect(asked[0].message).toContain(backup.name);
    expect(second).toMatchObject({ code: 1, out: expect.stringContaining('该台账正由另一个程序使用') });
    expect(db!.$client.prepare('select count(*) from assets').pluck().get()).toBe(2);
    db!.$client.close();
  });

  it('tells the desktop app\'s user why a restore failed and asks again, instead of stopping without a window', async () => {
    const { file, backup } = await ledgerWithBackup();
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    writeFileSync(resolveBackup(file, backup.name), Buffer.alloc(8192, 0x33));
    const { ui, asked, errors } = scriptedUi([
      (buttons) => buttons.findIndex((b) => b.startsWith('从最近的备份恢复')),
      (buttons) => buttons.indexOf('退出'),
    ]);
    expect(await openAtStart(file, openLedgerFile, ui, 'Asia/Shanghai')).toBeNull();
    expect(asked).toHaveLength(2);
    expect(errors).toEqual([{ title: '无法从备份恢复', message: expect.stringMatching(/not a database|不是/) }]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe('refusing to serve beyond this machine without sign-in', () => {
  it('will not listen on a LAN address while the ledger has no users', () => {
    const { db, file } = tempLedger();
    db.$client.close();
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', '--db', file, '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', timeout: 30_000 });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('拒绝监听 0.0.0.0');
  });
});

describe('undo', () => {
  it('takes back the last bulk edit once, with custody and audit, and refuses a second time', async () => {
    const { ctx } = await seeded();
    const before = snapshot(ctx.db).assets;
    await call(ctx, 'assets/bulkUpdate', { ids: ids(ctx), change: { custodian: '赵六' } });
    const last = await call<UndoableBatch>(ctx, 'undo/last', {});
    expect(last).toMatchObject({ kind: 'bulk', entries: 2 });
    expect(await call(ctx, 'undo/apply', { batch: last.batch })).toEqual({ undone: 2 });
    expect(snapshot(ctx.db).assets).toEqual(before);
    expect(await call(ctx, 'undo/last', {})).toBeNull();
    await expect(call(ctx, 'undo/apply', { batch: last.batch })).rejects.toThrow(/只能撤销/);
    const undoEntries = ctx.db.$client.prepare(`select action, entity from audit_log where id > (select max(id) from audit_log where batch = ?)`).all(last.batch);
    expect(undoEntries).toEqual([{ action: 'update', entity: 'asset' }, { action: 'update', entity: 'asset' }, { action: 'undo', entity: 'undo' }]);
  });

  it('takes back an import: created assets and agencies go, updated ones get their earlier values', async () => {
    const { ctx } = await seeded();
    const before = snapshot(ctx.db);
    const buf = templateBuffer(
      [agency({ code: 'K2', parentCode: 'P' })],
      [asset({ assetTag: 'V1', itemCode: 'S01', agencyCode: 'K1', custodian: '孙七' }), asset({ assetTag: 'N1', itemCode: 'S09', agencyCode: 'K2' })],
    );
    await call(ctx, 'imports/template', { fileName: 'second.xlsx', base64: Buffer.from(buf).toString('base64') });
    const last = await call<UndoableBatch>(ctx, 'undo/last', {});
    expect(last.kind).toBe('import');
    await call(ctx, 'undo/apply', { batch: last.batch });
    const after = snapshot(ctx.db);
    for (const table of ['agencies', 'assets', 'custody_records', 'maintenance_records'] as const) expect(after[table], table).toEqual(before[table]);
    expect(ctx.db.$client.prepare(`select count(*) from assets_search where assets_search match '"N1"'`).pluck().get()).toBe(0);
  });

  it('refuses when a later change touched the same asset, and changes nothing', async () => {
    const { ctx } = await seeded();
    await call(ctx, 'assets/bulkUpdate', { ids: ids(ctx), change: { status: 'idle' } });
    const last = await call<UndoableBatch>(ctx, 'undo/last', {});
    await call(ctx, 'maintenance/create', { assetId: ids(ctx)[0], date: '2026-11-23', kind: 'service', description: '保养', costFen: null, vendor: null, odometerKm: null, nextDueDate: null, setStatus: null });
    const before = snapshot(ctx.db);
    await expect(call(ctx, 'undo/apply', { batch: last.batch })).rejects.toThrow(/V1.*无法撤销/);
    expect(snapshot(ctx.db)).toEqual(before);
  });

  it('lets a manager undo only their own batch, and offers them no one else’s', async () => {
    const { db, file } = await seeded();
    const a = contextAs(db, file, 'manager', { username: 'a' });
    const b = contextAs(db, file, 'manager', { username: 'b' });
    await call(a, 'assets/bulkUpdate', { ids: ids(a), change: { status: 'idle' } });
    expect(await call<UndoableBatch | null>(b, 'undo/last', {})).toBeNull();
    const last = await call<UndoableBatch>(a, 'undo/last', {});
    await expect(call(b, 'undo/apply', { batch: last.batch })).rejects.toThrow(/只能撤销自己的操作/);
  });
});

describe('a full disk and a read-only ledger', () => {
  it('give a clear message and keep what was stored', async () => {
    const { ctx } = await seeded();
    const before = snapshot(ctx.db);
    const pages = ctx.db.$client.pragma('page_count', { simple: true }) as number;
    ctx.db.$client.pragma(`max_page_count = ${pages}`);
    const big = templateBuffer([], Array.from({ length: 2000 }, (_, i) => asset({ assetTag: `BIG-${i}`, itemCode: 'S09', agencyCode: 'K1', notes: 'x'.repeat(500) })));
    const full = await dispatch(ctx, 'imports/template', { fileName: 'big.xlsx', base64: Buffer.from(big).toString('base64') });
    expect(full).toEqual({ ok: false, problems: [{ message: expect.stringContaining('磁盘空间已满') }] });
    expect(snapshot(ctx.db)).toEqual(before);

    ctx.db.$client.pragma('max_page_count = 1000000');
    ctx.db.$client.pragma('query_only = 1');
    const ro = await dispatch(ctx, 'assets/bulkUpdate', { ids: ids(ctx), change: { status: 'idle' } });
    expect(ro).toEqual({ ok: false, problems: [{ message: expect.stringContaining('只读') }] });
    ctx.db.$client.pragma('query_only = 0');
    expect(snapshot(ctx.db)).toEqual(before);
  });
});
