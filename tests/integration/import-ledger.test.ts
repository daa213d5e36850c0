import { sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import * as XLSX from 'xlsx';
import { openDatabase } from '../../db/open';
import { seedReferenceData } from '../../db/queries/reference';
import { sqliteStore, type Store } from '../../db/store';
import type { LedgerMapping } from '../../excel/ledger';
import { analyseLedger, importOpenedLedger, previewLedger } from '../../server/handlers/imports';
import { exportLedger } from '../../server/handlers/exports';
import { HANGZHOU, templateBuffer, xlsx, seedTemplate } from '../fixtures/factories';
import { count, rows, testLedger, value, type TestLedger } from '../fixtures/engine';
import { openFile, refusedWith, storedAsset } from '../fixtures/imports';
import { MESSY_LEDGERS, type MessyLedger } from '../fixtures/messy';

const who = { actor: '王五', at: '2026-11-23T08:00:00.000Z' };
const today = '2026-11-23';

/** The test's ledger, on the suite's engine. */
let l: TestLedger;

async function ledger(): Promise<Store> {
  l = await testLedger();
  await seedTemplate(l.store, templateBuffer(HANGZHOU), { file: 'tree.xlsx', who, today });
  return l.store;
}

const open = (buf: Uint8Array, file = 'ledger.xlsx') => openFile(l, buf, file);
const stored = (db: Store, tag: string) => storedAsset({ store: db }, tag);

function mappingOf(m: MessyLedger): LedgerMapping {
  return { sheet: m.sheet, defaultAgency: m.defaultAgency, items: m.items };
}

async function importMessy(db: Store, buf: Uint8Array, mapping: LedgerMapping, mode: 'all' | 'valid' = 'all', file = 'ledger.xlsx') {
  return importOpenedLedger(db, null, await open(buf, file), mapping, mode, { who, today });
}

describe('importing the ledgers agencies keep', () => {
  it.each(MESSY_LEDGERS.map((m) => [m.name, m] as const))('%s: stores every value as meant', async (_name, m) => {
    const db = await ledger();
    const out = await importMessy(db, m.buffer, mappingOf(m));
    expect(out.rejected).toBe(0);
    expect(out.assets.created).toBe(Object.keys(m.expected).length);
    for (const [tag, want] of Object.entries(m.expected)) expect(await stored(db, tag), tag).toMatchObject(want);
  });

  it('finds the header under title rows and through merged group headers, and says which column is which', async () => {
    const db = await ledger();
    const merged = MESSY_LEDGERS[1];
    const a = await analyseLedger(db, null, await open(merged.buffer), {});
    expect(a).toMatchObject({ sheet: '装备清单', headerRow: 2, headerRows: 2, priceUnit: 'wan' });
    expect(a.fields).toEqual({ 资产编号: 'A', 装备名称: 'B', 所属机构编码: 'C', 购置日期: 'D', '购置金额(元)': 'E', 车牌号: 'F', '行驶里程(公里)': 'G', 状态: 'H' });
    expect(a.columns.find((c) => c.letter === 'D')?.label).toBe('购置信息/日期');
    expect(a.agencies.map((x) => [x.text, x.code])).toEqual([['杭州市生态环境局滨江分局', '330108'], ['桐庐县分局', '330122'], ['西湖分局', '330106']]);
  });

  it('matches item names by name, alias and likeness, and leaves the rest for the user with candidates', async () => {
    const db = await ledger();
    const m = MESSY_LEDGERS[4];
    const a = await analyseLedger(db, null, await open(m.buffer), { sheet: '车辆' });
    const byText = Object.fromEntries(a.items.map((i) => [i.text, i]));
    expect(byText['执法执勤车(越野)']).toMatchObject({ code: 'S01', source: 'auto' });
    // A qualifier does not change the item: a pickup enforcement car is an enforcement car.
    expect(byText['皮卡执法车']).toMatchObject({ code: 'S01', source: 'auto' });
    expect(byText['商务车']).toMatchObject({ code: null, source: null });
    // 检测器 is how some ledgers spell 检测仪; a charger of a gas detector only resembles one.
    const near = await analyseLedger(db, null, await open(xlsx([{ name: 'S', rows: [['资产编号', '名称', '单位'], ['G-1', '多参数气体检测器', '西湖分局'], ['G-2', '气体检测仪充电器', '西湖分局']] }])), {});
    expect(near.items.find((i) => i.text === '多参数气体检测器')).toMatchObject({ code: 'S15', source: 'auto' });
    const charger = near.items.find((i) => i.text === '气体检测仪充电器')!;
    expect(charger).toMatchObject({ code: null, source: 'likeness' });
    expect(charger.candidates[0].code).toBe('S15');
  });

  it('shows a name that only resembles catalog items as to be confirmed, and imports nothing until the user confirms it', async () => {
    const db = await ledger();
    const rows = [['资产编号', '设备名称', '单位'], ['L-1', '笔记本电脑', '西湖分局'], ['L-2', '对讲机', '西湖分局'], ['L-3', '对讲机', '西湖分局'], ['L-4', '无人机', '西湖分局'], ['L-5', '执法记录仪', '西湖分局']];
    const file = xlsx([{ name: 'S', rows }]);
    const a = await analyseLedger(db, null, await open(file), {});
    const byText = Object.fromEntries(a.items.map((i) => [i.text, i]));
    // A laptop is part of the mobile enforcement kit (S02) before it is a desktop (S22); a radio is not an explosion-proof one; a drone may be either.
    expect(byText['笔记本电脑']).toMatchObject({ code: null, source: 'likeness' });
    expect(byText['笔记本电脑'].candidates.map((c) => c.code).slice(0, 2)).toEqual(['S02', 'S22']);
    expect(byText['对讲机']).toMatchObject({ code: null, source: 'likeness', candidates: [expect.objectContaining({ code: 'O27' })] });
    expect(byText['无人机']).toMatchObject({ code: null, source: 'likeness' });
    expect(byText['无人机'].candidates.map((c) => c.code)).toEqual(expect.arrayContaining(['S09', 'O06']));
    expect(byText['执法记录仪']).toMatchObject({ code: 'S04', source: 'auto' });

    for (const mode of ['all', 'valid'] as const) {
      const problems = await refusedWith({ store: db }, () => importMessy(db, file, { defaultAgency: '330106' }, mode));
      expect(problems.map((p) => p.message).filter((m) => m.includes('尚未确认'))).toEqual([
        expect.stringMatching(/^装备名称「对讲机」\(2 行\)只是与「O27 防爆对讲机」相近,尚未确认/),
        expect.stringMatching(/^装备名称「无人机」/),
        expect.stringMatching(/^装备名称「笔记本电脑」.*S02/),
      ]);
    }
    const preview = await previewLedger(db, null, await open(file), { defaultAgency: '330106' }, today, null);
    expect(preview.problems.filter((p) => p.message.includes('尚未确认'))).toHaveLength(3);

    const out = await importMessy(db, file, { defaultAgency: '330106', items: { 笔记本电脑: 'S02', 对讲机: 'O27', 无人机: 'O06' } });
    expect(out.assets.created).toBe(5);
    expect(await stored(db, 'L-1')).toMatchObject({ itemCode: 'S02' });
    expect(await stored(db, 'L-4')).toMatchObject({ itemCode: 'O06' });
  });

  it('takes the aliases that named two items out of a ledger that still has them', async () => {
    l = await testLedger();
    await l.store.run(sql`update catalog_items set aliases = ${JSON.stringify(['无人机'])} where code = 'S09'`);
    await l.store.run(sql`update catalog_items set aliases = ${JSON.stringify(['对讲机', '防爆对讲机'])} where code = 'O27'`);
    // The ledger opened again: a file by the app, the provincial database by a server process; either seeds the reference data.
    let again: Store;
    if (l.engine === 'sqlite') {
      l.ledger.db.$client.close();
      const { db: reopened } = openDatabase(l.file);
      onTestFinished(() => void reopened.$client.close());
      again = sqliteStore(reopened);
      l = { ...l, store: again, ledger: { ...l.ledger, store: again } };
    } else {
      await l.store.write((tx) => seedReferenceData(tx, l.ledger.clock.now()));
      again = l.store;
    }
    const aliases = async (code: string) => JSON.parse((await again.get<{ aliases: string }>(sql`select aliases from catalog_items where code = ${code}`))!.aliases);
    expect(await aliases('S09')).toEqual([]);
    expect(await aliases('O27')).toEqual(['防爆对讲机']);
    const a = await analyseLedger(again, null, await open(xlsx([{ name: 'S', rows: [['资产编号', '设备名称'], ['D-1', '无人机'], ['D-2', '对讲机']] }])), {});
    expect(a.items.map((i) => [i.text, i.source])).toEqual([['对讲机', 'likeness'], ['无人机', 'likeness']]);
  });

  it('refuses a name nobody mapped, at its cell, and stores nothing in all-or-nothing mode', async () => {
    const db = await ledger();
    const m = MESSY_LEDGERS[4];
    const problems = await refusedWith({ store: db }, () => importMessy(db, m.buffer, { sheet: '车辆', defaultAgency: '330108', items: { 皮卡执法车: 'S01' } }));
    expect(problems).toEqual([expect.objectContaining({ sheet: '车辆', row: 5, column: 'C', field: '装备名称', message: expect.stringContaining('商务车') })]);
  });

  it('remembers the names a user mapped and offers them for the next file', async () => {
    const db = await ledger();
    const m = MESSY_LEDGERS[4];
    await importMessy(db, m.buffer, mappingOf(m));
    const next = xlsx([{ name: 'Sheet1', rows: [['资产编号', '名称', '单位'], ['N-1', '商务车', '滨江分局']] }]);
    const a = await analyseLedger(db, null, await open(next), {});
    expect(a.items).toEqual([expect.objectContaining({ text: '商务车', code: 'S01', source: 'remembered' })]);
    const out = await importMessy(db, next, {});
    expect(out.assets.created).toBe(1);
    expect(await stored(db, 'N-1')).toMatchObject({ itemCode: 'S01', agencyCode: '330108' });
    // 商务车 and 皮卡执法车, both assigned by hand.
    expect(await value({ store: db }, sql`select count(*) as n from audit_log where entity = 'import_name'`)).toBe(2);
  });

  it('previews every problem at its cell, and counts new and updated assets', async () => {
    const db = await ledger();
    await importMessy(db, MESSY_LEDGERS[0].buffer, mappingOf(MESSY_LEDGERS[0]));
    const buf = xlsx([{ name: 'Sheet1', rows: [
      ['资产编码', '设备名称', '购买日期', '金额', '状态'],
      ['TL-001', '执法车', '2019-05-01', 128000, '在用'],
      ['TL-101', '执法记录仪', '2019-02-30', 100, '在用'],
      ['TL-102', '热气球', '2020-01-01', '一千', '失踪'],
      ['TL-103', '执法记录仪', '2020-01-01', 100, '在用'],
    ] }]);
    const p = await previewLedger(db, null, await open(buf), { defaultAgency: '330122' }, today, null);
    expect(p).toMatchObject({ total: 4, valid: 2, rejected: 2, create: 1, update: 1 });
    expect(p.problems.map((x) => `${x.row}${x.column}`)).toEqual(['3C', '4B', '4D', '4E']);
    expect(p.rows[0]).toMatchObject({ row: 3, cells: { 购置日期: '2019-02-30' }, problems: { 购置日期: expect.stringContaining('不是存在的日期') } });
    expect(p.rows[1].problems).toMatchObject({ 装备名称: expect.stringContaining('热气球'), '购置金额(元)': expect.stringContaining('不是数字'), 状态: expect.stringContaining('状态「失踪」尚未对应') });
  });

  it('imports the valid rows and hands back the rejected ones, as the file had them, with their reasons', async () => {
    const db = await ledger();
    const buf = xlsx([{ name: 'Sheet1', rows: [
      ['资产编码', '设备名称', '购买日期', '金额', '状态'],
      ['V-1', '执法车', { date: '2019-05-01' }, 128000, '在用'],
      ['V-2', '执法记录仪', '明年', 100, '在用'],
      ['V-3', '执法记录仪', '2020-01-01', 100, '在用'],
      ['V-3', '执法记录仪', '2020-01-01', 100, '在用'],
    ] }]);
    const out = await importMessy(db, buf, { defaultAgency: '330122' }, 'valid', '桐庐.xlsx');
    expect(out).toMatchObject({ rejected: 2, assets: { created: 2 } });
    expect(await stored(db, 'V-1')).toBeDefined();
    expect(await stored(db, 'V-2')).toBeUndefined();
    expect(out.errors?.fileName).toBe('桐庐-未导入的行.xlsx');
    const wb = XLSX.read(Buffer.from(out.errors!.base64, 'base64'));
    const rows = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['未导入的行'], { header: 1, raw: false });
    expect(rows[0]).toEqual(['资产编码', '设备名称', '购买日期', '金额', '状态', '原行号', '未导入原因']);
    expect(rows[1]).toEqual(['V-2', '执法记录仪', '明年', '100', '在用', '3', expect.stringContaining('C 列(购置日期)')]);
    expect(rows[2][6]).toContain('与第 4 行重复');
  });

  it('refuses the whole file in all-or-nothing mode when one row is wrong', async () => {
    const db = await ledger();
    const buf = xlsx([{ name: 'Sheet1', rows: [['资产编码', '设备名称', '状态'], ['W-1', '执法车', '在用'], ['W-2', '执法车', '失踪']] }]);
    const problems = await refusedWith({ store: db }, () => importMessy(db, buf, { defaultAgency: '330122' }));
    expect(problems).toEqual([expect.objectContaining({ row: 3, column: 'C', field: '状态' })]);
  });

  it('re-importing updates assets matched by asset tag and records each change in the audit log', async () => {
    const db = await ledger();
    const m = MESSY_LEDGERS[0];
    await importMessy(db, m.buffer, mappingOf(m));
    const again = await importMessy(db, m.buffer, mappingOf(m));
    expect(again.assets).toEqual({ created: 0, updated: 0, unchanged: 5 });
    const changed = xlsx([{ name: 'Sheet1', rows: [['资产编码', '设备名称', '使用状态', '使用人'], ['TL-001', '执法车', '维修', '王伟'], ['TL-006', '执法车', '在用', null]] }]);
    const out = await importMessy(db, changed, { defaultAgency: '330122', columns: { 规格型号: null } });
    expect(out.assets).toEqual({ created: 1, updated: 1, unchanged: 0 });
    expect(await stored(db, 'TL-001')).toMatchObject({ status: 'under_repair', custodian: '王伟' });
    const [audit] = await rows<{ before: string; after: string }>({ store: db }, sql`select before, after from audit_log where entity = 'asset' and entity_key = 'TL-001' and action = 'update'`);
    expect(JSON.parse(audit.before).status).toBe('in_service');
    expect(JSON.parse(audit.after).status).toBe('under_repair');
  });

  it('takes a mapping that names columns by header or by letter, and a fixed header row', async () => {
    const db = await ledger();
    const buf = xlsx([{ name: 'S', rows: [['台账'], ['x'], ['甲', '乙', '丙', '丁'], ['M-1', '执法记录仪', '330106', '闲置']] }]);
    const out = await importMessy(db, buf, { headerRow: 3, columns: { 资产编号: '甲', 装备名称: 'B', 所属机构编码: '丙', 状态: 'D' } });
    expect(out.assets.created).toBe(1);
    expect(await stored(db, 'M-1')).toMatchObject({ itemCode: 'S04', agencyCode: '330106', status: 'idle' });
  });

  it('says what is missing when a sheet has no recognisable header or no asset tag column', async () => {
    const db = await ledger();
    expect((await refusedWith({ store: db }, () => importMessy(db, xlsx([{ name: 'S', rows: [['a', 'b'], [1, 2]] }]), {})))[0].message).toContain('没有哪张工作表');
    const noTag = xlsx([{ name: 'S', rows: [['设备名称', '使用单位', '状态'], ['执法车', '西湖分局', '在用']] }]);
    expect((await refusedWith({ store: db }, () => importMessy(db, noTag, { sheet: 'S' })))[0].message).toContain('资产编号');
  });

  it('rejects rows of agencies outside the importing user\'s scope', async () => {
    const db = await ledger();
    const buf = xlsx([{ name: 'S', rows: [['资产编号', '名称', '单位'], ['Q-1', '执法车', '西湖分局'], ['Q-2', '执法车', '滨江分局']] }]);
    const token = await open(buf);
    const p = await previewLedger(db, null, token, {}, today, new Set(['330106']));
    expect(p).toMatchObject({ valid: 1, rejected: 1 });
    expect(p.problems[0]).toMatchObject({ row: 3, message: expect.stringContaining('管辖范围') });
  });

  it('round-trips the ledger export: every exported row imports back unchanged', async () => {
    const db = await ledger();
    for (const m of MESSY_LEDGERS) await importMessy(db, m.buffer, mappingOf(m));
    const total = await count({ store: db }, 'assets');
    const file = await exportLedger(db, {}, [{ colId: 'assetTag', sort: 'asc' }], today);
    const buf = Buffer.from(file.base64, 'base64');
    const a = await analyseLedger(db, null, await open(buf), {});
    expect(a.fields).toMatchObject({ 资产编号: 'A', 装备代码: 'B', 所属机构编码: 'D', 规格型号: 'F', 购置日期: 'H', '购置金额(元)': 'I', 状态: 'K', 检定有效期至: 'P', 备注: 'Q' });
    const out = await importMessy(db, buf, {});
    expect(out.assets).toEqual({ created: 0, updated: 0, unchanged: total });
  });
});
