import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { UndoableBatch } from '../../api/contract';
import { appendAudit } from '../../db/queries/audit';
import { IMPORT_FILE_KEEP_MS } from '../../db/queries/imports';
import { createUser } from '../../db/queries/users';
import { openLedgerFile } from '../../server/handlers/imports';
import { UserError, type Problem } from '../../lib/problems';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { call } from '../../server/local';
import { agency, asset, templateBuffer, xlsx } from '../fixtures/factories';
import { as, count, rows, seededLedger, type TestLedger } from '../fixtures/engine';
import { ledgerSnapshot, storedAsset } from '../fixtures/imports';

const P = agency({ code: 'P', level: 'province' });
const K1 = agency({ code: 'K1', name: '甲县大队', parentCode: 'P' });
const K2 = agency({ code: 'K2', name: '乙县大队', parentCode: 'P' });

const base64 = (buf: Uint8Array) => Buffer.from(buf).toString('base64');
const sheet = (rows: unknown[][]) => xlsx([{ name: 'S', rows: rows as never }]);

/** A province with two counties; county K1 holds one vehicle, H-1. */
const province = () => seededLedger(templateBuffer([P, K1, K2], [asset({ assetTag: 'H-1', itemCode: 'S01', agencyCode: 'K1', custodian: '王五' })]));

/** A county's equipment manager, an account of the ledger (the wizard keeps a user's files under their account). */
async function manager(l: TestLedger, username: string, agencyCode: string): Promise<Context> {
  const user = await l.store.write((tx) => createUser(tx, { actor: 'admin', at: new Date().toISOString() }, { username, displayName: username, role: 'manager', agencyCode }, 'not-a-hash'));
  return as(l, 'manager', { id: user.id, username, agencyCode });
}

/** What an undo must give back: the ledger's records, not its log. */
/**
 * The ledger's records, without the audit log an undo adds to, and without the full-text index's segment
 * storage on SQLite: an undo deletes what the import indexed, which FTS5 keeps as new segments rather than
 * as the bytes it had before; what the index finds is checked by searching (`quick`).
 */
const records = async (ctx: Context) => {
  const { audit_log: _log, audit_agencies: _links, assets_search_data: _data, assets_search_idx: _idx, assets_search_docsize: _sizes, ...rest } = await ledgerSnapshot(ctx);
  return rest;
};

async function refused(ctx: Context, name: Parameters<typeof call>[1], input: object): Promise<Problem[]> {
  const before = await ledgerSnapshot(ctx);
  const error = await call(ctx, name, input as never).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  expect(await ledgerSnapshot(ctx)).toEqual(before);
  return (error as UserError).problems;
}

async function wizardImport(ctx: Context, buf: Uint8Array, mapping: object, mode: 'all' | 'valid' = 'all') {
  const { token } = await call(ctx, 'imports/open', { fileName: 'ledger.xlsx', base64: base64(buf) });
  return call(ctx, 'imports/ledger', { token, mapping, mode });
}

const quick = async (ctx: Context, text: string) => (await call(ctx, 'assets/list', { query: { quick: text }, startRow: 0, endRow: 10 })).rows.map((r) => r.assetTag);

describe('undo of an import', () => {
  it('takes back an import that opened disposal requests (待报废, 丢失 of a held asset) and one of 已报废, whole', async () => {
    const l = await province();
    const admin = as(l, 'admin', { username: '李管理员' });
    const before = await records(admin);
    const out = await wizardImport(admin, sheet([
      ['资产编号', '设备名称', '状态', '使用人'],
      ['D-1', '执法车', '待报废', null], ['D-2', '执法车', '已报废', null], ['D-3', '执法车', '在用', '赵六'], ['H-1', '执法车', '丢失', '王五'],
    ]), { defaultAgency: 'K1' });
    expect(out).toMatchObject({ assets: { created: 3, updated: 1 }, disposals: 2 });
    expect(await quick(admin, 'D-3')).toEqual(['D-3']);
    const last = await call(admin, 'undo/last', {}) as UndoableBatch;
    expect(last).toMatchObject({ kind: 'import', entries: 4 });
    expect(await call(admin, 'undo/apply', { batch: last.batch })).toEqual({ undone: 4 });
    expect(await records(admin)).toEqual(before);
    expect(await quick(admin, 'D-3')).toEqual([]);
    const undone = await rows<{ action: string; entity: string; key: string }>(admin, sql`select action, entity, entity_key as key from audit_log
      where batch <> ${last.batch} and id > (select max(id) from audit_log where batch = ${last.batch}) order by id`);
    expect(undone.filter((e) => e.entity === 'disposal').map((e) => `${e.action} ${e.key.replace(/#\d+$/, '')}`).sort()).toEqual(['delete D-1', 'delete H-1']);
    expect(undone.at(-1)).toMatchObject({ action: 'undo', entity: 'undo', key: last.batch });
  });

  it('gives an updated asset its earlier values back, and removes the agencies the template added', async () => {
    const l = await province();
    const admin = as(l, 'admin', { username: '李管理员' });
    const before = await records(admin);
    await call(admin, 'imports/template', { fileName: 'second.xlsx', base64: base64(templateBuffer(
      [agency({ code: 'K3', level: 'city', parentCode: 'P' }), agency({ code: 'K31', parentCode: 'K3' })],
      [asset({ assetTag: 'H-1', itemCode: 'S01', agencyCode: 'K3', custodian: '孙七' }), asset({ assetTag: 'N-1', itemCode: 'S09', agencyCode: 'K31' })],
    )) });
    expect(await storedAsset(admin, 'H-1')).toMatchObject({ agencyCode: 'K3', custodian: '孙七' });
    const last = await call(admin, 'undo/last', {}) as UndoableBatch;
    await call(admin, 'undo/apply', { batch: last.batch });
    expect(await records(admin)).toEqual(before);
  });

  it('refuses, in Chinese and changing nothing, once an imported asset was edited since', async () => {
    const l = await province();
    const admin = as(l, 'admin', { username: '李管理员' });
    await wizardImport(admin, sheet([['资产编号', '设备名称', '状态'], ['E-1', '执法车', '在用'], ['E-2', '执法车', '在用']]), { defaultAgency: 'K1' });
    const last = await call(admin, 'undo/last', {}) as UndoableBatch;
    const [e1] = await rows<{ id: number }>(admin, sql`select id from assets where asset_tag = 'E-1'`);
    const row = (await call(admin, 'assets/get', { id: e1.id })).asset;
    await call(admin, 'assets/update', { id: e1.id, fields: { ...row, custodian: '钱八' } });
    const problems = await refused(admin, 'undo/apply', { batch: last.batch });
    expect(problems[0].message).toMatch(/^「E-1」在此后已被 李管理员 于 .+ 修改,无法撤销$/);
  });

  it('refuses once a disposal request the import opened was approved since', async () => {
    const l = await province();
    const admin = as(l, 'admin', { username: '李管理员' });
    await wizardImport(admin, sheet([['资产编号', '设备名称', '状态'], ['D-1', '执法车', '待报废']]), { defaultAgency: 'K1' });
    const last = await call(admin, 'undo/last', {}) as UndoableBatch;
    const [d] = await rows<{ id: number }>(admin, sql`select id from disposals`);
    // Approved as 报废 approves it: the request's status, and its entry in the log.
    const head = { actor: '赵局长', at: new Date().toISOString() };
    await l.store.write(async (tx) => {
      await tx.run(sql`update disposals set status = 'approved', approval_ref = '环执〔2026〕8号', approved_by = ${head.actor}, approved_at = ${head.at} where id = ${d.id}`);
      await appendAudit(tx, head, [{ action: 'update', entity: 'disposal', entityKey: `D-1#${d.id}`, before: { status: 'requested' }, after: { status: 'approved' }, agencies: ['K1'] }]);
    });
    const problems = await refused(admin, 'undo/apply', { batch: last.batch });
    expect(problems[0].message).toMatch(/^「D-1#\d+」在此后已被 赵局长 .+无法撤销$/);
  });

  it('takes a batch back once when two undos of it come at once', async () => {
    const l = await province();
    const admin = as(l, 'admin', { username: '李管理员' });
    await wizardImport(admin, sheet([['资产编号', '设备名称', '状态'], ['T-1', '执法车', '在用']]), { defaultAgency: 'K1' });
    const last = await call(admin, 'undo/last', {}) as UndoableBatch;
    const both = await Promise.all([1, 2].map(() => dispatch(admin, 'undo/apply', { batch: last.batch })));
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({ problems: [{ message: expect.stringContaining('只能撤销') }] });
    expect(await count(admin, 'assets')).toBe(1);
  });
});

describe('two counties importing the same asset tag', () => {
  it('at once: one import wins, the other is refused in Chinese with nothing of its file stored', async () => {
    const l = await province();
    const [k1, k2] = [await manager(l, 'mgrK1', 'K1'), await manager(l, 'mgrK2', 'K2')];
    const file = (county: string, own: string) => base64(templateBuffer([], [asset({ assetTag: 'X-1', itemCode: 'S04', agencyCode: county }), asset({ assetTag: own, itemCode: 'S04', agencyCode: county })]));
    const [a, b] = await Promise.all([
      dispatch(k1, 'imports/template', { fileName: '甲县.xlsx', base64: file('K1', 'K1-OWN') }),
      dispatch(k2, 'imports/template', { fileName: '乙县.xlsx', base64: file('K2', 'K2-OWN') }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const [winner, loser] = a.ok ? ['K1', 'K2'] : ['K2', 'K1'];
    const refusal = (a.ok ? b : a) as { ok: false; problems: Problem[] };
    expect(refusal.problems).toEqual([expect.objectContaining({ field: '资产编号', message: `资产编号「X-1」属于机构「${winner}」不在您的管辖范围` })]);
    expect(await storedAsset(l, 'X-1')).toMatchObject({ agencyCode: winner });
    expect(await storedAsset(l, `${winner}-OWN`)).toBeDefined();
    expect(await storedAsset(l, `${loser}-OWN`)).toBeUndefined();
  });

  it('taken by another county between the preview and the import: refused in Chinese, nothing written', async () => {
    const l = await province();
    const [k1, k2] = [await manager(l, 'mgrK1', 'K1'), await manager(l, 'mgrK2', 'K2')];
    const buf = (county: string) => sheet([['资产编号', '设备名称', '单位'], ['X-9', '执法记录仪', county], [`${county}-9`, '执法记录仪', county]]);
    const { token } = await call(k2, 'imports/open', { fileName: '乙县.xlsx', base64: base64(buf('乙县大队')) });
    expect(await call(k2, 'imports/preview', { token, mapping: {} })).toMatchObject({ valid: 2, rejected: 0, create: 2 });
    await wizardImport(k1, buf('甲县大队'), {});
    const problems = await refused(k2, 'imports/ledger', { token, mapping: {}, mode: 'all' });
    expect(problems).toEqual([expect.objectContaining({ row: 2, field: '资产编号', message: '资产编号「X-9」属于机构「K1」不在您的管辖范围' })]);
    // The file stays open: the other rows go in once the user leaves the taken one out.
    expect(await call(k2, 'imports/ledger', { token, mapping: {}, mode: 'valid' })).toMatchObject({ assets: { created: 1 }, rejected: 1 });
    expect(await storedAsset(l, 'X-9')).toMatchObject({ agencyCode: 'K1' });
  });
});

describe('a user\'s open files', () => {
  it('are theirs alone, and go when their account is removed', async () => {
    const l = await province();
    const [k1, k2] = [await manager(l, 'mgrK1', 'K1'), await manager(l, 'mgrK2', 'K2')];
    const { token } = await call(k1, 'imports/open', { fileName: '甲县.xlsx', base64: base64(sheet([['资产编号', '设备名称'], ['A-1', '执法车']])) });
    const theirs = await dispatch(k2, 'imports/analyse', { token, mapping: {} });
    expect(!theirs.ok && theirs.problems[0].message).toContain('重新选择文件');
    expect(await count(l, 'import_files')).toBe(1);
    await l.store.run(sql`delete from users where username = 'mgrK1'`);
    expect(await count(l, 'import_files')).toBe(0);
  });

  it('are removed a day after they were opened, when anyone opens a file', async () => {
    const l = await province();
    const [k1, k2] = [await manager(l, 'mgrK1', 'K1'), await manager(l, 'mgrK2', 'K2')];
    const buf = sheet([['资产编号', '设备名称'], ['A-1', '执法车']]);
    const { token } = await call(k1, 'imports/open', { fileName: '甲县.xlsx', base64: base64(buf) });
    await openLedgerFile(l.store, l.ledger.clock.now().getTime() + IMPORT_FILE_KEEP_MS + 60_000, k2.user!.id, '乙县.xlsx', buf);
    expect(await count(l, 'import_files')).toBe(1);
    const gone = await dispatch(k1, 'imports/analyse', { token, mapping: {} });
    expect(!gone.ok && gone.problems[0].message).toContain('文件已关闭');
  });

  it('keep two a user: opening a third closes the first', async () => {
    const l = await province();
    const k1 = await manager(l, 'mgrK1', 'K1');
    const open = async (n: number) => (await call(k1, 'imports/open', { fileName: `${n}.xlsx`, base64: base64(sheet([['资产编号', '设备名称'], [`A-${n}`, '执法车']])) })).token;
    const [first, second, third] = [await open(1), await open(2), await open(3)];
    const closed = await dispatch(k1, 'imports/analyse', { token: first, mapping: {} });
    expect(!closed.ok && closed.problems[0].message).toContain('文件已关闭');
    for (const token of [second, third]) expect((await dispatch(k1, 'imports/analyse', { token, mapping: {} })).ok).toBe(true);
  });
});
