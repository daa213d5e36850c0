import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgencies, generateAssets, DEMO_PROVINCE, rng } from '../../bench/generate';
import { openDatabase, type Db } from '../../db/open';
import { integrity } from '../../db/backup';
import { loadLedger } from '../../db/queries/bulk';
import { templateSheets, workbookBuffer } from '../../excel/write';

/** Kill points per kind of work; 200 in all by default (EQL_KILL_POINTS scales them). */
const SCALE = Number(process.env.EQL_KILL_POINTS ?? 200) / 200;
const POINTS = { import: Math.round(20 * SCALE), bulk: Math.round(80 * SCALE), approve: Math.round(50 * SCALE), plan: Math.round(50 * SCALE) };
const CHILD = join(import.meta.dirname, '..', 'fixtures', 'kill-child.ts');
const who = { actor: 'seed', at: '2026-11-23T00:00:00Z' };

let dir: string;
let base: string;
let workbook: string;
const random = rng(20261123);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eql-kill-'));
  const agencies = generateAgencies(7, [DEMO_PROVINCE]);
  // The base ledger: the province's agencies and 3,000 assets; the workbook: 100,000 more of them.
  base = join(dir, 'base.db');
  const { db } = openDatabase(base);
  loadLedger(db, who, 'seed', agencies, generateAssets(7, agencies, 3_000, '2026-11-23'));
  db.$client.close();
  workbook = join(dir, 'big.xlsx');
  const more = [...generateAssets(8, agencies, 100_000, '2026-11-23')].map((a) => ({ ...a, assetTag: `K-${a.assetTag}` }));
  writeFileSync(workbook, workbookBuffer(templateSheets([], more)));
}, 120_000);

/** How long the import takes on this machine, from its start to its commit, so kill points can spread over it. */
async function importDuration(): Promise<number> {
  const file = join(dir, 'timing.db');
  copyFileSync(base, file);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, 'import', workbook], { stdio: ['ignore', 'pipe', 'inherit'] });
    let started = 0;
    child.stdout.on('data', (c: Buffer) => {
      if (String(c).includes('working')) started = Date.now();
      if (String(c).includes('done')) resolve(Date.now() - started);
    });
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child on a fresh copy of the base ledger and SIGKILLs it `delayMs` after it starts working. */
function killDuring(op: string, delayMs: number, n: number): Promise<{ file: string; finished: boolean }> {
  const file = join(dir, `${op}-${n}.db`);
  copyFileSync(base, file);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, op, workbook], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.stdout.on('data', (c: Buffer) => {
      out += c;
      if (out === 'working\n') setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL' && !out.includes('done')) reject(new Error(`child ended without being killed: ${err}`));
      else resolve({ file, finished: out.includes('done') });
    });
  });
}

/** Opens the ledger as the app would (integrity check included) and runs `check` on it. */
function afterKill(file: string, check: (db: Db) => void) {
  const { db } = openDatabase(file);
  try {
    expect(integrity(db.$client)).toBe('ok');
    check(db);
  } finally {
    db.$client.close();
    for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
  }
}

const count = (db: Db, sql: string) => db.$client.prepare(sql).pluck().get() as number;

/** Runs `points` kill trials two at a time (the machines have two cores). */
async function trials(op: keyof typeof POINTS, maxDelayMs: number, check: (db: Db, finished: boolean) => void) {
  const results: boolean[] = [];
  for (let i = 0; i < POINTS[op]; i += 2) {
    const batch = await Promise.all([i, i + 1].filter((n) => n < POINTS[op]).map((n) => killDuring(op, Math.floor(random() * maxDelayMs), n)));
    for (const { file, finished } of batch) {
      afterKill(file, (db) => check(db, finished));
      results.push(finished);
    }
  }
  return results;
}

describe('killed with SIGKILL at random points, the ledger always opens whole', () => {
  it(`holds all or none of a 100,000-row import (${POINTS.import} kill points)`, { timeout: 600_000 }, async () => {
    const outcomes: number[] = [];
    const duration = await importDuration();
    await trials('import', duration * 1.1, (db, finished) => {
      const imported = count(db, `select count(*) from assets where asset_tag like 'K-%'`);
      expect([0, 100_000]).toContain(imported);
      expect(imported === 100_000).toBe(finished || imported === 100_000);
      expect(count(db, `select count(*) from audit_log where entity = 'asset' and entity_key like 'K-%'`)).toBe(imported);
      expect(count(db, `select count(*) from assets_search`)).toBe(count(db, 'select count(*) from assets'));
      outcomes.push(imported);
    });
    // Most kills must land inside the import, or the test proves nothing.
    expect(outcomes.filter((n) => n === 0).length).toBeGreaterThanOrEqual(POINTS.import / 2);
  });

  it(`holds every bulk edit whole or not at all (${POINTS.bulk} kill points)`, { timeout: 600_000 }, async () => {
    const statuses = (db: Db) => db.$client.prepare(`select status from assets order by id`).pluck().all();
    const { db: baseDb } = openDatabase(base);
    const original = statuses(baseDb);
    baseDb.$client.close();
    let afterACommit = 0;
    await trials('bulk', 4_000, (db) => {
      const live = count(db, `select count(*) from assets where status <> 'scrapped'`);
      const batches = db.$client.prepare(`select count(*) from audit_log where batch like 'bulk-%' group by batch`).pluck().all() as number[];
      for (const n of batches) expect(n).toBe(live + 1);
      // Before the first edit committed, the statuses are the base ledger's; after, every live asset has the last edit's status.
      if (batches.length === 0) expect(statuses(db)).toEqual(original);
      else expect(count(db, `select count(distinct status) from assets where status <> 'scrapped'`)).toBe(1);
      if (batches.length > 0) afterACommit++;
    });
    // Both sides are exercised: kills inside the first edit, and kills after some edits have committed.
    expect(afterACommit).toBeGreaterThan(0);
    expect(afterACommit).toBeLessThan(POINTS.bulk);
  });

  it(`keeps disposals, assets and their audit entries in step through approvals (${POINTS.approve} kill points)`, { timeout: 600_000 }, async () => {
    await trials('approve', 3_000, (db) => {
      expect(count(db, `select count(*) from disposals d join assets s on s.id = d.asset_id where (d.status = 'scrapped') <> (s.status = 'scrapped')`)).toBe(0);
      expect(count(db, `select count(*) from disposals where status in ('approved', 'scrapped') and (approved_by is null or approval_ref is null)`)).toBe(0);
      const expected = count(db, `select coalesce(sum(case status when 'requested' then 1 when 'approved' then 2 else 3 end), 0) from disposals`);
      expect(count(db, `select count(*) from audit_log where entity = 'disposal'`)).toBe(expected);
      expect(count(db, `select count(*) from custody_records r join assets s on s.id = r.asset_id where s.status = 'scrapped' and r.to_date is null`)).toBe(0);
    });
  });

  it(`stores each dispatch plan and its approval whole or not at all (${POINTS.plan} kill points)`, { timeout: 600_000 }, async () => {
    let approved = 0;
    await trials('plan', 4_000, (db) => {
      // A stored plan has its task and its audit entry; an approved one has its approver and one commitment entry per unit.
      expect(count(db, `select count(*) from plans p where not exists (select 1 from plan_tasks t where t.plan_id = p.id)`)).toBe(0);
      expect(count(db, `select count(*) from plans`)).toBe(count(db, `select count(*) from audit_log where entity = 'plan' and action = 'create'`));
      const plans = db.$client.prepare(`select id, code, status, approved_by as approvedBy, (select count(*) from plan_assignments a where a.plan_id = p.id) as units from plans p`)
        .all() as { id: number; code: string; status: string; approvedBy: string | null; units: number }[];
      for (const p of plans) {
        const commitments = count(db, `select count(*) from audit_log where entity = 'dispatch' and json_extract(after, '$.plan') = '${p.code}'`);
        if (p.status === 'approved') {
          expect(p.approvedBy).not.toBeNull();
          expect(commitments).toBe(p.units);
          approved++;
        } else {
          expect(p.approvedBy).toBeNull();
          expect(commitments).toBe(0);
        }
      }
      expect(plans.every((p) => p.status === 'draft' || p.status === 'approved')).toBe(true);
      expect(count(db, `select count(*) from plans where status = 'draft'`)).toBeLessThanOrEqual(1);
    });
    expect(approved).toBeGreaterThan(0);
  });
});
