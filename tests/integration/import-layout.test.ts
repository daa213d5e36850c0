import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { createUser } from '../../db/queries/users';
import type { Store } from '../../db/store';
import type { LedgerMapping } from '../../excel/ledger';
import type { Problem } from '../../lib/problems';
import { dispatch } from '../../server/dispatch';
import { analyseLedger, importOpenedLedger, openLedgerFile, previewLedger } from '../../server/handlers/imports';
import { testClock } from '../fixtures/context';
import { agency, seedTemplate, templateBuffer, xlsx } from '../fixtures/factories';
import { as, rows, testLedger, type TestLedger } from '../fixtures/engine';
import { openFile, refusedWith as refused, storedAsset } from '../fixtures/imports';
import { dateFormatted, formula, rawWorkbook } from '../fixtures/layouts';

const clock = testClock();
const today = clock.today();
const who = { actor: '王五', at: clock.now().toISOString() };

const TREE = [
  agency({ code: '3301', name: '杭州市生态环境局', level: 'city', staff: 40 }),
  agency({ code: '330106', name: '杭州市生态环境局西湖分局', parentCode: '3301', staff: 18 }),
  agency({ code: '330122', name: '杭州市生态环境局桐庐县分局', parentCode: '3301', staff: 15 }),
];

/** The test's ledger, on the suite's engine. */
let l: TestLedger;

async function ledger(): Promise<{ db: Store; l: TestLedger }> {
  l = await testLedger();
  await seedTemplate(l.store, templateBuffer(TREE), { file: 'tree.xlsx', who, today });
  return { db: l.store, l };
}

const open = (buf: Uint8Array, file = 'ledger.xlsx') => openFile(l, buf, file);
const opened = (file: string, buf: Uint8Array) => openLedgerFile(l.store, l.ledger.clock.now().getTime(), null, file, buf);
const importFile = async (db: Store, buf: Uint8Array, mapping: LedgerMapping, mode: 'all' | 'valid' = 'all') =>
  importOpenedLedger(db, null, await open(buf), mapping, mode, { who, today });
const preview = async (db: Store, buf: Uint8Array, mapping: LedgerMapping) => await previewLedger(db, null, await open(buf), mapping, today, null);

async function stored(db: Store, tag: string) {
  const row = await storedAsset({ store: db }, tag);
  if (!row) return row;
  const { itemCode, agencyCode, model, purchaseDate, priceFen, status, custodian, notes } = row;
  return { itemCode, agencyCode, model, purchaseDate, priceFen, status, custodian, notes };
}

const tags = async (db: Store) => (await rows<{ tag: string }>({ store: db }, sql`select asset_tag as tag from assets order by asset_tag`)).map((r) => r.tag);
const disposals = (db: Store) =>
  rows({ store: db }, sql`select s.asset_tag as tag, d.status, d.reason from disposals d join assets s on s.id = d.asset_id order by s.asset_tag`);

const refusedWith = (db: Store, f: () => Promise<unknown>): Promise<Problem[]> => refused({ store: db }, f);

describe('headers as real ledgers write them', () => {
  it('reads format hints, mixed brackets and spaced words in headers, and a price in 万元', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [
      ['序号', '物资编号（12位编码）', '名    称', '规格型号', '购置日期（yyyy/MM/dd）', '单价(万元)', '使用部门', '维保期(yyyy/MM/dd)'],
      [1, 'HZ-0001', '执法记录仪', 'DSJ-V8', '2021/6/18', 0.35, '西湖分局', '2024/6/18'],
    ] }]);
    const a = await analyseLedger(db, null, await open(buf), {});
    expect(a.fields).toEqual({ 序号: 'A', 资产编号: 'B', 装备名称: 'C', 规格型号: 'D', 购置日期: 'E', '购置金额(元)': 'F', 所属机构编码: 'G' });
    expect(a.priceUnit).toBe('wan');
    await importFile(db, buf, {});
    expect(await stored(db, 'HZ-0001')).toMatchObject({ itemCode: 'S04', agencyCode: '330106', purchaseDate: '2021-06-18', priceFen: 350_000 });
  });

  it('takes 部门名称 for the agency, 单位 of 台 and 个 for the unit of measure, 类别名称 for the class and 固定资产名称 for the item', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [
      ['编号', '部门名称', '类别名称', '固定资产名称', '规格型号', '单位', '单价', '数量', '原值', '资产状态'],
      ['XH-1', '西湖分局', '执法装备', '执法记录仪', 'DSJ-V8', '台', 3500, 1, 3500, '正常使用'],
      ['XH-2', '桐庐县分局', '执法装备', '执法记录仪', 'DSJ-V9', '个', 3600, 1, 3600, '正常使用'],
    ] }]);
    const a = await analyseLedger(db, null, await open(buf), {});
    expect(a.fields).toMatchObject({ 资产编号: 'A', 所属机构编码: 'B', 资产分类: 'C', 装备名称: 'D', 计量单位: 'F', '购置金额(元)': 'G', 数量: 'H', 状态: 'J' });
    expect(a.agencies.map((x) => [x.text, x.code])).toEqual([['桐庐县分局', '330122'], ['西湖分局', '330106']]);
    await importFile(db, buf, {});
    expect(await stored(db, 'XH-2')).toMatchObject({ itemCode: 'S04', agencyCode: '330122', priceFen: 360_000, status: 'in_service' });
  });

  it('keeps 单位 for the agency when its values are agency names', async () => {
    const { db } = await ledger();
    const a = await analyseLedger(db, null, await open(xlsx([{ name: 'S', rows: [['资产编号', '名称', '单位'], ['Q-1', '执法车', '西湖分局']] }])), {});
    expect(a.fields).toEqual({ 资产编号: 'A', 装备名称: 'B', 所属机构编码: 'C' });
  });

  it('drops a header guess that the column\'s values contradict: dates that are no dates, prices of text, item names that are departments', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [
      ['资产编号', '设备名称', '品名', '购置日期', '采购日期', '金额', '原值'],
      ['C-1', '西湖分局', '执法记录仪', '见发票', '2020-01-02', '详见合同', 1200],
      ['C-2', '桐庐县分局', '执法记录仪', '不详', '2020-02-03', '另附', 1300],
    ] }]);
    const a = await analyseLedger(db, null, await open(buf), { defaultAgency: '330106' });
    expect(a.fields).toMatchObject({ 资产编号: 'A', 装备名称: 'C', 购置日期: 'E', '购置金额(元)': 'G' });
    expect(Object.values(a.fields)).not.toContain('B');
    expect(Object.values(a.fields)).not.toContain('D');
  });

  it('recognises a 序号 column and never takes it for the asset tag', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [['序号', '资产编号', '设备名称', '使用单位'], [1, 'N-1', '执法车', '西湖分局'], [2, 'N-2', '执法车', '西湖分局']] }]);
    const a = await analyseLedger(db, null, await open(buf), {});
    expect(a.fields).toMatchObject({ 序号: 'A', 资产编号: 'B' });
    const problems = await refusedWith(db, () => importFile(db, buf, { columns: { 资产编号: 'A' } }));
    expect(problems[0].message).toContain('「序号」列只是行的顺序号,不能作为资产编号');
  });

  it('finds the header under a title and a 当前日期 line, with a header cell formatted as a date and a blank first header cell', async () => {
    const { db } = await ledger();
    const buf = rawWorkbook([{
      name: '固定资产查询',
      rows: [
        ['固定资产清单'],
        ['当前日期', null, formula('TODAY()', 45447)],
        [null, '资产编号', '资产名称', dateFormatted('购置日期'), '使用单位', '资产分类'],
        ['办公设备', 'T-1', '打印机', '2019-05-01', '西湖分局', '通用设备'],
      ],
      merges: [{ s: { r: 0, c: 0 }, e: { r: 0, c: 5 } }],
    }]);
    const a = await analyseLedger(db, null, await open(buf), {});
    expect(a).toMatchObject({ headerRow: 3, headerRows: 1 });
    expect(a.fields).toMatchObject({ 资产编号: 'B', 装备名称: 'C', 购置日期: 'D', 所属机构编码: 'E', 资产分类: 'F' });
    expect(a.columns[0]).toMatchObject({ letter: 'A', label: '', samples: ['办公设备'] });
    await importFile(db, buf, {});
    expect(await stored(db, 'T-1')).toMatchObject({ itemCode: 'S23', purchaseDate: '2019-05-01' });
  });

  it('reads the values Excel cached for formulas, links to other workbooks included', async () => {
    const { db } = await ledger();
    const buf = rawWorkbook([{ name: 'S', rows: [
      ['资产编号', '设备名称', '开始使用日期', '单价', '数量', '原值', '使用部门'],
      ['F-1', '执法记录仪', formula('[1]Sheet1!A42+365*10', 38716), 3950, 1, formula('D2*E2', 3950), '西湖分局'],
    ] }]);
    await importFile(db, buf, {});
    expect(await stored(db, 'F-1')).toMatchObject({ purchaseDate: '2005-12-30', priceFen: 395_000 });
  });

  it('reads 无, / and - as blank in cells a row may leave empty, and as missing in the asset tag', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [
      ['资产编号', '设备名称', '规格型号', '使用人', '备注', '购置日期', '使用单位'],
      ['B-1', '执法车', '无', '-', '/', '无', '西湖分局'],
      ['无', '执法车', null, null, null, null, '西湖分局'],
    ] }]);
    const p = await preview(db, buf, {});
    expect(p).toMatchObject({ valid: 1, rejected: 1 });
    expect(p.problems).toEqual([expect.objectContaining({ row: 3, column: 'A', field: '资产编号', message: '必填,不能为空' })]);
    await importFile(db, buf, {}, 'valid');
    expect(await stored(db, 'B-1')).toMatchObject({ model: null, custodian: null, notes: null, purchaseDate: null });
  });

  it('passes over 合计 and signature lines, lists them in the preview, and counts them neither as assets nor as rejected rows', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [
      ['填报单位:西湖分局', null, null, '填报日期:2024年3月'],
      ['资产编号', '设备名称', '金额', '使用单位'],
      ['L-1', '执法车', 128000, '西湖分局'],
      ['小计', null, 128000],
      ['L-2', '执法记录仪', 3500, '西湖分局'],
      ['合计(元)', null, 131500],
      ['总计', null, 131500],
      ['制表人:张三', null, '审核人:李四'],
      ['负责人：王五'],
      ['审核:赵六'],
    ] }]);
    const p = await preview(db, buf, {});
    expect(p).toMatchObject({ total: 2, valid: 2, rejected: 0, units: 2, problems: [] });
    expect(p.skipped).toEqual([
      { row: 4, reason: '合计行「小计」,不是装备' },
      { row: 6, reason: '合计行「合计(元)」,不是装备' },
      { row: 7, reason: '合计行「总计」,不是装备' },
      { row: 8, reason: '签署行「制表人:张三」,不是装备' },
      { row: 9, reason: '签署行「负责人:王五」,不是装备' },
      { row: 10, reason: '签署行「审核:赵六」,不是装备' },
    ]);
    expect((await importFile(db, buf, {})).assets.created).toBe(2);
  });

  it('does not suggest a lookup sheet, a label-and-value block or a form without rows as the ledger sheet', async () => {
    await ledger();
    const buf = xlsx([
      { name: 'Sheet2', rows: [['安全设备', '办公设备', '车辆'], ['防火墙', '打印机', '轿车'], ['网闸', '复印机', '越野车']] },
      { name: '折旧表', rows: [[null, '年限总和法提计折旧表'], [null, '编号', 4, '固定资产名称', '造粒机房'], [null, '类别名称', '房屋', '使用部门', '一车间'], [null, '资产原值', 125000, '净残值率', 0.2]] },
      { name: '增加单', rows: [['固定资产增加单'], ['资产编号', '资产名称', '规格型号', '数量', '金额', '使用部门', '状态', '购置日期']] },
      { name: '台账', rows: [['资产编号', '设备名称', '使用单位'], ['K-1', '执法车', '西湖分局']] },
    ]);
    expect((await opened('x.xlsx', buf)).suggestedSheet).toBe('台账');
  });
});

describe('headers in English, as Snipe-IT and GLPI export them', () => {
  it('maps Asset Tag, Name, Category, Model, Purchase Date and Cost, and never takes a word inside another (Username is no name)', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [
      ['Company', 'Name', 'Asset Tag', 'Category', 'Model', 'Asset Notes', 'Purchase Date', 'Purchase Cost', 'Checked Out To: Username', 'Status'],
      ['西湖分局', '执法记录仪', 'SN-1', '执法记录仪', 'DSJ-V8', 'spare', '2021-06-18', '2266.13', 'bnelson0', '在用'],
    ] }]);
    const a = await analyseLedger(db, null, await open(buf), {});
    expect(a.fields).toEqual({ 所属机构编码: 'A', 装备名称: 'B', 资产编号: 'C', 资产分类: 'D', 规格型号: 'E', 备注: 'F', 购置日期: 'G', '购置金额(元)': 'H', 状态: 'J' });
    await importFile(db, buf, {});
    expect(await stored(db, 'SN-1')).toMatchObject({ itemCode: 'S04', agencyCode: '330106', model: 'DSJ-V8', purchaseDate: '2021-06-18', priceFen: 226613, notes: 'spare' });
  });
});

describe('a class column settles a name the name alone leaves open', () => {
  it('imports 无人机 filed under 小型无人机 as O06 without asking, and asks for 无人机 with no class or with classes that disagree', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [
      ['资产编号', '资产名称', '资产分类', '使用部门'],
      ['UAV-1', '无人机', '小型无人机', '西湖分局'],
      ['UAV-2', '无人机', '小型无人机', '西湖分局'],
      ['REC-1', '记录仪', '', '西湖分局'],
    ] }]);
    const a = await analyseLedger(db, null, await open(buf), {});
    expect(a.items.find((i) => i.text === '无人机')).toMatchObject({ code: 'O06', source: 'auto' });
    await importFile(db, buf, { items: { 记录仪: 'S04' } });
    expect((await stored(db, 'UAV-1'))?.itemCode).toBe('O06');

    const mixed = xlsx([{ name: 'S', rows: [
      ['资产编号', '资产名称', '资产分类', '使用部门'],
      ['UAV-3', '无人机', '小型无人机', '西湖分局'],
      ['UAV-4', '无人机', '航测设备', '西湖分局'],
    ] }]);
    expect((await analyseLedger(db, null, await open(mixed), {})).items.find((i) => i.text === '无人机')).toMatchObject({ code: null, source: 'likeness' });
    const problems = await refusedWith(db, () => importFile(db, mixed, {}));
    expect(problems.map((p) => p.message).join()).toContain('无人机');
  });
});

describe('quantities', () => {
  const file = (qty: unknown, price: unknown = 3000) => xlsx([{ name: 'S', rows: [
    ['资产编号', '设备名称', '数量', '计量单位', '原值', '使用单位'],
    ['XL-003', '执法记录仪', qty as number, '台', price as number, '西湖分局'],
    ['XL-004', '执法车', null, '辆', 150000, '西湖分局'],
  ] }]);

  it('stores a row of 数量 3 as three units tagged TAG-1..3, each worth a third of the row\'s 原值; a re-import updates them', async () => {
    const { db } = await ledger();
    const p = await preview(db, file(3, 9000), {});
    expect(p).toMatchObject({ total: 2, valid: 2, units: 4, create: 4, update: 0 });
    await importFile(db, file(3, 9000), {});
    expect(await tags(db)).toEqual(['XL-003-1', 'XL-003-2', 'XL-003-3', 'XL-004']);
    expect(await stored(db, 'XL-003-2')).toMatchObject({ itemCode: 'S04', priceFen: 300_000 });
    const again = await importFile(db, file(3, 9000), {});
    expect(again.assets).toEqual({ created: 0, updated: 0, unchanged: 4 });
    expect(await tags(db)).toHaveLength(4);
  });

  it.each([
    [0, '数量应为正整数,文件中为 0'],
    [2.5, '数量应为正整数,文件中为 2.5'],
    [-1, '数量应为正整数,文件中为 -1'],
    ['三台', '数量应为正整数,文件中为「三台」'],
    [1001, '数量 1001 超过每行 1000 件的上限;请核对,或拆成多行'],
  ])('rejects a 数量 of %s at its cell, and never counts it as one', async (qty, message) => {
    const { db } = await ledger();
    const p = await preview(db, file(qty), {});
    expect(p).toMatchObject({ valid: 1, rejected: 1, units: 1 });
    expect(p.problems).toEqual([expect.objectContaining({ row: 2, column: 'C', field: '数量', message })]);
    await refusedWith(db, () => importFile(db, file(qty), {}));
  });
});

describe('status words', () => {
  it.each([
    ['正常使用', 'in_service'], ['在用', 'in_service'], ['使用中', 'in_service'], ['完好', 'in_service'], ['正常', 'in_service'], ['良好', 'in_service'],
    ['维修中', 'under_repair'], ['待修', 'under_repair'], ['故障', 'under_repair'], ['送修', 'under_repair'],
    ['闲置', 'idle'], ['备用', 'idle'], ['封存', 'idle'], ['未使用', 'idle'],
    ['已报废', 'scrapped'], ['报废', 'scrapped'],
  ])('stores %s as %s', async (word, status) => {
    const { db } = await ledger();
    await importFile(db, xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态'], ['W-1', '执法车', word]] }]), { defaultAgency: '330106' });
    expect(await stored(db, 'W-1')).toMatchObject({ status });
  });

  it('holds a 待报废 asset in service with one disposal request, however often the file comes', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '数量', '状态'], ['D-1', '执法车', 1, '待报废'], ['D-2', '执法记录仪', 2, '待报废']] }]);
    const out = await importFile(db, buf, { defaultAgency: '330106' });
    expect(out.disposals).toBe(3);
    expect(await stored(db, 'D-1')).toMatchObject({ status: 'in_service' });
    expect(await disposals(db)).toEqual(['D-1', 'D-2-1', 'D-2-2'].map((tag) => ({ tag, status: 'requested', reason: '导入时台账记为待报废' })));
    await importFile(db, buf, { defaultAgency: '330106' });
    expect(await disposals(db)).toHaveLength(3);
  });

  it('does not create a tag reported 丢失 or 盘亏, says so in the preview, and asks for disposal of a held one', async () => {
    const { db } = await ledger();
    await importFile(db, xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态'], ['H-1', '执法车', '维修中']] }]), { defaultAgency: '330106' });
    const buf = xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态'], ['H-1', '执法车', '盘亏'], ['H-2', '执法车', '丢失'], ['H-3', '执法车', '在用']] }]);
    const p = await preview(db, buf, { defaultAgency: '330106' });
    expect(p).toMatchObject({ valid: 2, rejected: 0, units: 2, skipped: [{ row: 3, reason: '丢失/盘亏的装备不入账' }] });
    await importFile(db, buf, { defaultAgency: '330106' });
    expect(await tags(db)).toEqual(['H-1', 'H-3']);
    expect(await stored(db, 'H-1')).toMatchObject({ status: 'under_repair' });
    expect(await disposals(db)).toEqual([{ tag: 'H-1', status: 'requested', reason: '丢失/盘亏' }]);
  });

  it('asks once what an unknown status word means, and remembers it for the next file of the same scope', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态'], ['U-1', '执法车', 3], ['U-2', '执法车', '当月新增'], ['U-3', '执法车', 3]] }]);
    const a = await analyseLedger(db, null, await open(buf), { defaultAgency: '330106' });
    expect(a.statuses).toEqual([{ text: '3', count: 2, status: null, source: null }, { text: '当月新增', count: 1, status: null, source: null }]);
    const problems = await refusedWith(db, () => importFile(db, buf, { defaultAgency: '330106' }));
    expect(problems[0]).toMatchObject({ row: 2, column: 'C', field: '状态', message: expect.stringContaining('状态「3」尚未对应') });

    await importFile(db, buf, { defaultAgency: '330106', statuses: { 3: 'idle', 当月新增: 'in_service' } });
    expect(await stored(db, 'U-1')).toMatchObject({ status: 'idle' });
    const next = xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态'], ['U-4', '执法车', 3]] }]);
    expect((await analyseLedger(db, null, await open(next), { defaultAgency: '330106' })).statuses).toEqual([{ text: '3', count: 1, status: 'idle', source: 'remembered' }]);
    await importFile(db, next, { defaultAgency: '330106' });
    expect(await stored(db, 'U-4')).toMatchObject({ status: 'idle' });
  });

  it('a county account imports its own ledger, its status words remembered for its county only', async () => {
    const { db } = await ledger();
    const user = await db.write((tx) => createUser(tx, who, { username: 'tl', displayName: '桐庐装备管理员', role: 'manager', agencyCode: '330122' }, 'not-a-hash'));
    const county = as(l, 'manager', { id: user.id, username: 'tl', agencyCode: '330122' });
    const buf = xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '数量', '状态', '使用单位'], ['TL-9', '执法记录仪', 2, '在库', '桐庐县分局'], ['XH-9', '执法车', 1, '在用', '西湖分局']] }]);
    const call = async (name: 'imports/open' | 'imports/preview' | 'imports/ledger', input: object) => {
      const r = await dispatch(county, name, input as never);
      if (!r.ok) throw new Error(r.problems.map((x) => x.message).join(';'));
      return r.value as never;
    };
    const { token } = await call('imports/open', { fileName: '桐庐.xlsx', base64: buf.toString('base64') }) as { token: string };
    const mapping = { statuses: { 在库: 'idle' } };
    const p = await call('imports/preview', { token, mapping }) as { valid: number; units: number; rejected: number; problems: Problem[] };
    expect(p).toMatchObject({ valid: 1, units: 2, rejected: 1 });
    expect(p.problems[0]).toMatchObject({ row: 3, message: expect.stringContaining('管辖范围') });
    await call('imports/ledger', { token, mapping, mode: 'valid' });
    expect(await tags(db)).toEqual(['TL-9-1', 'TL-9-2']);
    expect(await stored(db, 'TL-9-1')).toMatchObject({ agencyCode: '330122', status: 'idle' });
    const again = xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态'], ['Z-1', '执法车', '在库']] }]);
    expect((await analyseLedger(db, null, await open(again), { defaultAgency: '330106' })).statuses[0]).toMatchObject({ status: null });
    expect((await analyseLedger(db, null, await open(again), { defaultAgency: '330122' }, new Set(['330122']), '330122')).statuses[0]).toMatchObject({ status: 'idle', source: 'remembered' });
  });
});

describe('password columns', () => {
  const buf = xlsx([{ name: 'server', rows: [
    ['资产编号', '资产类型', '用户名称', '用户密码', '状态'],
    ['JR001', '执法车', 'root', 'S3cret!pw', '在用'],
    ['JR002', '执法车', 'root', 'S3cret!pw', '失踪'],
  ] }]);

  it('are never shown, imported or handed back', async () => {
    const { db } = await ledger();
    const info = await opened('ops.xlsx', buf);
    expect(JSON.stringify(info)).not.toContain('S3cret');
    const a = await analyseLedger(db, null, info.token, { defaultAgency: '330106' });
    expect(JSON.stringify(a)).not.toContain('S3cret');
    expect(a.columns.find((c) => c.letter === 'D')).toMatchObject({ secret: true, samples: ['******', '******'] });
    expect(Object.values(a.fields)).not.toContain('D');
    const refused = await refusedWith(db, () => importFile(db, buf, { defaultAgency: '330106', columns: { 备注: '用户密码' } }));
    expect(refused[0].message).toBe('「用户密码」列是密码,不能导入到「备注」');
    const out = await importFile(db, buf, { defaultAgency: '330106' }, 'valid');
    const errors = XLSX.read(Buffer.from(out.errors!.base64, 'base64'));
    expect(JSON.stringify(XLSX.utils.sheet_to_json(errors.Sheets['未导入的行'], { header: 1 }))).not.toContain('S3cret');
    expect(JSON.stringify(await rows({ store: db }, sql`select * from assets`))).not.toContain('S3cret');
  });
});

describe('files that would cost the server more than any ledger', () => {
  it('hides a password column however its header is spaced or written (密 码, 密碼, Pass word, PIN码, 备注 密 码)', async () => {
    const { db } = await ledger();
    const buf = xlsx([{ name: 'S', rows: [
      ['资产编号', '设备名称', '密 码', '密碼', 'Pass word', 'PIN码', '备注 密 码'],
      ['P-1', '执法记录仪', 'pw-a', 'pw-b', 'pw-c', 'pw-d', 'pw-e'],
    ] }]);
    const info = await opened('p.xlsx', buf);
    const a = await analyseLedger(db, null, info.token, { defaultAgency: '330106' });
    expect(JSON.stringify([info, a])).not.toMatch(/pw-/);
    expect(Object.values(a.fields)).toEqual(['A', 'B']);
    await importFile(db, buf, { defaultAgency: '330106' });
    expect(JSON.stringify(await rows({ store: db }, sql`select * from assets`))).not.toMatch(/pw-/);
  });

  it('refuses 数量 that would bring more than 200,000 units from one file, at the row where the total passes it', async () => {
    const { db } = await ledger();
    const rows: (string | number)[][] = [['资产编号', '设备名称', '数量']];
    for (let i = 0; i < 201; i++) rows.push([`Q-${i}`, '执法记录仪', 1000]);
    const p = await preview(db, xlsx([{ name: 'S', rows }]), { defaultAgency: '330106' });
    expect(p).toMatchObject({ valid: 200, rejected: 1 });
    expect(p.problems).toEqual([expect.objectContaining({ row: 202, field: '数量', message: '本文件的装备合计超过 200,000 件,此行起不再导入;请拆分后导入' })]);
  });

  it('refuses an item column of more different texts than a ledger has names, naming the column', async () => {
    const { db } = await ledger();
    const rows: string[][] = [['资产编号', '设备名称']];
    for (let i = 0; i < 5001; i++) rows.push([`N-${i}`, `记录仪${i}`]);
    const problems = await refusedWith(db, async () => await analyseLedger(db, null, await open(xlsx([{ name: 'S', rows }])), { defaultAgency: '330106' }));
    expect(problems).toEqual([expect.objectContaining({ sheet: 'S', column: 'B', field: '装备名称', message: expect.stringContaining('有 5,001 种不同写法,超过 5,000 种') })]);
  });
});

/** Public workbooks of other systems, read where they lie (never copied here): ../shared/real-ledgers, described in reviews/2026-12-research.md §3. */
const real = (name: string) => readFileSync(path.join(process.cwd(), '..', 'shared', 'real-ledgers', name));

describe('real ledgers', () => {
  it('⑥ an enterprise fixed-asset list: its query sheet, 部门名称 as agency, 固定资产名称 as item, 单位 as unit, cached formula values', async () => {
    const { db } = await ledger();
    const info = await opened('sabrinakzj_固定资产.xlsx', real('sabrinakzj_固定资产.xlsx'));
    expect(info.suggestedSheet).toBe('固定资产查询');
    const a = await analyseLedger(db, null, info.token, {});
    expect(a).toMatchObject({ sheet: '固定资产查询', headerRow: 3 });
    expect(a.fields).toMatchObject({ 资产编号: 'A', 所属机构编码: 'B', 资产分类: 'C', 装备名称: 'D', 规格型号: 'E', 购置日期: 'F', 计量单位: 'H', '购置金额(元)': 'I', 数量: 'J', 状态: 'P' });
    expect(a.agencies.map((x) => x.text)).toEqual(expect.arrayContaining(['管理部门', '二车间', '化验中心']));
    const mapping: LedgerMapping = {
      items: Object.fromEntries(a.items.map((i) => [i.text, i.code ?? 'S22'])),
      agencies: Object.fromEntries(a.agencies.map((x) => [x.text, '330106'])),
    };
    const p = await previewLedger(db, null, info.token, mapping, today, null);
    expect(p).toMatchObject({ rejected: 0, problems: [] });
    const out = await importOpenedLedger(db, null, info.token, mapping, 'all', { who, today });
    expect(out.assets.created).toBe(p.units);
    // Row 4: 铁路专线仓库, 正常使用, its 开始使用日期 a formula over another workbook (F4=[1]Sheet1!A42+365*10), cached as 38716.
    expect(await stored(db, '1')).toMatchObject({ agencyCode: '330106', purchaseDate: '2005-12-30', priceFen: 13_000_000, status: 'in_service' });
    expect(await stored(db, '2')).toMatchObject({ model: 'TBY - 60', priceFen: 395_000, status: 'scrapped' });
  });

  it('⑤ an IT asset template: the server sheet, prices in 万元, the ID-coded 状态 asked, the password column never stored', async () => {
    const { db } = await ledger();
    const info = await opened('pythonzm_Ops_资产导入模板.xlsx', real('pythonzm_Ops_资产导入模板.xlsx'));
    expect(info.suggestedSheet).toBe('server');
    expect(JSON.stringify(info.sheets)).not.toContain('123456');
    const a = await analyseLedger(db, null, info.token, { defaultAgency: '330106' });
    expect(a).toMatchObject({ priceUnit: 'wan', statuses: [{ text: '3', count: 2, status: null }] });
    expect(a.columns.find((c) => c.label === '用户密码')).toMatchObject({ secret: true });
    expect(Object.values(a.fields)).not.toContain(a.columns.find((c) => c.label === '用户密码')!.letter);
    const mapping: LedgerMapping = { defaultAgency: '330106', items: { server: 'S22' }, statuses: { 3: 'in_service' } };
    await importOpenedLedger(db, null, info.token, mapping, 'all', { who, today });
    expect(await stored(db, 'JR001')).toMatchObject({ itemCode: 'S22', purchaseDate: '2008-08-08', priceFen: 800_000_000, status: 'in_service' });
    expect(JSON.stringify(await rows({ store: db }, sql`select * from assets`))).not.toContain('123456');
    expect(JSON.stringify(await rows({ store: db }, sql`select * from audit_log`))).not.toContain('123456');
  });
});
