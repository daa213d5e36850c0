import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AGENCY_HEADERS, ASSET_HEADERS } from '../../excel/template';
import type { AgencyRecord } from '../../quotas/types';
import type { Problem } from '../../lib/problems';
import { UserError } from '../../lib/problems';
import { importTemplate } from '../../server/handlers/imports';
import { agency, asset, templateBuffer, xlsx, type TestAsset } from '../fixtures/factories';
import { count, rows, snapshotOf, testLedger, type TestLedger } from '../fixtures/engine';

const who = { actor: '张三', at: '2026-11-23T08:00:00.000Z' };
const today = '2026-11-23';

const P = agency({ code: '330000', name: '省总队', level: 'province', staff: 40 });
const M = agency({ code: '330100', name: '市支队', level: 'city', parentCode: '330000', staff: 25 });
const K1 = agency({ code: '330102', name: '甲县大队', level: 'county', parentCode: '330100', staff: 23, offices: 2, longitude: 120.1, latitude: 30.2 });
const K2 = agency({ code: '330103', name: '乙县大队', level: 'county', parentCode: '330100', staff: 12 });
const TREE = [P, M, K1, K2];

function importBuf(l: TestLedger, buf: Uint8Array, file = 'ledger.xlsx') {
  return importTemplate(l.store, buf, { file, who, today });
}

/** The problems an import is refused with, after checking it changed nothing. */
async function refused(l: TestLedger, buf: Uint8Array): Promise<Problem[]> {
  const before = await snapshotOf(l);
  let error: unknown;
  try {
    await importBuf(l, buf);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UserError);
  expect(await snapshotOf(l)).toEqual(before);
  return (error as UserError).problems;
}

async function seeded(): Promise<TestLedger> {
  const l = await testLedger();
  await importBuf(l, templateBuffer(TREE));
  return l;
}

async function assetRow(l: TestLedger, tag: string) {
  const [row] = await rows<Record<string, unknown>>(l, sql`select s.*, a.code as agency from assets s join agencies a on a.id = s.agency_id where s.asset_tag = ${tag}`);
  return row;
}

/** The database refuses the third asset of the ledger, as a full disk would refuse a write. */
async function failThirdAsset(l: TestLedger): Promise<void> {
  if (l.engine === 'sqlite') {
    await l.store.run(sql`create temp trigger fail_third before insert on assets when (select count(*) from assets) >= 2
      begin select raise(abort, '磁盘已满(模拟)'); end`);
    return;
  }
  await l.store.run(sql.raw(`create function fail_third() returns trigger language plpgsql as $$
    begin if (select count(*) from assets) >= 2 then raise exception '磁盘已满(模拟)'; end if; return new; end $$`));
  await l.store.run(sql`create trigger fail_third before insert on assets for each row execute function fail_third()`);
}

describe('importing the canonical template', () => {
  it('stores agencies with their hierarchy and assets with every field', async () => {
    const l = await testLedger();
    const car = asset({
      assetTag: 'ZJ-001', itemCode: 'S01', agencyCode: '330102', model: '帕萨特', purchaseDate: '2016-05-01', priceFen: 23_456_789,
      status: 'under_repair', custodian: '李四', plateNumber: '浙a12345', odometerKm: 210_000, notes: '发动机大修',
    });
    const gas = asset({ assetTag: 'ZJ-002', itemCode: 's15', agencyCode: '330102', calibrationValidUntil: '2027-01-31' });
    const s = await importBuf(l, templateBuffer(TREE, [car, gas]));
    expect(s.agencies).toEqual({ created: 4, updated: 0, unchanged: 0 });
    expect(s.assets).toEqual({ created: 2, updated: 0, unchanged: 0 });

    const [k1] = await rows(l, sql`select a.*, p.code as parent from agencies a left join agencies p on p.id = a.parent_id where a.code = '330102'`);
    expect(k1).toMatchObject({ name: '甲县大队', level: 'county', parent: '330100', staff: 23, offices: 2, longitude: 120.1, latitude: 30.2 });
    expect(await assetRow(l, 'ZJ-001')).toMatchObject({
      item_code: 'S01', agency: '330102', model: '帕萨特', purchase_date: '2016-05-01', price_fen: 23_456_789, status: 'under_repair',
      custodian: '李四', plate_number: '浙A12345', odometer_km: 210_000, notes: '发动机大修',
    });
    expect(await assetRow(l, 'ZJ-002')).toMatchObject({ item_code: 'S15', calibration_valid_until: '2027-01-31', status: 'in_service' });
  });

  it('writes an audit entry for every stored row, naming who imported it', async () => {
    const l = await testLedger();
    const auditBefore = await count(l, 'audit_log');
    await importBuf(l, templateBuffer(TREE, [asset({ assetTag: 'A1', itemCode: 'S01', agencyCode: '330102' })]));
    const entries = await rows<Record<string, string>>(l, sql`select * from audit_log where actor = '张三' order by id`);
    expect((await count(l, 'audit_log')) - auditBefore).toBe(6);
    expect(entries.map((e) => `${e.action} ${e.entity} ${e.entity_key}`)).toEqual([
      'create agency 330000', 'create agency 330100', 'create agency 330102', 'create agency 330103', 'create asset A1', 'bulk import ledger.xlsx',
    ]);
    expect(new Set(entries.map((e) => e.batch)).size).toBe(1);
    expect(JSON.parse(entries[4].after)).toMatchObject({ itemCode: 'S01', agencyCode: '330102', status: 'in_service' });
  });

  it('updates by 机构编码 and 资产编号 when the same workbook comes again, never duplicating', async () => {
    const l = await seeded();
    const a = asset({ assetTag: 'A1', itemCode: 'S09', agencyCode: '330102', custodian: '王五' });
    await importBuf(l, templateBuffer(TREE, [a]));
    const again = await importBuf(l, templateBuffer(TREE, [a]));
    expect(again.agencies).toEqual({ created: 0, updated: 0, unchanged: 4 });
    expect(again.assets).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(await count(l, 'assets')).toBe(1);
    expect(await count(l, 'agencies')).toBe(4);

    const changed = await importBuf(l, templateBuffer([{ ...K1, staff: 30 }], [{ ...a, custodian: '赵六', agencyCode: '330103' }]));
    expect(changed.agencies.updated).toBe(1);
    expect(changed.assets.updated).toBe(1);
    expect(await assetRow(l, 'A1')).toMatchObject({ custodian: '赵六', agency: '330103' });
    const [entry] = await rows<Record<string, string>>(l, sql`select before, after from audit_log where entity = 'asset' and action = 'update'`);
    expect(JSON.parse(entry.before)).toMatchObject({ custodian: '王五', agencyCode: '330102' });
    expect(JSON.parse(entry.after)).toMatchObject({ custodian: '赵六', agencyCode: '330103' });
  });

  it('accepts children listed before their parents', async () => {
    const l = await testLedger();
    await importBuf(l, templateBuffer([K2, K1, M, P]));
    const [parent] = await rows<{ code: string }>(l, sql`select p.code from agencies a join agencies p on p.id = a.parent_id where a.code = '330103'`);
    expect(parent.code).toBe('330100');
  });

  it('imports an 装备 sheet alone against agencies already in the ledger', async () => {
    const l = await seeded();
    const buf = xlsx([{ name: '装备', rows: [[...ASSET_HEADERS], ['B1', 'S03', 'X1', '330103', '2024-01-15', '4,500', '在用']] }]);
    expect((await importBuf(l, buf)).assets.created).toBe(1);
    expect(await assetRow(l, 'B1')).toMatchObject({ purchase_date: '2024-01-15', price_fen: 450_000 });
  });

  it('reads dates written as Excel dates and as YYYY-MM-DD text alike', async () => {
    const l = await seeded();
    const buf = xlsx([{
      name: '装备',
      rows: [[...ASSET_HEADERS], ['D1', 'S15', null, '330102', { date: '2020-02-29' }, 100, '在用', null, null, null, '2027-03-01']],
    }]);
    await importBuf(l, buf);
    expect(await assetRow(l, 'D1')).toMatchObject({ purchase_date: '2020-02-29', calibration_valid_until: '2027-03-01' });
  });

  it('stores nothing when the database refuses a row halfway through', async () => {
    const l = await seeded();
    await failThirdAsset(l);
    const before = await snapshotOf(l);
    const buf = templateBuffer([{ ...K1, staff: 99 }], [1, 2, 3, 4].map((i) => asset({ assetTag: `W${i}`, itemCode: 'S01', agencyCode: '330102' })));
    // The file's own engine error is the storage problem the dispatcher explains; the provincial database's text stays in
    // the server's log, and the user reads that nothing was imported, with a reference.
    await expect(importBuf(l, buf)).rejects.toThrow(l.engine === 'sqlite' ? /磁盘已满/ : /写入数据库失败,未导入任何数据\(编号 [0-9a-f]{8}\)/);
    expect(await snapshotOf(l)).toEqual(before);
  });
});

describe('refusing bad workbooks, leaving the ledger unchanged', () => {
  const agencyRows = (...rows: unknown[][]) => xlsx([{ name: '机构', rows: [[...AGENCY_HEADERS], ...(rows as never[][])] }]);
  const assetRows = (...rows: unknown[][]) => xlsx([{ name: '装备', rows: [[...ASSET_HEADERS], ...(rows as never[][])] }]);
  const agencyLine = (a: AgencyRecord) => [a.code, a.name, { province: '省级', city: '市级', county: '县级' }[a.level], a.parentCode, a.staff, null, a.offices];
  const assetLine = (a: TestAsset) => [a.assetTag, a.itemCode, null, a.agencyCode, a.purchaseDate, 1000, '在用'];

  it('names a wrong header and the headers it expected', async () => {
    const l = await seeded();
    const headers = AGENCY_HEADERS.map((h) => (h === '机构编码' ? '机构编号' : h));
    const problems = await refused(l, xlsx([{ name: '机构', rows: [headers, ['330104', '丙县', '县级', '330100', 5]] }]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'ledger.xlsx', sheet: '机构', row: 1 });
    expect(problems[0].message).toContain('缺少列「机构编码」');
    expect(problems[0].message).toContain('机构编号');
  });

  it('names an unknown 装备代码 at its cell', async () => {
    const l = await seeded();
    const problems = await refused(l, assetRows(assetLine(asset({ itemCode: 'S01', agencyCode: '330102' })), assetLine(asset({ itemCode: 'S99', agencyCode: '330102' }))));
    expect(problems).toEqual([expect.objectContaining({ sheet: '装备', row: 3, column: 'B', field: '装备代码', message: expect.stringContaining('S99') })]);
  });

  it('names an unknown 所属机构编码 at its cell', async () => {
    const l = await seeded();
    const problems = await refused(l, assetRows(assetLine(asset({ itemCode: 'S01', agencyCode: '999999' }))));
    expect(problems).toEqual([expect.objectContaining({ sheet: '装备', row: 2, column: 'D', message: expect.stringContaining('999999') })]);
  });

  it('refuses a parent that exists neither in the file nor in the ledger', async () => {
    const l = await seeded();
    const problems = await refused(l, agencyRows(agencyLine(agency({ code: '330104', parentCode: '330900' }))));
    expect(problems).toEqual([expect.objectContaining({ sheet: '机构', row: 2, column: 'D', message: expect.stringContaining('330900') })]);
  });

  it('refuses parents that make a cycle within the file', async () => {
    const l = await testLedger();
    const problems = await refused(l, agencyRows(
      agencyLine(agency({ code: 'A', level: 'city', parentCode: 'B' })),
      agencyLine(agency({ code: 'B', level: 'city', parentCode: 'A' })),
    ));
    expect(problems.filter((p) => p.message.includes('循环'))).toHaveLength(2);
    expect(problems.find((p) => p.row === 2 && p.message.includes('循环'))!.message).toContain('A → B → A');
  });

  it('refuses a re-import that makes a cycle with the ledger', async () => {
    const l = await seeded();
    const problems = await refused(l, agencyRows(agencyLine({ ...P, parentCode: '330102' })));
    expect(problems.some((p) => p.message.includes('循环') && p.message.includes('330000 → 330102 → 330100 → 330000'))).toBe(true);
  });

  it('refuses a parent of the same or a lower level', async () => {
    const l = await seeded();
    const problems = await refused(l, agencyRows(agencyLine(agency({ code: '330104', level: 'city', parentCode: '330102' }))));
    expect(problems[0].message).toContain('应高于');
  });

  it('refuses to lower an agency below the agencies under it', async () => {
    const l = await seeded();
    const problems = await refused(l, agencyRows(agencyLine({ ...M, level: 'county' })));
    expect(problems.some((p) => p.sheet === '机构' && p.row === 2 && p.field === '层级')).toBe(true);
  });

  it('refuses a 资产编号 repeated inside one file, naming both rows', async () => {
    const l = await seeded();
    const a = asset({ assetTag: 'DUP', itemCode: 'S01', agencyCode: '330102' });
    const problems = await refused(l, assetRows(assetLine(a), assetLine(asset({ itemCode: 'S02', agencyCode: '330102' })), assetLine(a)));
    expect(problems).toEqual([expect.objectContaining({ row: 4, column: 'A', message: expect.stringContaining('第 2 行') })]);
  });

  it('refuses a 机构编码 repeated inside one file', async () => {
    const l = await testLedger();
    const lone = { ...K1, parentCode: null };
    const problems = await refused(l, agencyRows(agencyLine(lone), agencyLine(lone)));
    expect(problems).toEqual([expect.objectContaining({ sheet: '机构', row: 3, column: 'A' })]);
  });

  it.each([
    [-3, '负数'], ['十二', '不是数字'], [2.5, '整数'], [null, '必填'],
  ])('refuses %s as 执法人员数', async (staff, message) => {
    const l = await testLedger();
    const problems = await refused(l, agencyRows(['330104', '丙县', '县级', null, staff]));
    expect(problems).toEqual([expect.objectContaining({ row: 2, column: 'E', field: '执法人员数', message: expect.stringContaining(message) })]);
  });

  it.each(['2023-02-30', '2019-13-01', '下个月'])('refuses the impossible date %s', async (date) => {
    const l = await seeded();
    const problems = await refused(l, assetRows(['X1', 'S01', null, '330102', date, 1000, '在用']));
    expect(problems).toEqual([expect.objectContaining({ row: 2, column: 'E', field: '购置日期' })]);
  });

  it('refuses a purchase date in the future and an unknown status word', async () => {
    const l = await seeded();
    const problems = await refused(l, assetRows(['X1', 'S01', null, '330102', '2030-01-01', 1000, '丢失']));
    expect(problems.map((p) => p.column)).toEqual(['G', 'E']);
  });

  it('reports every problem of a file at once', async () => {
    const l = await seeded();
    const problems = await refused(l, assetRows(
      ['X1', 'S77', null, '330102', '2020-01-01', 1000, '在用'],
      ['X2', 'S01', null, '330102', '2020-01-01', -5, '在用'],
      ['X3', 'S01', null, '330102', '2020-01-01', 1000, null],
    ));
    expect(problems.map((p) => `${p.row}${p.column}`)).toEqual(['2B', '3F', '4G']);
  });

  it('refuses an empty file, a file that is not a spreadsheet, and a corrupt zip', async () => {
    const l = await seeded();
    expect((await refused(l, new Uint8Array()))[0].message).toContain('文件为空');
    // A CSV is read, and is not the template: the template's sheets are 机构 and 装备.
    expect((await refused(l, Buffer.from('机构编码,机构名称\n330104,丙县\n')))[0].message).toContain('找不到工作表「机构」');
    expect((await refused(l, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])))[0].message).toContain('损坏或不完整');
    const truncated = templateBuffer(TREE).subarray(0, 300);
    expect((await refused(l, truncated))[0].message).toMatch(/损坏|无法读取|没有工作表|找不到工作表/);
  });

  it('refuses a workbook without the template sheets, and one whose sheets are empty', async () => {
    const l = await seeded();
    expect((await refused(l, xlsx([{ name: 'Sheet1', rows: [['a']] }])))[0].message).toContain('找不到工作表');
    expect((await refused(l, xlsx([{ name: '装备', rows: [] }])))[0].message).toContain('工作表为空');
    expect((await refused(l, xlsx([{ name: '装备', rows: [[...ASSET_HEADERS]] }])))[0].message).toContain('没有数据行');
  });

  it('caps a file of many bad rows at a readable number of problems', async () => {
    const l = await seeded();
    const rows = Array.from({ length: 3000 }, (_, i) => [`Y${i}`, 'S99', null, '330102', '2020-01-01', 1, '在用']);
    const problems = await refused(l, assetRows(...rows));
    expect(problems).toHaveLength(1001);
    expect(problems[1000].message).toContain('另有 2000 个问题');
  });
});

describe('a province-sized file', () => {
  it('imports 50,000 assets in one write, and the same file again changes nothing', { timeout: 600_000 }, async () => {
    const l = await testLedger();
    const counties = Array.from({ length: 50 }, (_, i) => agency({ code: `3399${String(i).padStart(2, '0')}`, parentCode: '330100' }));
    const many = Array.from({ length: 50_000 }, (_, i) => asset({ assetTag: `ZJ-2026-${String(i).padStart(6, '0')}`, itemCode: i % 2 ? 'S04' : 'S09', agencyCode: counties[i % 50].code, custodian: `保管员${i % 300}` }));
    const buf = templateBuffer([P, M, ...counties], many);
    const logged = await count(l, 'audit_log');
    expect((await importBuf(l, buf)).assets).toEqual({ created: 50_000, updated: 0, unchanged: 0 });
    expect(await count(l, 'assets')).toBe(50_000);
    // An entry for each asset and agency, and the import's own.
    expect((await count(l, 'audit_log')) - logged).toBe(50_000 + 52 + 1);
    expect((await importBuf(l, buf)).assets).toEqual({ created: 0, updated: 0, unchanged: 50_000 });
    expect(await count(l, 'assets')).toBe(50_000);
    const [last] = await rows<{ custodian: string; agency: string }>(l, sql`select s.custodian, a.code as agency from assets s join agencies a on a.id = s.agency_id
      where s.asset_tag = 'ZJ-2026-049999'`);
    expect(last).toEqual({ custodian: '保管员199', agency: '339949' });
  });
});
