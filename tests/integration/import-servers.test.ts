import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Role } from '../../api/roles';
import type { UndoableBatch } from '../../api/contract';
import { createUser } from '../../db/queries/users';
import { readWorkbook, type Workbook } from '../../excel/workbook';
import { UserError, type Problem } from '../../lib/problems';
import { importTemplateWorkbook } from '../../server/handlers/imports';
import { IPC_REMOTE, userContext, type Context, type Ledger } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { closeLedger, openProvincialLedger } from '../../server/ledger';
import { call } from '../../server/local';
import { testClock } from '../fixtures/context';
import { agency, asset, templateBuffer, xlsx } from '../fixtures/factories';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';

/**
 * Two server processes of one provincial database, as a province runs them behind its load balancer: each its
 * own pool, its own store and its own cache of the wizard's parsed files.
 */
async function twoServers(): Promise<[Ledger, Ledger]> {
  const url = await freshDatabase();
  const first = await openProvincialLedger(url, testClock());
  const second = await openProvincialLedger(url, testClock());
  onTestFinished(async () => {
    await closeLedger(first);
    await closeLedger(second);
  });
  return [first, second];
}

const base64 = (buf: Uint8Array) => Buffer.from(buf).toString('base64');
const who = { actor: 'admin', at: '2026-11-23T01:00:00.000Z' };

/** An account of the ledger, and a call context signed in as it on `ledger`. */
async function account(ledger: Ledger, username: string, role: Role, agencyCode: string | null): Promise<(on: Ledger) => Context> {
  const user = await ledger.store.write((tx) => createUser(tx, who, { username, displayName: username, role, agencyCode }, 'not-a-hash'));
  return (on) => userContext(on, { id: user.id, username, displayName: username, role, agencyCode }, IPC_REMOTE, async () => undefined);
}

async function province(ledger: Ledger): Promise<void> {
  const admin = userContext(ledger, { id: 0, username: 'admin', displayName: '管理员', role: 'admin', agencyCode: null }, IPC_REMOTE, async () => undefined);
  await call(admin, 'imports/template', { fileName: 'tree.xlsx', base64: base64(templateBuffer([
    agency({ code: 'P', level: 'province' }), agency({ code: 'K1', name: '甲县大队', parentCode: 'P' }), agency({ code: 'K2', name: '乙县大队', parentCode: 'P' }),
  ])) });
}

async function read(file: string, b64: string): Promise<Workbook> {
  const r = await readWorkbook(Buffer.from(b64, 'base64'), file);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.workbook;
}

/** What the dispatcher answers for a call: its value, or the problems it was refused with. */
const outcome = (p: Promise<unknown>) => p.then((value) => ({ ok: true as const, value }), (e: unknown) => {
  if (e instanceof UserError) return { ok: false as const, problems: e.problems };
  throw e;
});

const tagsOf = async (l: Ledger) => (await l.store.all<{ tag: string; code: string }>(sql`select s.asset_tag as tag, a.code from assets s join agencies a on a.id = s.agency_id order by 1`))
  .map((r) => `${r.tag}@${r.code}`);

describe.skipIf(!postgresUrl)('the import wizard across server processes of one provincial database', () => {
  it('opens a file on one process, maps, previews and imports it on another, which reads it again from the database', async () => {
    const [a, b] = await twoServers();
    await province(a);
    const manager = await account(a, 'mgrK1', 'manager', 'K1');
    const file = xlsx([{ name: '台账', rows: [['资产编号', '设备名称', '数量', '状态'], ['W-1', '执法记录仪', 2, '在库'], ['W-2', '执法车', 1, '在用']] }]);
    const opened = await call(manager(a), 'imports/open', { fileName: '甲县台账.xlsx', base64: base64(file) });
    expect(opened).toMatchObject({ suggestedSheet: '台账', template: false });
    const mapping = { defaultAgency: 'K1', statuses: { 在库: 'idle' as const } };
    expect(await call(manager(b), 'imports/analyse', { token: opened.token, mapping })).toMatchObject({ sheet: '台账', statuses: [{ text: '在库', status: 'idle' }] });
    expect(await call(manager(b), 'imports/preview', { token: opened.token, mapping })).toMatchObject({ valid: 2, units: 3, create: 3 });
    expect(await call(manager(b), 'imports/ledger', { token: opened.token, mapping, mode: 'all' })).toMatchObject({ assets: { created: 3 } });
    expect(await tagsOf(a)).toEqual(['W-1-1@K1', 'W-1-2@K1', 'W-2@K1']);
    // Imported on the second process, closed on both: the first's cached copy is not served again.
    for (const on of [a, b]) {
      const again = await dispatch(manager(on), 'imports/preview', { token: opened.token, mapping });
      expect(!again.ok && again.problems[0].message).toContain('文件已关闭');
    }
    // Another user of either process does not reach it.
    const other = await account(a, 'mgrK2', 'manager', 'K2');
    const next = await call(manager(a), 'imports/open', { fileName: '甲县台账.xlsx', base64: base64(file) });
    const theirs = await dispatch(other(b), 'imports/analyse', { token: next.token, mapping });
    expect(!theirs.ok && theirs.problems[0].message).toContain('重新选择文件');
  });

  it('imports one opened file once when both processes are asked at once', async () => {
    const [a, b] = await twoServers();
    await province(a);
    const manager = await account(a, 'mgrK1', 'manager', 'K1');
    const { token } = await call(manager(a), 'imports/open', { fileName: 'x.xlsx', base64: base64(xlsx([{ name: 'S', rows: [['资产编号', '设备名称'], ['O-1', '执法车']] }])) });
    const both = await Promise.all([a, b].map((on) => dispatch(manager(on), 'imports/ledger', { token, mapping: { defaultAgency: 'K1' }, mode: 'all' })));
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({ problems: [{ message: expect.stringContaining('文件已关闭') }] });
    expect(Number((await a.store.get<{ n: number }>(sql`select count(*) as n from audit_log where entity = 'import'`))!.n)).toBe(2);
  });
});

describe.skipIf(!postgresUrl)('two counties importing the same asset tag on two server processes at once', () => {
  it('stores one county\'s file and refuses the other\'s in Chinese, nothing of it written, round after round', { timeout: 120_000 }, async () => {
    const [a, b] = await twoServers();
    await province(a);
    const k1 = await account(a, 'mgrK1', 'manager', 'K1');
    const k2 = await account(a, 'mgrK2', 'manager', 'K2');
    const file = (county: string, shared: string, n: number) =>
      base64(templateBuffer([], [asset({ assetTag: shared, itemCode: 'S04', agencyCode: county }), ...Array.from({ length: n }, (_, i) => asset({ assetTag: `${county}-${shared}-${i}`, itemCode: 'S04', agencyCode: county }))]));
    for (let round = 0; round < 5; round++) {
      const shared = `X-${round}`;
      // Parsed first (one process's parse worker would take the files one after the other), then stored at once.
      const [w1, w2] = await Promise.all([read('甲县.xlsx', file('K1', shared, 600)), read('乙县.xlsx', file('K2', shared, 600))]);
      const [r1, r2] = await Promise.all([
        outcome(importTemplateWorkbook(a.store, w1, { file: '甲县.xlsx', who: k1(a).who(), today: '2026-11-23', scope: new Set(['K1']), root: 'K1' })),
        outcome(importTemplateWorkbook(b.store, w2, { file: '乙县.xlsx', who: k2(b).who(), today: '2026-11-23', scope: new Set(['K2']), root: 'K2' })),
      ]);
      expect([r1.ok, r2.ok].sort(), `round ${round}: ${JSON.stringify([r1, r2]).slice(0, 300)}`).toEqual([false, true]);
      const [winner, loser] = r1.ok ? ['K1', 'K2'] : ['K2', 'K1'];
      const refusal = (r1.ok ? r2 : r1) as { ok: false; problems: Problem[] };
      expect(refusal.problems).toEqual([expect.objectContaining({ field: '资产编号', message: `资产编号「${shared}」属于机构「${winner}」不在您的管辖范围` })]);
      const stored = await tagsOf(b);
      expect(stored.filter((t) => t.startsWith(`${loser}-${shared}-`))).toEqual([]);
      expect(stored.filter((t) => t.startsWith(`${winner}-${shared}-`))).toHaveLength(600);
      expect(stored).toContain(`${shared}@${winner}`);
    }
  });

  it('takes an import back once when two processes are asked to undo it at once', async () => {
    const [a, b] = await twoServers();
    await province(a);
    const admin = await account(a, 'chief', 'admin', null);
    await call(admin(a), 'imports/template', { fileName: 'more.xlsx', base64: base64(templateBuffer([], [asset({ assetTag: 'U-1', itemCode: 'S04', agencyCode: 'K1' })])) });
    const last = await call(admin(b), 'undo/last', {}) as UndoableBatch;
    const both = await Promise.all([a, b].map((on) => dispatch(admin(on), 'undo/apply', { batch: last.batch })));
    expect(both.filter((r) => r.ok)).toEqual([{ ok: true, value: { undone: 1 } }]);
    expect(both.find((r) => !r.ok)).toMatchObject({ problems: [{ message: expect.stringContaining('只能撤销') }] });
    expect(Number((await a.store.get<{ n: number }>(sql`select count(*) as n from audit_log where entity = 'undo'`))!.n)).toBe(1);
    expect(await tagsOf(a)).toEqual([]);
  });
});
