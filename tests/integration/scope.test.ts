import { sql } from 'kysely';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import type { AuditRow, Input, OpName, Output, TaskFields } from '../../api/contract';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { as, asUser, ENGINE, rows, seededLedger, seedLedger, snapshotOf, value } from '../fixtures/engine';
import { agency, asset, templateBuffer, units, xlsx } from '../fixtures/factories';

const TREE = [
  agency({ code: 'P', name: '省厅', level: 'province', staff: 20, latitude: 30.0, longitude: 120 }),
  agency({ code: 'C1', name: '一市', level: 'city', parentCode: 'P', staff: 30, latitude: 30.1, longitude: 120 }),
  agency({ code: 'C2', name: '二市', level: 'city', parentCode: 'P', staff: 30, latitude: 31.0, longitude: 120 }),
  agency({ code: 'K11', name: '一市甲县', parentCode: 'C1', staff: 23, latitude: 30.12, longitude: 120 }),
  agency({ code: 'K12', name: '一市乙县', parentCode: 'C1', staff: 12, latitude: 30.15, longitude: 120 }),
  agency({ code: 'K21', name: '二市丙县', parentCode: 'C2', staff: 18, latitude: 31.05, longitude: 120 }),
];

/**
 * A province (P) with two cities: C1 over counties K11 and K12, C2 over county K21. Each county
 * holds a few vehicles and drones, so each has its own shortfall.
 */
async function province() {
  const l = await seededLedger(templateBuffer(TREE, [
    asset({ assetTag: 'K11-CAR', itemCode: 'S01', agencyCode: 'K11' }),
    ...units(2, { itemCode: 'S09', agencyCode: 'K11' }),
    asset({ assetTag: 'K12-CAR', itemCode: 'S01', agencyCode: 'K12' }),
    ...units(3, { itemCode: 'S09', agencyCode: 'K12' }),
    asset({ assetTag: 'K21-CAR', itemCode: 'S01', agencyCode: 'K21' }),
    ...units(3, { itemCode: 'S01', agencyCode: 'K21' }),
  ]));
  const idOf = (tag: string) => value(l, sql<{ n: number }>`select id as n from assets where asset_tag = ${tag}`);
  // Users the ledger holds, as the users screen adds them (the import wizard keeps each one's open files).
  return {
    l, idOf,
    admin: await asUser(l, 'admin', 'admin', null),
    mgrK11: await asUser(l, 'mgrK11', 'manager', 'K11'),
    headK11: await asUser(l, 'headK11', 'head', 'K11'),
    dispK11: await asUser(l, 'dispK11', 'dispatcher', 'K11'),
    mgrK21: await asUser(l, 'mgrK21', 'manager', 'K21'),
    mgrC1: await asUser(l, 'mgrC1', 'manager', 'C1'),
    headC1: await asUser(l, 'headC1', 'head', 'C1'),
    dispP: await asUser(l, 'dispP', 'dispatcher', null),
    headP: await asUser(l, 'headP', 'head', null),
  };
}

async function call<N extends OpName>(ctx: Context, name: N, input: Input<N>): Promise<Output<N>> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.value as Output<N>;
}

/** The operation is refused and every table of the ledger is as it was; the problems come back. */
async function refusedUnchanged(ctx: Context, name: OpName, input: unknown) {
  const before = await snapshotOf(ctx);
  const r = await dispatch(ctx, name, input);
  expect(r.ok, name).toBe(false);
  expect(await snapshotOf(ctx)).toEqual(before);
  return r.ok ? [] : r.problems;
}

const base64 = (buf: Uint8Array) => Buffer.from(buf).toString('base64');

const assetFields = (tag: string, agencyCode: string, custodian: string) => ({
  assetTag: tag, itemCode: 'S01', agencyCode, model: null, serialNumber: null, purchaseDate: '2022-03-01', priceFen: 100_000, fundingSource: null,
  status: 'in_service' as const, custodian, location: null, plateNumber: null, odometerKm: null, calibrationValidUntil: null, notes: null,
});

describe('ledger-wide data', () => {
  it('refuses a county or city account the prices, replacement rules and dispatch reserve every agency shares, and changes nothing', async () => {
    const { l, admin, mgrK11, headK11, mgrC1 } = await province();
    const terms = await call(admin, 'budget/terms', {});
    const s01 = terms.find((t) => t.item === 'S01')!;
    const cheap = { item: 'S01', unitPriceFen: 1, priceNote: null, serviceYears: 1, serviceKm: null, lifeNote: null };
    const file = await call(admin, 'budget/exportTerms', {});
    const sheet = XLSX.read(Buffer.from(file.base64, 'base64'));
    const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet.Sheets[sheet.SheetNames[0]], { header: 1 });
    const priceCol = (rows[0] as string[]).findIndex((h) => h.startsWith('单价'));
    const s01Row = rows.findIndex((r) => r[0] === 'S01');
    (rows[s01Row] as unknown[])[priceCol] = 1;
    const edited = xlsx([{ name: sheet.SheetNames[0], rows: rows as never }]);

    for (const ctx of [mgrK11, headK11, mgrC1]) {
      const [p] = await refusedUnchanged(ctx, 'budget/saveTerms', { terms: [cheap] });
      expect(p).toMatchObject({ code: 'forbidden', message: expect.stringContaining('全台账') });
      await refusedUnchanged(ctx, 'budget/importTerms', { fileName: '单价.xlsx', base64: base64(edited) });
    }
    for (const ctx of [headK11, as(l, 'head', { id: 99, username: 'headC1', agencyCode: 'C1' })]) {
      await refusedUnchanged(ctx, 'dispatch/saveSettings', { reserveRatio: 1, optionalReserve: {} });
    }
    expect((await call(admin, 'budget/terms', {})).find((t) => t.item === 'S01')).toEqual(s01);
    // The same changes from the whole ledger's users go through.
    expect(await call(admin, 'budget/importTerms', { fileName: '单价.xlsx', base64: base64(edited) })).toEqual({ changed: 1 });
    expect(await call(as(l, 'head', { id: 98, username: 'headP' }), 'dispatch/saveSettings', { reserveRatio: 1, optionalReserve: {} }))
      .toMatchObject({ reserveRatio: 1 });
  });

  it('keeps users, backups and restore to an administrator of the whole ledger, not one limited to a city', async () => {
    const { l, admin } = await province();
    const cityAdmin = as(l, 'admin', { id: 97, username: 'adminC1', agencyCode: 'C1' });
    for (const [name, input] of [
      ['users/list', {}], ['backups/list', {}], ['backups/create', {}], ['ledger/loadDemo', {}],
      ['users/create', { username: 'x', displayName: 'x', role: 'manager', agencyCode: 'K21', password: 'a long password' }],
    ] as [OpName, unknown][]) {
      const [p] = await refusedUnchanged(cityAdmin, name, input);
      expect(p, name).toMatchObject({ code: 'forbidden', message: expect.stringContaining('全部机构') });
    }
    expect((await dispatch(admin, 'users/list', {})).ok).toBe(true);
  });
});

describe('template imports by a scoped account', () => {
  it('refuses to move a county to another city, change its level, make it a root, or add an agency outside the subtree; nothing changes', async () => {
    const { l, mgrK11, mgrC1 } = await province();
    const k11 = TREE.find((a) => a.code === 'K11')!;
    const cases: [Context, Parameters<typeof agency>[0], string, string][] = [
      [mgrK11, { ...k11, parentCode: 'C2' }, 'D', '上级机构'],
      [mgrK11, { ...k11, level: 'province', parentCode: null }, 'C', '层级'],
      [mgrK11, { ...k11, level: 'city', parentCode: 'P' }, 'C', '层级'],
      [mgrC1, { ...TREE.find((a) => a.code === 'C1')!, parentCode: null, level: 'province' }, 'D', '上级机构'],
      [mgrC1, { code: 'K13', parentCode: null, level: 'province' }, 'A', '顶级机构'],
      [mgrC1, { code: 'K22', parentCode: 'C2' }, 'D', 'C2'],
    ];
    for (const [ctx, row, column, words] of cases) {
      const problems = await refusedUnchanged(ctx, 'imports/template', { fileName: '机构.xlsx', base64: base64(templateBuffer([agency(row)])) });
      expect(problems, JSON.stringify(row)).toContainEqual(expect.objectContaining({ file: '机构.xlsx', sheet: '机构', row: 2, column, message: expect.stringContaining(words) }));
    }
    const tree = () => rows(l, sql`select a.code, a.level, p.code as parent from agencies a left join agencies p on p.id = a.parent_id order by a.code`);
    const before = await tree();
    // What stays the user's: the figures of an agency in scope, and a new county under their city.
    const out = await call(mgrC1, 'imports/template', {
      fileName: '机构.xlsx', base64: base64(templateBuffer([agency({ ...k11, staff: 40 }), agency({ code: 'K13', parentCode: 'C1' })])),
    });
    expect(out.agencies).toEqual({ created: 1, updated: 1, unchanged: 0 });
    expect(await tree()).toEqual([...before, { code: 'K13', level: 'county', parent: 'C1' }].sort((a, b) => (a as { code: string }).code.localeCompare((b as { code: string }).code)));
  });
});

describe('the audit log, undo and status within scope', () => {
  async function history() {
    const p = await province();
    const { admin, mgrK11, mgrK21, idOf } = p;
    await call(mgrK11, 'assets/update', { id: await idOf('K11-CAR'), fields: assetFields('K11-CAR', 'K11', '甲') });
    await call(mgrK21, 'assets/update', { id: await idOf('K21-CAR'), fields: assetFields('K21-CAR', 'K21', '丙') });
    await call(admin, 'users/create', { username: 'mgrK21b', displayName: '丙县二', role: 'manager', agencyCode: 'K21', password: 'a long password' });
    await call(admin, 'budget/saveTerms', { terms: [{ item: 'S02', unitPriceFen: 123, priceNote: null, serviceYears: null, serviceKm: null, lifeNote: null }] });
    // A transfer from K21 to K11 concerns both.
    await call(admin, 'assets/update', { id: await idOf('K21-CAR'), fields: assetFields('K21-CAR', 'K11', '甲') });
    return p;
  }

  it('shows a county head only the entries of its county, and no user administration or ledger-wide change', async () => {
    const { l, headK11, headC1, admin } = await history();
    const agenciesOf = async (id: number) => (await rows(l, sql<{ code: string }>`select agency_code as code from audit_agencies where audit_id = ${id}`)).map((r) => r.code);
    const list = await call(headK11, 'audit/list', { query: {}, startRow: 0, endRow: 1000 });
    expect(list.total).toBe(list.rows.length);
    expect(list.rows.length).toBeGreaterThan(0);
    for (const r of list.rows) expect(await agenciesOf(r.id), `${r.entity} ${r.entityKey}`).toContain('K11');
    const keys = list.rows.map((r) => `${r.entity}:${r.entityKey}`);
    expect(keys).toContain('asset:K11-CAR');
    expect(list.rows.filter((r) => r.entityKey === 'K21-CAR').map((r) => (r.after as { agencyCode: string }).agencyCode)).toEqual(['K11']);
    expect(list.rows.some((r: AuditRow) => ['user', 'item_terms'].includes(r.entity))).toBe(false);
    expect(keys).not.toContain('agency:K21');

    const file = await call(headK11, 'audit/export', { query: {} });
    const wb = XLSX.read(Buffer.from(file.base64, 'base64'));
    const exported = XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets[wb.SheetNames[0]]);
    expect(exported.map((r) => r['序号'])).toEqual(list.rows.map((r) => r.id));
    expect(exported.some((r) => r['对象标识'] === 'mgrK21b' || r['对象标识'] === 'K21')).toBe(false);

    const city = await call(headC1, 'audit/list', { query: {}, startRow: 0, endRow: 1000 });
    expect(city.rows.map((r) => r.entityKey)).toEqual(expect.arrayContaining(['K11', 'K12', 'C1', 'K11-CAR']));
    expect(city.rows.map((r) => r.entityKey)).not.toContain('K21');
    const all = await call(admin, 'audit/list', { query: {}, startRow: 0, endRow: 1000 });
    expect(all.rows.map((r) => r.entity)).toEqual(expect.arrayContaining(['user', 'item_terms']));
  });

  it('offers each manager the undo of their own last batch only, while the administrator sees anyone’s', async () => {
    const { mgrK11, mgrK21, admin, idOf } = await province();
    const mine = await call(mgrK11, 'assets/bulkUpdate', { ids: [await idOf('K11-CAR')], change: { custodian: '甲' } });
    const theirs = await call(mgrK21, 'assets/bulkUpdate', { ids: [await idOf('K21-CAR')], change: { custodian: '丙' } });
    expect(await call(mgrK11, 'undo/last', {})).toMatchObject({ batch: mine.batch, actor: 'mgrK11', entries: 1 });
    expect(await call(admin, 'undo/last', {})).toMatchObject({ batch: theirs.batch, actor: 'mgrK21' });
    expect(await call(mgrK11, 'undo/apply', { batch: mine.batch })).toEqual({ undone: 1 });
    expect(await call(mgrK11, 'undo/last', {})).toBeNull();
  });

  it('tells a scoped user the size of their own scope and not where the ledger file is', async () => {
    const { mgrC1, mgrK11, admin } = await province();
    expect(await call(mgrC1, 'ledger/status', {})).toEqual({ file: null, agencies: 3, assets: 7 });
    expect(await call(mgrK11, 'ledger/status', {})).toEqual({ file: null, agencies: 1, assets: 3 });
    expect(await call(admin, 'ledger/status', {})).toEqual({ file: admin.file, agencies: 6, assets: 11 });
  });

  it('lists a county’s disposal requests even when over a thousand newer ones belong to another county', async () => {
    const { l, admin, headK11, headC1, idOf } = await province();
    await seedLedger(l, templateBuffer([], units(1001, { itemCode: 'S09', agencyCode: 'K21' })), 'k21.xlsx');
    await call(admin, 'disposals/request', { assetId: await idOf('K11-CAR'), reason: '老旧' });
    const k21 = await rows(l, sql<{ id: number }>`select s.id from assets s join agencies a on a.id = s.agency_id where a.code = 'K21' and s.item_code = 'S09' order by s.id`);
    for (const { id } of k21) await call(admin, 'disposals/request', { assetId: id, reason: '损坏' });
    expect((await call(headK11, 'disposals/list', {})).map((d) => d.assetTag)).toEqual(['K11-CAR']);
    expect((await call(headC1, 'disposals/list', { status: 'requested' })).map((d) => d.assetTag)).toEqual(['K11-CAR']);
  });
});

describe('reads of a city account cover its whole subtree', () => {
  it('配备达标 shows the city and each of its counties with the figures the administrator sees', async () => {
    const { admin, mgrC1 } = await province();
    const mine = await call(mgrC1, 'quotas/shortfall', {});
    const all = await call(admin, 'quotas/shortfall', {});
    const codes = new Set(mine.rows.map((r) => r.agency));
    expect([...codes].sort()).toEqual(['C1', 'K11', 'K12']);
    expect(mine.rows).toEqual(all.rows.filter((r) => codes.has(r.agency)));
    expect(mine.rows.find((r) => r.agency === 'K12' && r.item === 'S09')).toMatchObject({ held: 3 });
    expect(mine.rows.filter((r) => r.agency === 'K11').reduce((s, r) => s + r.shortfall, 0)).toBeGreaterThan(0);
    const rolled = await call(mgrC1, 'quotas/shortfall', { rollup: true });
    expect(rolled.rows.find((r) => r.agency === 'C1' && r.item === 'S09')).toMatchObject({ held: 5 });
    expect(new Set(rolled.rows.map((r) => r.agency))).toEqual(codes);
    // Asking for one agency still gives that agency alone.
    expect(new Set((await call(mgrC1, 'quotas/shortfall', { agency: 'K12' })).rows.map((r) => r.agency))).toEqual(new Set(['K12']));

    const file = await call(mgrC1, 'quotas/export', {});
    const wb = XLSX.read(Buffer.from(file.base64, 'base64'));
    const summary = XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets['机构汇总']);
    expect(summary.map((r) => r['机构编码'])).toEqual(['C1', 'K11', 'K12']);

    const budget = await call(mgrC1, 'budget/request', { year: Number(admin.today().slice(0, 4)), rollup: true });
    const adminBudget = await call(admin, 'budget/request', { year: Number(admin.today().slice(0, 4)), rollup: true });
    expect(budget.agency).toBe('C1');
    expect(new Set(budget.rows.map((r) => r.agency))).toEqual(new Set(adminBudget.rows.filter((r) => codes.has(r.agency)).map((r) => r.agency)));
    expect(budget.rows).toEqual(adminBudget.rows.filter((r) => codes.has(r.agency)));
  });

  it('every screen’s reads as a city manager reach its counties and stop at the city', async () => {
    const { admin, mgrC1 } = await province();
    const overview = await call(mgrC1, 'overview/summary', {});
    expect(overview).toMatchObject({ agencies: 3, vehicles: 2 });
    expect(overview.worst.length).toBeGreaterThan(0);
    for (const w of overview.worst) expect(['C1', 'K11', 'K12']).toContain(w.agency);
    const charts = await call(mgrC1, 'charts/data', {});
    expect(charts.coverage.rows.map((r) => r.agency).sort()).toEqual(['C1', 'K11', 'K12']);
    const assets = await call(mgrC1, 'assets/list', { query: {}, startRow: 0, endRow: 100, withTotal: true });
    expect(assets.total).toBe(7);
    expect(new Set(assets.rows.map((r) => r.agencyCode))).toEqual(new Set(['K11', 'K12']));
    const due = await call(mgrC1, 'assets/list', { query: { due: { kind: 'replacement', until: '2040-12-31' } }, startRow: 0, endRow: 100, withTotal: true });
    const adminDue = await call(admin, 'assets/list', { query: { agency: 'C1', due: { kind: 'replacement', until: '2040-12-31' } }, startRow: 0, endRow: 100, withTotal: true });
    expect(due.total).toBe(adminDue.total);
    // The grid's count, asked apart from its blocks, counts within the manager's subtree too.
    expect(await call(mgrC1, 'assets/count', { query: {} })).toEqual({ total: 7 });
    expect(await call(mgrC1, 'assets/count', { query: { due: { kind: 'replacement', until: '2040-12-31' } } })).toEqual({ total: adminDue.total });
    expect((await dispatch(mgrC1, 'assets/count', { query: { agency: 'C2' } })).ok).toBe(false);
    expect(await call(mgrC1, 'score/card', { agency: 'K12', year: Number(mgrC1.today().slice(0, 4)) })).toMatchObject({ agency: 'K12' });
    expect((await dispatch(mgrC1, 'score/card', { agency: 'K21', year: Number(mgrC1.today().slice(0, 4)) })).ok).toBe(false);
    expect((await dispatch(mgrC1, 'overview/summary', { agency: 'C2' })).ok).toBe(false);
  });
});

describe('the import wizard per user', () => {
  const file = (rows: unknown[][]) => base64(xlsx([{ name: 'Sheet1', rows: rows as never }]));

  it('keeps each user’s open files apart: another user’s token is refused, and opening files never closes someone else’s', async () => {
    const { mgrK11, mgrK21 } = await province();
    const ledgerFile = file([['资产编号', '装备代码', '单位'], ['N-1', 'S09', 'K11']]);
    const mine = await call(mgrK11, 'imports/open', { fileName: '甲县.xlsx', base64: ledgerFile });
    for (let i = 0; i < 3; i++) await call(mgrK21, 'imports/open', { fileName: `丙县${i}.xlsx`, base64: ledgerFile });
    expect(await call(mgrK11, 'imports/preview', { token: mine.token, mapping: { defaultAgency: 'K11' } })).toMatchObject({ valid: 1 });
    const theirs = await dispatch(mgrK21, 'imports/preview', { token: mine.token, mapping: { defaultAgency: 'K11' } });
    expect(!theirs.ok && theirs.problems[0].message).toContain('重新选择文件');
  });

  it('remembers a mapped name for the users of the same scope only, and the whole ledger’s for everyone', async () => {
    const { l, mgrK11, mgrK21, mgrC1, admin } = await province();
    const rows = [['资产编号', '名称', '单位'], ['N-1', '空中巡查器', '甲县一中队']];
    const open = async (ctx: Context) => (await call(ctx, 'imports/open', { fileName: 'x.xlsx', base64: file(rows) })).token;
    const token = await open(mgrK11);
    await call(mgrK11, 'imports/ledger', { token, mapping: { items: { 空中巡查器: 'S09' }, agencies: { 甲县一中队: 'K11' } }, mode: 'all' });
    const offered = async (ctx: Context) => {
      const a = await call(ctx, 'imports/analyse', { token: await open(ctx), mapping: {} });
      return [a.items[0], a.agencies[0]].map((c) => `${c.code}:${c.source}`);
    };
    expect(await offered(await asUser(l, 'mgrK11b', 'manager', 'K11'))).toEqual(['S09:remembered', 'K11:remembered']);
    expect(await offered(mgrK21)).not.toContain('S09:remembered');
    expect(await offered(mgrC1)).not.toContain('K11:remembered');
    expect(await offered(admin)).not.toContain('S09:remembered');
    // A mapping made for the whole ledger is offered to every scope.
    const rows2 = [['资产编号', '名称', '单位'], ['N-2', '便携气体仪甲', '丙县']];
    const t2 = (await call(admin, 'imports/open', { fileName: 'y.xlsx', base64: file(rows2) })).token;
    await call(admin, 'imports/ledger', { token: t2, mapping: { items: { 便携气体仪甲: 'S15' }, defaultAgency: 'K21', agencies: { 丙县: 'K21' } }, mode: 'all' });
    const t3 = (await call(mgrK21, 'imports/open', { fileName: 'z.xlsx', base64: file(rows2) })).token;
    const a = await call(mgrK21, 'imports/analyse', { token: t3, mapping: {} });
    expect(a.items[0]).toMatchObject({ code: 'S15', source: 'remembered' });
  });

  it('reads a cell saying “constructor” or “toString” as a name to map, not as part of the mapping', async () => {
    const { mgrK21 } = await province();
    const token = (await call(mgrK21, 'imports/open', { fileName: 'w.xlsx', base64: file([['资产编号', '名称', '单位'], ['N-3', 'constructor', 'toString']]) })).token;
    const a = await call(mgrK21, 'imports/analyse', { token, mapping: { items: {}, agencies: {} } });
    expect([a.items[0], a.agencies[0]].map((c) => [c.text, c.source, typeof c.code])).toEqual([['constructor', null, 'object'], ['toString', null, 'object']]);
  });
});

describe('dispatch at the scope’s edges', () => {
  const task = (over: Partial<TaskFields>): TaskFields => ({
    code: null, name: '专项检查', type: 'special', leadAgency: 'K11', locationAgency: null, latitude: null, longitude: null,
    startDate: '2026-12-01', endDate: '2026-12-05', priority: 3, teamSize: null, notes: null, demand: [{ item: 'S09', quantity: 4 }], ...over,
  });

  it('refuses a county dispatcher a task placed at another county’s agency, or another county’s team demand', async () => {
    const { dispK11, dispP } = await province();
    const [p] = await refusedUnchanged(dispK11, 'tasks/save', { id: null, fields: task({ locationAgency: 'K21' }) });
    expect(p).toMatchObject({ field: 'locationAgency', message: expect.stringContaining('经纬度') });
    await refusedUnchanged(dispK11, 'tasks/teamDemand', { leadAgency: 'K21', teamSize: 12 });
    const own = await call(dispK11, 'tasks/save', { id: null, fields: task({ latitude: 31.05, longitude: 120 }) });
    expect(own).toMatchObject({ leadAgency: 'K11' });
    await refusedUnchanged(dispK11, 'tasks/save', { id: own.id, fields: task({ locationAgency: 'K21' }) });
    // A place the province gave the county's task stays when the county edits the task.
    const given = await call(dispP, 'tasks/save', { id: null, fields: task({ locationAgency: 'K21' }) });
    expect(await call(dispK11, 'tasks/save', { id: given.id, fields: task({ locationAgency: 'K21', name: '交叉检查', code: given.code }) })).toMatchObject({ name: '交叉检查', locationAgency: 'K21' });
  });

  it('lets a county dispatcher read the plan the province made for its task, but not move the other county’s units', async () => {
    const { dispK11, headK11, dispP, headP, admin } = await province();
    await call(admin, 'dispatch/saveSettings', { reserveRatio: 0, optionalReserve: {} });
    const t = await call(dispP, 'tasks/save', { id: null, fields: task({}) });
    const plan = await call(dispP, 'plans/create', { taskIds: [t.id] });
    expect(new Set(plan.assignments.map((a) => a.fromCode))).toEqual(new Set(['K11', 'K12']));
    expect((await call(dispK11, 'plans/get', { id: plan.id })).code).toBe(plan.code);
    await refusedUnchanged(headK11, 'plans/approve', { id: plan.id, approvalRef: null });
    await refusedUnchanged(dispK11, 'plans/cancel', { id: plan.id });
    await call(headP, 'plans/approve', { id: plan.id, approvalRef: null });
    const [p] = await refusedUnchanged(dispK11, 'plans/dispatch', { id: plan.id, date: '2026-12-01' });
    expect(p.message).toContain('K12');
    expect(await call(dispP, 'plans/dispatch', { id: plan.id, date: '2026-12-01' })).toMatchObject({ status: 'dispatched' });
  });
});

describe('the test fixtures', () => {
  it('snapshot every table of the ledger, so a refused write cannot hide in one left out', async () => {
    const { l } = await province();
    const tables = (await rows(l, ENGINE === 'postgres'
      ? sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`
      : sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)).map((t) => t.name);
    expect(Object.keys(await snapshotOf(l)).sort()).toEqual(tables.sort());
    // The embedded ledger's full-text index of assets is a table too; the provincial database indexes the assets table itself.
    expect(tables).toEqual(expect.arrayContaining(['item_terms', 'score_checklists', 'audit_agencies', ...(ENGINE === 'sqlite' ? ['assets_search'] : [])]));
  });
});
