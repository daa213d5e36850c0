import { sql } from 'kysely';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import type { FileOut } from '../../lib/domain/files';
import { formatProblem, type Problem } from '../../lib/problems';
import type { QuotaRow } from '../../quotas/engine';
import { addDays } from '../../lib/dates';
import { testClock } from '../fixtures/context';
import { as, asUser, call, count, refused, rows, seededLedger } from '../fixtures/engine';
import { agency, asset, templateBuffer, units } from '../fixtures/factories';
import type { EditionComparisonResult } from '../../api/quotas';
import { seedReferenceData } from '../../db/queries/reference';

const clock = testClock('2026-11-23T01:00:00Z', 'Asia/Shanghai');

const CITY = agency({ code: 'C1', level: 'city', staff: 20, offices: 1 });
/** 23 staff in 2 offices. */
const COUNTY = agency({ code: 'K1', level: 'county', parentCode: 'C1', staff: 23, offices: 2 });

const ledger = async () => {
  const l = await seededLedger(templateBuffer([CITY, COUNTY]), clock);
  return { l, admin: as(l) };
};

type Rule = { item: string; level: string; basis: string; quantity: number; per: number; atLeast: number; optional: number; service: number };
const rulesOf = (ctx: ReturnType<typeof as>, id: string) =>
  rows<Rule>(ctx, sql`select item_code as item, level, basis, quantity, per, at_least as "atLeast", optional, service from quota_rules where rule_set_id = ${id} order by item_code, level`);

const upload = (fileName: string, buf: Uint8Array, id: string, extra: object = {}) => ({ fileName, base64: Buffer.from(buf).toString('base64'), id, ...extra });

/** A workbook typed by hand in Excel: the sheet as rows of cells, the way a province would lay out the 2024 table. */
function typed(sheetName: string, aoa: unknown[][]): Buffer {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), sheetName);
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

const HEADER = ['类别', '代码', '名称', '单位', '省级', '市级', '县级'];
/** 施行日期 typed as an Excel date (2024-07-01 is serial 45474), 发布文件 with a full-width colon. */
const HEAD_LINES = [
  ['标准名称', '2024 年版配备标准(试行录入)'],
  ['发布文件:', '环办执法〔2024〕27号'],
  ['施行日期', 45474],
  ['依据', 'national-2020'],
  [],
];

/** The 2024-style edition: vehicles 1 per 4 staff at county level, kits 1 per 3, cameras 3 per county, fax 1 per office. */
const EDITION_2024 = typed('表1', [
  ...HEAD_LINES,
  HEADER,
  ['交通工具', 'S01', '执法执勤专用车(含设备)', '辆', '1辆/5人', '1 辆 / 5 人', '1 辆 ／ 4 人'],
  ['个人移动执法设备', 'S02', '移动执法包', '套', '1/4人', '1套/4人', '１套／３人'],
  ['现场执法辅助设备', 'S10', '数码照相机(防爆照相机)', '部', '≥1/机构', '2/机构', '≧3／机构'],
  ['通讯与办公设备', 'S21', '传真机', '台', '1/办公室', '1/办公室', '1/办公室'],
  ['通讯与办公设备', 'S24', '复印机', '台', '', '无', '至少1/机构'],
]);

describe('editions of the standard in and out of Excel', () => {
  it('exports national-2020 in the standard’s layout and imports it back as the same rules', async () => {
    const { admin } = await ledger();
    const file = await call<FileOut>(admin, 'ruleSets/export', { id: 'national-2020' });
    expect(file.fileName).toBe('配备标准-national-2020.xlsx');
    const wb = XLSX.read(Buffer.from(file.base64, 'base64'));
    const aoa = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[wb.SheetNames[0]], { header: 1 });
    const header = aoa.findIndex((r) => r[1] === '代码');
    expect(aoa[header]).toEqual([...HEADER, '计量器具', '技术参数', '替代品目', '可购买服务']);
    expect(aoa.find((r) => r[1] === 'S09')!.slice(4, 7)).toEqual(['≥1/机构', '≥1/机构', '≥1/机构']);
    expect(aoa[header + 1]).toEqual(['交通工具', 'S01', '执法执勤专用车(含设备)', '辆', '1辆/5人', '1辆/5人', '1辆/5人', '否']);
    expect(aoa.find((r) => r[1] === 'S06')![7]).toBe('是');
    expect(aoa.find((r) => r[1] === 'S06')!.slice(4, 7)).toEqual(['2/机构', '2/机构', '3/机构']);
    expect(aoa.find((r) => r[1] === 'S21')!.slice(4, 7)).toEqual(['1/办公室', '1/办公室', '1/办公室']);
    expect(aoa.find((r) => r[1] === 'S03')!.slice(4, 7)).toEqual(['1台/人', '1台/人', '1台/人']);

    const imported = await call(admin, 'ruleSets/import', upload(file.fileName, Buffer.from(file.base64, 'base64'), 'copy-2020', { name: '2020 副本' }));
    expect(imported).toEqual({ id: 'copy-2020', name: '2020 副本', rules: 84, items: 0, replaced: false });
    expect(await rulesOf(admin, 'copy-2020')).toEqual(await rulesOf(admin, 'national-2020'));
    const list = await call<{ id: string; source: string }[]>(admin, 'ruleSets/list', {});
    expect(list.find((s) => s.id === 'copy-2020')).toMatchObject({ source: list.find((s) => s.id === 'national-2020')!.source });
    const audit = await rows<{ action: string; actor: string }>(admin, sql`select action, actor from audit_log where entity = 'rule_set' and entity_key = 'copy-2020'`);
    expect(audit).toEqual([{ action: 'create', actor: 'test-admin' }]);
  });

  it('measures a county of 23 staff in 2 offices against a 2024 edition typed by hand: 6 vehicles, 8 kits, 3 cameras, 2 faxes', async () => {
    const { admin } = await ledger();
    expect(await call(admin, 'ruleSets/import', upload('2024版.xlsx', EDITION_2024, 'national-2024'))).toEqual({
      id: 'national-2024', name: '2024 年版配备标准(试行录入)', rules: 13, items: 0, replaced: false,
    });
    const head = (await call<{ id: string; effectiveDate: string | null; basedOn: string | null; source: string }[]>(admin, 'ruleSets/list', {}))
      .find((s) => s.id === 'national-2024');
    expect(head).toMatchObject({ source: '环办执法〔2024〕27号', effectiveDate: '2024-07-01', basedOn: 'national-2020' });

    const r = await call<{ ruleSet: string; rows: QuotaRow[] }>(admin, 'quotas/shortfall', { ruleSet: 'national-2024' });
    expect(r.ruleSet).toBe('national-2024');
    const need = (agencyCode: string, item: string) => r.rows.find((x) => x.agency === agencyCode && x.item === item)!.required;
    // County: ceil(23 / 4) = 6 vehicles (5 under 2020), ceil(23 / 3) = 8 kits, 3 cameras, 1 fax per office × 2, 1 copier.
    expect([need('K1', 'S01'), need('K1', 'S02'), need('K1', 'S10'), need('K1', 'S21'), need('K1', 'S24')]).toEqual([6, 8, 3, 2, 1]);
    // City of 20: ceil(20 / 5) = 4 vehicles, 5 kits, 2 cameras, 1 fax; no copier quota (无); S03 is not in this edition.
    expect([need('C1', 'S01'), need('C1', 'S02'), need('C1', 'S10'), need('C1', 'S21'), need('C1', 'S24'), need('C1', 'S03')]).toEqual([4, 5, 2, 1, 0, 0]);
    const national = await call<{ rows: QuotaRow[] }>(admin, 'quotas/shortfall', { ruleSet: 'national-2020' });
    expect(national.rows.find((x) => x.agency === 'K1' && x.item === 'S01')!.required).toBe(5);
  });

  it('refuses a bad edition at the cell, naming file, sheet, row and column, and stores nothing', async () => {
    const { admin } = await ledger();
    const bad = typed('表1', [
      ...HEAD_LINES,
      HEADER,
      ['交通工具', 'S01', '执法执勤专用车', '辆', '1辆/5人', '1辆/5人', '1辆/5人'],
      ['个人移动执法设备', 'S02', '移动执法包', '套', '1/4人', '1/4人', '1/4人'],
      ['个人移动执法设备', 'S03', '移动执法终端', '台', '1/人', '1/人', '1/人'],
      ['个人移动执法设备', 'S04', '现场执法记录仪', '套', '1/人', '1/人', '1/人'],
      ['现场执法辅助设备', 'S06', '测距仪', '部', '2/机构', '2/机构', '两辆/5人'],
      ['现场执法辅助设备', '噪声01', '噪声监测仪', '台', '1/机构', '1/机构', '1/机构'],
      ['现场执法辅助设备', 'S03', '移动执法终端', '台', '1/人', '1/人', '1/人'],
      ['现场执法辅助设备', 'S07', '流量计', '部', 2, '2/机构', '3/机构'],
      ['现场执法辅助设备', 'S08', '采样设备', '套', '1台/机构', '2/机构', '3/机构'],
      ['现场执法辅助设备', 'O06', '小型无人机', '架', '', '', '1/机构'],
    ]);
    const problems = await refused(admin, 'ruleSets/import', upload('2024版.xlsx', bad, 'national-2024'));
    const at = (p: Problem) => `${p.sheet}!${p.column}${p.row}`;
    expect(problems.map(at)).toEqual(['表1!G11', '表1!B12', '表1!B13', '表1!E14', '表1!E15', '表1!G16']);
    expect(problems.every((p) => p.file === '2024版.xlsx')).toBe(true);
    expect(formatProblem(problems[0])).toBe(
      '文件「2024版.xlsx」 工作表「表1」 第 11 行 G 列(县级):「两辆/5人」不是配备数量;应写作如「1辆/5人」「1/人」「2/机构」「≥1/机构」「1/办公室」,该级选配写「选配」,不配请留空');
    expect(problems[1].message).toMatch(/「噪声01」不在装备目录中;新增品目的代码应以字母开头/);
    expect(problems[2].message).toBe('品目代码「S03」与第 9 行重复');
    expect(problems[3].message).toContain('只有数量,没有写明按人数、按机构还是按办公室配备');
    expect(problems[4].message).toBe('「1台/机构」的单位「台」与该品目的计量单位「套」不符');
    expect(problems[5].message).toContain('是选配品目');
    expect(await count(admin, 'rule_sets')).toBe(2);

    const noSource = typed('表1', [['标准名称', 'x'], HEADER, ['交通工具', 'S01', '执法执勤专用车', '辆', '1辆/5人', '', '']]);
    const [p] = await refused(admin, 'ruleSets/import', upload('无文号.xlsx', noSource, 'x'));
    expect(p).toMatchObject({ file: '无文号.xlsx', sheet: '表1', field: '发布文件' });
    const noTable = typed('Sheet1', [['装备代码', '单价']]);
    expect((await refused(admin, 'ruleSets/import', upload('价格.xlsx', noTable, 'x')))[0].message).toContain('找不到表头行');
    const notAWorkbook = await refused(admin, 'ruleSets/import', upload('x.xlsx', Buffer.from('not a spreadsheet'), 'x'));
    expect(notAWorkbook[0].file).toBe('x.xlsx');
    const badDate = typed('表1', [['发布文件', 'x'], ['施行日期', '2024年13月1日'], HEADER, ['交通工具', 'S01', '车', '辆', '1辆/5人', '', '']]);
    expect((await refused(admin, 'ruleSets/import', upload('d.xlsx', badDate, 'x')))[0]).toMatchObject({ row: 2, column: 'B', field: '施行日期' });
  });

  it('keeps the shipped editions read-only and replaces an imported one only when asked', async () => {
    const { admin } = await ledger();
    for (const id of ['national-2020', 'zhejiang-2022']) {
      const [p] = await refused(admin, 'ruleSets/import', upload('2024版.xlsx', EDITION_2024, id, { replace: true }));
      expect(p).toMatchObject({ field: 'id', message: expect.stringContaining('随软件提供的配备标准,不能替换') });
    }
    await call(admin, 'ruleSets/import', upload('2024版.xlsx', EDITION_2024, 'p-2024'));
    const [taken] = await refused(admin, 'ruleSets/import', upload('2024版.xlsx', EDITION_2024, 'p-2024', { name: '另一版' }));
    expect(taken.message).toContain('已存在');
    const smaller = typed('表1', [['发布文件', '浙环〔2025〕1号'], HEADER, ['交通工具', 'S01', '车', '辆', '1辆/3人', '1辆/3人', '1辆/3人']]);
    expect(await call(admin, 'ruleSets/import', upload('2025.xlsx', smaller, 'p-2024', { name: '浙江 2025', replace: true })))
      .toEqual({ id: 'p-2024', name: '浙江 2025', rules: 3, items: 0, replaced: true });
    expect(await rulesOf(admin, 'p-2024')).toEqual(['city', 'county', 'province'].map((level) => ({ item: 'S01', level, basis: 'per_staff', quantity: 1, per: 3, atLeast: 0, optional: 0, service: 0 })));
    const [unnamed] = await refused(admin, 'ruleSets/import', upload('2025.xlsx', smaller, 'p-2025'));
    expect(unnamed).toMatchObject({ field: 'name' });
    expect((await refused(admin, 'ruleSets/import', upload('2025.xlsx', smaller, '中文编号', { name: 'x' })))[0].message).toContain('编号应为');
  });

  it('refuses a county manager the import, which every agency shares, and lets it read and export the editions', async () => {
    const { l } = await ledger();
    const countyManager = await asUser(l, 'mgrK1', 'manager', 'K1');
    const [p] = await refused(countyManager, 'ruleSets/import', upload('2024版.xlsx', EDITION_2024, 'national-2024'));
    expect(p).toMatchObject({ code: 'forbidden', message: expect.stringContaining('全台账') });
    expect((await call<{ id: string }[]>(countyManager, 'ruleSets/list', {})).map((s) => s.id)).toEqual(['national-2020', 'zhejiang-2022']);
    expect((await call<FileOut>(countyManager, 'ruleSets/export', { id: 'zhejiang-2022', format: 'csv' })).fileName).toBe('配备标准-zhejiang-2022.csv');
    const viewer = await asUser(l, 'viewer', 'readonly', null);
    expect((await refused(viewer, 'ruleSets/import', upload('2024版.xlsx', EDITION_2024, 'national-2024')))[0].code).toBe('forbidden');
    expect((await refused(viewer, 'ruleSets/export', { id: 'none' }))[0].message).toBe('未知的配备标准「none」');
    const head = await asUser(l, 'head', 'head', null);
    expect(await call(head, 'ruleSets/import', upload('2024版.xlsx', EDITION_2024, 'national-2024'))).toMatchObject({ rules: 13 });
  });

  it('compares 2024 with 2020 on the same holdings: the county needs a 6th vehicle and 2 more kits, and what buying them costs', async () => {
    // K1 (23 staff, 2 offices) holds 5 vehicles and 6 kits: it meets 2020 (5 vehicles, ceil(23/4) = 6 kits) in both.
    const l = await seededLedger(templateBuffer([CITY, COUNTY], [...units(5, { agencyCode: 'K1', itemCode: 'S01' }), ...units(6, { agencyCode: 'K1', itemCode: 'S02' })]), clock);
    const admin = as(l);
    await call(admin, 'ruleSets/import', upload('2024版.xlsx', EDITION_2024, 'national-2024'));
    const head = await asUser(l, 'head', 'head', null);
    const terms = await call<{ item: string; unitPriceFen: number }[]>(head, 'budget/terms', {});
    const priced = (item: string, unitPriceFen: number) => ({ ...terms.find((t) => t.item === item)!, unitPriceFen });
    await call(head, 'budget/saveTerms', { terms: [priced('S01', 25_000_000), priced('S02', 1_200_000)] });

    const r = await call<EditionComparisonResult>(head, 'quotas/compare', { base: 'national-2020', other: 'national-2024' });
    expect([r.base.id, r.other.name]).toEqual(['national-2020', '2024 年版配备标准(试行录入)']);
    const change = (agencyCode: string, item: string) => r.changes.find((c) => c.agency === agencyCode && c.item === item);
    // 2024: ceil(23/4) = 6 vehicles, ceil(23/3) = 8 kits; one vehicle (250,000 元) and two kits (12,000 元 each) more to buy.
    expect(change('K1', 'S01')).toEqual({ agency: 'K1', item: 'S01', held: 5, requiredBase: 5, requiredOther: 6, shortfallBase: 0, shortfallOther: 1, budgetChangeFen: 25_000_000 });
    expect(change('K1', 'S02')).toMatchObject({ held: 6, requiredBase: 6, requiredOther: 8, shortfallBase: 0, shortfallOther: 2, budgetChangeFen: 2_400_000 });
    // The city of 20 needs 4 vehicles under both: no change listed.
    expect(change('C1', 'S01')).toBeUndefined();
    const k1 = r.agencies.find((a) => a.agency === 'K1')!;
    expect(k1.shortfallOther - k1.shortfallBase).toBe(r.changes.filter((c) => c.agency === 'K1').reduce((n, c) => n + c.shortfallOther - c.shortfallBase, 0));
    expect(r.totals.budgetChangeFen).toBe(r.changes.reduce((n, c) => n + c.budgetChangeFen, 0));
    expect(r.totals.changedAgencies).toBe(2);

    // A county manager compares within its county only; the same figures for it.
    const countyManager = await asUser(l, 'mgrK1', 'manager', 'K1');
    const own = await call<EditionComparisonResult>(countyManager, 'quotas/compare', { base: 'national-2020', other: 'national-2024' });
    expect(new Set(own.changes.map((c) => c.agency))).toEqual(new Set(['K1']));
    expect(own.changes).toEqual(r.changes.filter((c) => c.agency === 'K1'));
    expect((await refused(countyManager, 'quotas/compare', { base: 'national-2020', other: 'national-2024', agency: 'C1' }))[0]).toMatchObject({ field: 'agency', message: expect.stringContaining('C1') });
    expect((await refused(head, 'quotas/compare', { base: 'national-2020', other: 'national-2020' }))[0]).toMatchObject({ field: 'other', message: '请选择另一个配备标准进行对比' });
    expect((await refused(head, 'quotas/compare', { base: 'national-2020', other: 'none' }))[0].message).toBe('未知的配备标准「none」');

    // The 差异表: the county's line with its totals, and each change.
    const file = await call<FileOut>(countyManager, 'quotas/exportCompare', { base: 'national-2020', other: 'national-2024' });
    expect(file.fileName).toMatch(/^配备标准差异表-national-2024-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = XLSX.read(Buffer.from(file.base64, 'base64'));
    expect(wb.SheetNames).toEqual(['机构汇总', '差异明细', '说明']);
    const summary = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['机构汇总'], { header: 1 });
    expect(summary.map((x) => x[0])).toEqual(['机构编码', 'K1', '合计']);
    expect(summary[1].slice(5)).toEqual([own.agencies[0].shortfallBase, own.agencies[0].shortfallOther, own.agencies[0].shortfallOther - own.agencies[0].shortfallBase, own.totals.budgetChangeFen / 100]);
    const detail = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['差异明细'], { header: 1 });
    expect(detail.find((x) => x[3] === 'S01')!.slice(6)).toEqual([5, 5, 6, 0, 1, 250_000]);
  });
});

/**
 * A 2024-style edition that adds a noise meter (a measuring instrument, with its parameters) and retires the large drone
 * S09 for a new class N09 that takes over its units.
 */
const WITH_NEW_ITEMS = typed('表1', [
  ...HEAD_LINES,
  [...HEADER, '计量器具', '技术参数', '替代品目'],
  ['交通工具', 'S01', '执法执勤专用车(含设备)', '辆', '1辆/5人', '1辆/5人', '1辆/4人'],
  ['现场执法辅助设备', 'n09', '中型无人机(最大起飞重量 25kg 以下)', '架', '1/机构', '1/机构', '2/机构', '否', '续航≥40分钟', 'S09'],
  ['现场执法辅助设备', 'N20', '噪声自动监测仪', '台', '', '1/机构', '1/机构', '是', '1级声级计,符合 GB/T 3785.1', ''],
  ['现场执法辅助设备', 'N30', '热式风速仪', '部', '', '', '', '', '', ''],
]);

describe('an edition with items of its own', () => {
  it('adds its new items to the catalog and counts a retired item\'s units under its successor, under that edition only', async () => {
    // K1 holds one large drone (S09) and one noise meter; the city none.
    const l = await seededLedger(templateBuffer([CITY, COUNTY], [asset({ agencyCode: 'K1', itemCode: 'S09' })]), clock);
    const admin = as(l);
    const head = await asUser(l, 'head', 'head', null);
    expect(await call(head, 'ruleSets/import', upload('2024版.xlsx', WITH_NEW_ITEMS, 'national-2024'))).toMatchObject({ rules: 8, items: 3 });
    const catalog = await call<{ code: string; name: string; kind: string; needsCalibration: boolean; parameters?: string | null; succeeds?: string | null; addedBy?: string | null }[]>(head, 'catalog/list', {});
    expect(catalog.find((c) => c.code === 'N09')).toMatchObject({ name: '中型无人机(最大起飞重量 25kg 以下)', kind: 'basic', needsCalibration: false, parameters: '续航≥40分钟', succeeds: 'S09', addedBy: 'national-2024' });
    expect(catalog.find((c) => c.code === 'N20')).toMatchObject({ kind: 'basic', needsCalibration: true, parameters: '1级声级计,符合 GB/T 3785.1', succeeds: null });
    // No quota: an optional item, listed for the ledger but never short.
    expect(catalog.find((c) => c.code === 'N30')).toMatchObject({ kind: 'optional', unit: '部' });
    expect(await rows(admin, sql`select action from audit_log where entity = 'catalog_item' and entity_key = 'N20'`)).toEqual([{ action: 'create' }]);

    // A unit of a new item is registered like any other.
    const manager = await asUser(l, 'mgrK1', 'manager', 'K1');
    await call(manager, 'assets/create', {
      assetTag: 'K1-NOISE-1', itemCode: 'N20', agencyCode: 'K1', model: null, serialNumber: null, purchaseDate: null, priceFen: null, fundingSource: null,
      status: 'in_service', custodian: null, location: null, plateNumber: null, odometerKm: null, calibrationValidUntil: addDays(clock.today(), 200), notes: null,
    });

    const measured = async (ruleSet: string) => (await call<{ rows: QuotaRow[] }>(head, 'quotas/shortfall', { ruleSet })).rows;
    const row = (rs: QuotaRow[], agency: string, item: string) => {
      const r = rs.find((x) => x.agency === agency && x.item === item);
      return r ? [r.required, r.held, r.shortfall] : undefined;
    };
    const y2024 = await measured('national-2024');
    // County: 2 drones of the new class required, the S09 it holds counted as one of them; 1 noise meter, held.
    expect(row(y2024, 'K1', 'N09')).toEqual([2, 1, 1]);
    // …and no longer as an S09: counted once.
    expect(row(y2024, 'K1', 'S09') ?? [0, 0, 0]).toEqual([0, 0, 0]);
    expect(y2024.filter((x) => x.agency === 'K1').reduce((n, x) => n + x.held, 0)).toBe(2);
    expect(row(y2024, 'K1', 'N20')).toEqual([1, 1, 0]);
    // City of 20: 1 drone and 1 noise meter required, none held; county vehicles 1 per 4 (ceil(23/4) = 6).
    expect(row(y2024, 'C1', 'N09')).toEqual([1, 0, 1]);
    expect(row(y2024, 'C1', 'N20')).toEqual([1, 0, 1]);
    expect(row(y2024, 'K1', 'S01')).toEqual([6, 0, 6]);
    // Under 2020 the drone is still S09, met; the new items are asked of no one.
    const y2020 = await measured('national-2020');
    expect(row(y2020, 'K1', 'S09')).toEqual([1, 1, 0]);
    expect(row(y2020, 'K1', 'N09') ?? [0, 0, 0]).toEqual([0, 0, 0]);
    expect(row(y2020, 'K1', 'N20') ?? [0, 1, 0]).toEqual([0, 1, 0]);

    // Out and back in under another id: the same rules, the items already in the catalog.
    const file = await call<FileOut>(head, 'ruleSets/export', { id: 'national-2024' });
    const aoa = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(Buffer.from(file.base64, 'base64')).Sheets['配备标准'], { header: 1 });
    expect(aoa.find((r) => r[1] === 'N09')).toEqual(['现场执法辅助设备', 'N09', '中型无人机(最大起飞重量 25kg 以下)', '架', '1/机构', '1/机构', '2/机构', '否', '续航≥40分钟', 'S09']);
    expect(aoa.find((r) => r[1] === 'N30')).toEqual(['现场执法辅助设备', 'N30', '热式风速仪', '部', undefined, undefined, undefined, '否']);
    expect(await call(head, 'ruleSets/import', upload(file.fileName, Buffer.from(file.base64, 'base64'), 'copy-2024', { name: '副本' }))).toMatchObject({ rules: 8, items: 0 });
    expect(await rulesOf(admin, 'copy-2024')).toEqual(await rulesOf(admin, 'national-2024'));
    expect(await measured('copy-2024')).toEqual(y2024);

    // The edition replaced with a corrected name: the item it added changes; the catalog's own never does.
    const fixed = typed('表1', [['发布文件', '环办执法〔2024〕27号'], [...HEADER, '替代品目'],
      ['现场执法辅助设备', 'N09', '中型无人机', '架', '1/机构', '1/机构', '2/机构', 'S09']]);
    expect(await call(head, 'ruleSets/import', upload('改.xlsx', fixed, 'national-2024', { name: '2024', replace: true }))).toMatchObject({ items: 1, replaced: true });
    expect((await call<{ code: string; name: string }[]>(head, 'catalog/list', {})).find((c) => c.code === 'N09')!.name).toBe('中型无人机');
  });

  it('refuses a new item without its 类别, 名称 or 单位, one named as another, or succeeding an item the catalog lacks, at the cell', async () => {
    const { admin } = await ledger();
    const bad = typed('表1', [
      ...HEAD_LINES,
      [...HEADER, '计量器具', '替代品目'],
      ['现场执法辅助设备', 'N01', '噪声监测仪', '', '1/机构', '', '', '', ''],
      ['', 'N02', '噪声计', '台', '1/机构', '', '', '', ''],
      ['现场执法辅助设备', 'N03', '测距仪', '部', '1/机构', '', '', '', ''],
      ['现场执法辅助设备', 'N04', '声级计', '台', '1/机构', '', '', '也许', 'S99'],
      ['现场执法辅助设备', 'S01', '执法车', '辆', '1辆/5人', '', '', '', 'S09'],
      ['现场执法辅助设备', 'N05', '声级计二', '台', '1/机构', '', '', '', 'N05'],
      ['现场执法辅助设备', 'N06', '噪声频谱分析仪', '台', '1/机构', '', '', '', ''],
      ['现场执法辅助设备', 'N07', '噪声频谱分析仪', '台', '1/机构', '', '', '', ''],
    ]);
    const problems = await refused(admin, 'ruleSets/import', upload('2024版.xlsx', bad, 'national-2024'));
    expect(problems.map((p) => `${p.column}${p.row} ${p.message}`)).toEqual([
      'D7 必填,不能为空',
      'A8 必填,不能为空',
      'C9 新增品目「N03」的名称与「S06 测距仪」相同;同一名称只能对应一个品目',
      'H10 「也许」不是有效取值(应为 是/否)',
      'I10 「S99」不是目录中已有的其他品目;替代品目应填写被本品目取代的原品目代码(如 S09),或留空',
      'I11 「S01 执法执勤专用车(含设备)」是目录中已有的品目;只有本标准新增的品目可以填写或改变替代品目',
      'I12 「N05」不是目录中已有的其他品目;替代品目应填写被本品目取代的原品目代码(如 S09),或留空',
      'C14 新增品目「N07」的名称与「N06 噪声频谱分析仪」相同;同一名称只能对应一个品目',
    ]);
    expect(await count(admin, 'catalog_items')).toBe(56);
    expect(await count(admin, 'rule_sets')).toBe(2);
  });
});

describe('an edition entered in the editor', () => {
  type Table = { id: string; name: string; source: string; effectiveDate: string | null; basedOn: string | null; columns: string[]; rows: (string | null)[][]; shipped: boolean };
  const draft = (t: Table, over: object = {}) => ({ id: 'province-2025', name: '省 2025 年版', source: t.source, effectiveDate: '2025-01-01', basedOn: 'national-2020', rows: t.rows, ...over });
  const col = (t: Table, name: string) => t.columns.indexOf(name);

  it('a bureau head copies 2020, changes the county vehicle ratio, adds a noise meter and saves it: the county is measured by hand', async () => {
    const { l, admin } = await ledger();
    const head = await asUser(l, 'head', 'head', null);
    const t = await call<Table>(head, 'ruleSets/table', { id: 'national-2020' });
    expect(t.shipped).toBe(true);
    expect(t.columns).toEqual([...HEADER, '计量器具', '技术参数', '替代品目', '可购买服务']);
    const rows = t.rows.map((r) => [...r]);
    rows.find((r) => r[1] === 'S01')![col(t, '县级')] = '1辆/4人';
    rows.push(['现场执法辅助设备', 'N01', '声级计', '台', '1/机构', '1/机构', '2/机构', '是', '1 级', null, null]);
    expect(await call(head, 'ruleSets/save', draft(t, { rows }))).toEqual({ id: 'province-2025', name: '省 2025 年版', rules: 87, items: 1, replaced: false });

    const measured = await call<{ rows: QuotaRow[] }>(admin, 'quotas/shortfall', { ruleSet: 'province-2025' });
    const k1 = (item: string) => measured.rows.find((r) => r.agency === 'K1' && r.item === item)!;
    // 23 staff: ceil(23 / 4) = 6 vehicles; two noise meters at county level; the city keeps 1 per 5 (20 staff: 4).
    expect([k1('S01').required, k1('N01').required]).toEqual([6, 2]);
    expect(measured.rows.find((r) => r.agency === 'C1' && r.item === 'S01')!.required).toBe(4);
    // Read back, it is the table that was saved.
    const back = await call<Table>(head, 'ruleSets/table', { id: 'province-2025' });
    expect(back).toMatchObject({ shipped: false, name: '省 2025 年版', effectiveDate: '2025-01-01', basedOn: 'national-2020' });
    expect(back.rows).toEqual(rows.map((r) => r.map((v) => (v === '' ? null : v))));
    // Saved again unchanged, with replace: the same rules.
    const before = await rulesOf(admin, 'province-2025');
    expect(await call(head, 'ruleSets/save', draft(back, { replace: true }))).toMatchObject({ replaced: true, items: 1 });
    expect(await rulesOf(admin, 'province-2025')).toEqual(before);
  });

  it('names a bad cell by the table’s row and column, a missing heading by its field, and stores nothing; a county manager may not save', async () => {
    const { l, admin } = await ledger();
    const t = await call<Table>(admin, 'ruleSets/table', { id: 'national-2020' });
    const rows = t.rows.map((r) => [...r]);
    rows[2][col(t, '市级')] = '三台/人';
    const s07 = rows.findIndex((r) => r[1] === 'S07');
    rows[s07][col(t, '代码')] = 'S06';
    const problems = await refused(admin, 'ruleSets/save', draft(t, { rows, source: '' }));
    expect(problems.map((p) => [p.row ?? null, p.field])).toEqual([[null, '发布文件'], [3, '市级'], [s07 + 1, '代码']]);
    expect(problems.every((p) => p.sheet === undefined && p.column === undefined && p.file === undefined)).toBe(true);
    expect(formatProblem(problems[1])).toBe('第 3 行 字段「市级」:「三台/人」不是配备数量;应写作如「1辆/5人」「1/人」「2/机构」「≥1/机构」「1/办公室」,该级选配写「选配」,不配请留空');
    expect(problems[2].message).toBe(`品目代码「S06」与第 ${s07} 行重复`);
    expect(await count(admin, 'rule_sets')).toBe(2);
    expect((await refused(admin, 'ruleSets/save', draft(t, { id: 'national-2020' })))[0].message).toContain('随软件提供的配备标准,不能替换');

    const county = await asUser(l, 'mgrK1', 'manager', 'K1');
    expect((await refused(county, 'ruleSets/save', draft(t)))[0]).toMatchObject({ code: 'forbidden', message: expect.stringContaining('全台账') });
    expect((await call<Table>(county, 'ruleSets/table', { id: 'national-2020' })).rows.length).toBe(t.rows.length);
  });
});

describe('an item two editions use', () => {
  it('keeps its unit, kind and calibration while another edition counts it: its own edition cannot change them alone', async () => {
    const { admin } = await ledger();
    const t = await call<{ rows: (string | null)[][] }>(admin, 'ruleSets/table', { id: 'national-2020' });
    const n01 = (unit: string, county: string | null) => ['现场执法辅助设备', 'N01', '声级计', unit, '1/机构', '1/机构', county, '是', null, null, null];
    const save = (id: string, rows: (string | null)[][], replace = false) => ({ id, name: id, source: '文', effectiveDate: null, basedOn: null, rows, replace });
    await call(admin, 'ruleSets/save', save('p-a', [...t.rows, n01('台', '2/机构')]));
    const copy = await call<{ rows: (string | null)[][] }>(admin, 'ruleSets/table', { id: 'p-a' });
    await call(admin, 'ruleSets/save', save('p-c', copy.rows));
    const blank = n01('只', null).map((v, i) => (i >= 4 && i <= 6 ? null : v));
    const [p] = await refused(admin, 'ruleSets/save', save('p-a', [...t.rows, blank], true));
    expect(p.message).toBe('品目「N01 声级计」也用于配备标准「p-c」,不能改变其标配或选配(是否设配备数量)、计量单位;如需不同的品目,请另立代码并以「替代品目」承接');
    // Its quantities alone may change.
    expect(await call(admin, 'ruleSets/save', save('p-a', [...t.rows, n01('台', '3/机构')], true))).toMatchObject({ replaced: true });
  });
});

describe('the price of an item an edition adds', () => {
  it('is asked for: listed in the price list at 0, named in the budget and the comparison until priced, then counted', async () => {
    const { l, admin } = await ledger();
    const t = await call<{ rows: (string | null)[][] }>(admin, 'ruleSets/table', { id: 'national-2020' });
    const rows = [...t.rows, ['现场执法辅助设备', 'N01', '声级计', '台', '1/机构', '1/机构', '2/机构', '是', null, null, null]];
    await call(admin, 'ruleSets/save', { id: 'p-2025', name: '省 2025', source: '文', effectiveDate: null, basedOn: null, rows });
    const terms = await call<{ item: string; unitPriceFen: number; priceNote: string }[]>(admin, 'budget/terms', {});
    expect(terms.find((x) => x.item === 'N01')).toMatchObject({ unitPriceFen: 0, priceNote: '配备标准新增品目,尚未定价' });
    const year = Number(clock.today().slice(0, 4));
    const before = await call<{ unpriced: { item: string }[]; rows: { agency: string; item: string; amountFen: number }[] }>(admin, 'budget/request', { year, ruleSet: 'p-2025' });
    expect(before.unpriced).toEqual([{ item: 'N01', name: '声级计' }]);
    const compared = await call<EditionComparisonResult>(admin, 'quotas/compare', { base: 'national-2020', other: 'p-2025' });
    expect(compared.unpriced).toEqual([{ item: 'N01', name: '声级计' }]);

    await call(admin, 'budget/saveTerms', { terms: [{ ...terms.find((x) => x.item === 'N01')!, unitPriceFen: 800_000, priceNote: null }] });
    const after = await call<typeof before>(admin, 'budget/request', { year, ruleSet: 'p-2025' });
    expect(after.unpriced).toEqual([]);
    expect(after.rows.find((r) => r.agency === 'K1' && r.item === 'N01')!.amountFen).toBe(1_600_000);

    // A ledger whose edition added an item before items got terms on adding gets them when it is next opened.
    await l.store.write((tx) => tx.run(sql`delete from item_terms where item_code = 'N01'`));
    await l.store.write((tx) => seedReferenceData(tx, clock.now()));
    expect((await call<typeof terms>(admin, 'budget/terms', {})).find((x) => x.item === 'N01')).toMatchObject({ unitPriceFen: 0 });
  });
});
