import { execFileSync } from 'node:child_process';
import { seedUser } from '../fixtures/db';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as XLSX from 'xlsx';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi';
import { agency, asset, templateBuffer, tempDir, units, xlsx } from '../fixtures/factories';
import { testClock } from '../fixtures/context';
import { rewritten, textBytes } from '../fixtures/formats';
import { openDatabase } from '../../db/open';
import { actorNow } from '../../db/queries/audit';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';
import { BIN, eql } from '../fixtures/serve';


function json(...args: string[]) {
  return JSON.parse(execFileSync(process.execPath, [BIN, ...args, '--json'], { encoding: 'utf8' }));
}

const CITY = agency({ code: '220100', level: 'city', staff: 20 });
const COUNTY = agency({ code: '220102', level: 'county', parentCode: '220100', staff: 23 });

function ledgerWith(dir: string, assets = [] as ReturnType<typeof asset>[]): string {
  const db = join(dir, 'l.db');
  expect(eql('init', '--db', db).code).toBe(0);
  const file = join(dir, 'in.xlsx');
  writeFileSync(file, templateBuffer([CITY, COUNTY], assets));
  const r = eql('import', file, '--db', db);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return db;
}

describe('eql', { timeout: 120_000 }, () => {
  it('init creates a database file that shortfall can read', () => {
    const dir = tempDir();
    const db = join(dir, 'new.db');
    const r = eql('init', '--db', db);
    expect(r.code).toBe(0);
    expect(json('shortfall', '--db', db)).toEqual({ ruleSet: 'national-2020', date: expect.any(String), rows: [] });
  });

  it('prints one row per agency and catalog item in the documented shape', () => {
    const dir = tempDir();
    const db = ledgerWith(dir, [...units(3, { itemCode: 'S01', agencyCode: '220102' }), asset({ itemCode: 'S01', agencyCode: '220102', status: 'under_repair' })]);
    const out = json('shortfall', '--db', db, '--date', '2026-01-01');
    expect(out.ruleSet).toBe('national-2020');
    expect(out.rows).toHaveLength(2 * 56);
    expect(out.rows.find((r: { agency: string; item: string }) => r.agency === '220102' && r.item === 'S01')).toEqual({
      agency: '220102', item: 'S01', required: 5, held: 4, usable: 3, shortfall: 1, surplus: 0, contracted: 0,
    });
  });

  it('prints book values in the documented shape: a vehicle bought mid-month, a fully depreciated instrument, one without a price left out', () => {
    const dir = tempDir();
    const db = ledgerWith(dir, [
      asset({ assetTag: 'V-1', itemCode: 'S01', agencyCode: '220102', priceFen: 24_000_000, purchaseDate: '2024-03-15' }),
      asset({ assetTag: 'M-1', itemCode: 'S15', agencyCode: '220102', priceFen: 500_000, purchaseDate: '2019-01-10' }),
      asset({ assetTag: 'C-1', itemCode: 'S22', agencyCode: '220100', priceFen: 720_000, purchaseDate: '2026-06-18' }),
      asset({ assetTag: 'X-1', itemCode: 'S22', agencyCode: '220102', priceFen: null }),
    ]);
    expect(json('book-value', '--db', db, '--agency', '220102', '--date', '2026-11-20')).toEqual({
      date: '2026-11-20',
      rows: [
        { tag: 'M-1', item: 'S15', priceFen: 500_000, months: 60, depreciationFen: 500_000, bookValueFen: 0 },
        { tag: 'V-1', item: 'S01', priceFen: 24_000_000, months: 33, depreciationFen: 8_250_000, bookValueFen: 15_750_000 },
      ],
      totalBookValueFen: 15_750_000,
    });
    // The city's own computer, bought in June: 6 months of 72 by November.
    expect(json('book-value', '--db', db, '--date', '2026-11-20').rows.find((r: { tag: string }) => r.tag === 'C-1')).toMatchObject({ months: 6, bookValueFen: 660_000 });
    const table = eql('book-value', '--db', db, '--agency', '220102', '--date', '2026-11-20');
    expect(table.out).toContain('账面价值合计 157,500.00 元;另有 1 件缺少原值或购置日期,未计入');
    expect(eql('book-value', '--db', db, '--date', '2026-02-30').err).toContain('--date 应为 YYYY-MM-DD');
  });

  it('filters to one agency, rolls up its subtree, and switches rule sets', () => {
    const dir = tempDir();
    const db = ledgerWith(dir, units(2, { itemCode: 'S10', agencyCode: '220102' }));
    const own = json('shortfall', '--db', db, '--agency', '220100');
    expect(new Set(own.rows.map((r: { agency: string }) => r.agency))).toEqual(new Set(['220100']));
    const s10 = (o: { rows: { item: string }[] }) => o.rows.find((r) => r.item === 'S10');
    expect(s10(own)).toMatchObject({ required: 2, held: 0, shortfall: 2 });
    expect(s10(json('shortfall', '--db', db, '--agency', '220100', '--rollup'))).toMatchObject({ required: 4, held: 2, shortfall: 2 });
    expect(s10(json('shortfall', '--db', db, '--agency', '220102', '--rules', 'zhejiang-2022'))).toMatchObject({ required: 3, held: 2, shortfall: 1 });
  });

  it('rejects a bad workbook with exit code 1 and the problems on stderr, storing nothing', () => {
    const dir = tempDir();
    const db = ledgerWith(dir);
    const bad = join(dir, 'bad.xlsx');
    writeFileSync(bad, templateBuffer([agency({ code: '220103', parentCode: '229999' })], [asset({ assetTag: 'Q1', itemCode: 'S01', agencyCode: '220103' })]));
    const r = eql('import', bad, '--db', db);
    expect(r.code).toBe(1);
    expect(r.err).toContain('文件「bad.xlsx」 工作表「机构」 第 2 行 D 列(上级机构编码):上级机构「229999」在文件和台账中都不存在');
    expect(json('shortfall', '--db', db).rows.some((row: { agency: string }) => row.agency === '220103')).toBe(false);
  });

  it('explains a missing file, an unknown rule set, a bad date and an unknown command', () => {
    const dir = tempDir();
    const db = ledgerWith(dir);
    expect(eql('import', join(dir, 'nope.xlsx'), '--db', db)).toMatchObject({ code: 1, err: expect.stringContaining('无法读取文件') });
    expect(eql('shortfall', '--db', db, '--rules', 'mars-2099')).toMatchObject({ code: 1, err: expect.stringContaining('mars-2099') });
    expect(eql('shortfall', '--db', db, '--date', '2026-02-30')).toMatchObject({ code: 1, err: expect.stringContaining('2026-02-30') });
    expect(eql('shortfall', '--db', db, '--agency', '000000')).toMatchObject({ code: 1, err: expect.stringContaining('000000') });
    expect(eql('shortfall', '--db', join(dir, 'missing.db'))).toMatchObject({ code: 1, err: expect.stringContaining('不存在') });
    expect(eql('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('未知命令') });
    expect(eql('shortfall')).toMatchObject({ code: 2, err: expect.stringContaining('--db') });
  });

  it('demo fills an empty ledger with a province of about 113 agencies and 50,000 assets, once', () => {
    const dir = tempDir();
    const db = join(dir, 'demo.db');
    const r = eql('demo', '--db', db);
    expect(r.code).toBe(0);
    const [, agencies, assets] = /(\d+) 个机构,(\d+) 件装备/.exec(r.out)!.map(Number);
    expect(agencies).toBe(113);
    expect(assets).toBeGreaterThan(48_000);
    expect(assets).toBeLessThan(52_000);
    const rolled = json('shortfall', '--db', db, '--agency', '990000', '--rollup');
    const total = rolled.rows.reduce((s: number, row: { shortfall: number }) => s + row.shortfall, 0);
    expect(total).toBeGreaterThan(0);
    expect(eql('demo', '--db', db)).toMatchObject({ code: 1, err: expect.stringContaining('已有') });
  });

  it('plans tasks from a JSON file into the documented JSON, and approves the stored plan', () => {
    const dir = tempDir();
    const db = join(dir, 'l.db');
    expect(eql('init', '--db', db).code).toBe(0);
    const book = join(dir, 'in.xlsx');
    writeFileSync(book, templateBuffer(
      [agency({ code: 'P', level: 'province', staff: 0, latitude: 30, longitude: 120 }), agency({ code: 'K', parentCode: 'P', staff: 0, latitude: 30.1, longitude: 120 })],
      [...units(2, { itemCode: 'S09', agencyCode: 'K' }), ...units(3, { itemCode: 'S15', agencyCode: 'P', calibrationValidUntil: '2027-01-01' })],
    ));
    expect(eql('import', book, '--db', db).code).toBe(0);
    const tasks = join(dir, 'tasks.json');
    writeFileSync(tasks, JSON.stringify([{ id: 'T1', lead: 'P', start: '2026-12-01', end: '2026-12-05', priority: 3, demand: { S09: 3, S15: 1 } }]));
    const out = json('dispatch', 'plan', '--db', db, '--tasks', tasks, '--reserve', '0.5');
    expect(out).toEqual({
      plan: 'DD-' + out.plan.slice(3), status: 'optimal', objective: expect.any(Number),
      assignments: [
        { task: 'T1', asset: expect.any(String), from: 'K', item: 'S09', km: 11.1 },
        { task: 'T1', asset: expect.any(String), from: 'P', item: 'S15', km: 0 },
      ],
      unmet: [{ task: 'T1', item: 'S09', quantity: 2, reason: 'reserve', detail: expect.any(String) }],
    });
    expect(out.objective).toBeCloseTo(11.1 + 2 * 3 * 100_000, 0);
    const approved = eql('dispatch', 'approve', '--db', db, '--plan', out.plan, '--ref', '环执调〔2026〕1号');
    expect(approved.code).toBe(0);
    expect(approved.out).toContain('已批准');
    expect(eql('dispatch', 'approve', '--db', db, '--plan', out.plan)).toMatchObject({ code: 1, err: expect.stringContaining('已批准') });
  });

  it('names the file, the task and the field of a bad tasks file', () => {
    const dir = tempDir();
    const db = ledgerWith(dir);
    const tasks = join(dir, 'bad.json');
    writeFileSync(tasks, JSON.stringify([{ id: 'T1', lead: '220100', start: '2026-12-01', end: '2026-12-05', demand: { S09: 0 } }]));
    const r = eql('dispatch', 'plan', '--db', db, '--tasks', tasks);
    expect(r.code).toBe(1);
    expect(r.err).toContain('文件「bad.json」');
    expect(r.err).toContain('第 1 个任务 demand.S09');
    writeFileSync(tasks, '[{"id": "T1",');
    expect(eql('dispatch', 'plan', '--db', db, '--tasks', tasks).err).toContain('不是有效的 JSON');
  });

  it('imports an agency\'s own ledger with the wizard\'s mapping, and writes the rows it left out', () => {
    const dir = tempDir();
    const db = ledgerWith(dir);
    const file = join(dir, '朝阳台账.xlsx');
    writeFileSync(file, xlsx([{ name: 'Sheet1', rows: [
      ['朝阳区执法装备台账'],
      ['资产编码', '设备名称', '购买日期', '金额(元)', '使用状态'],
      ['CY-1', '公务用车', '2019.05', '¥128,000', '正常'],
      ['CY-2', '执法记录仪', '2019年5月', '３５００', '使用中'],
      ['CY-3', '执法记录仪', '下个月', '100', '在用'],
    ] }]));
    const mapping = join(dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ defaultAgency: '220102', items: { 公务用车: 'S01' } }));
    const all = eql('import', file, '--db', db, '--mapping', mapping);
    expect(all.code).toBe(1);
    expect(all.err).toContain('第 5 行 C 列(购置日期)');
    const valid = eql('import', file, '--db', db, '--mapping', mapping, '--valid-only', '--errors', join(dir, 'errors.xlsx'));
    expect(valid.code).toBe(0);
    expect(valid.out).toContain('装备 新增 2');
    expect(valid.out).toContain('1 行未导入');
    expect(existsSync(join(dir, 'errors.xlsx'))).toBe(true);
    const ledger = join(dir, 'ledger.xlsx');
    expect(eql('export', 'ledger', '--db', db, '--out', ledger).code).toBe(0);
    const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(XLSX.read(readFileSync(ledger)).Sheets['装备台账']);
    expect(rows.map((r) => [r['资产编号'], r['装备代码'], r['所属机构编码'], r['购置金额(元)']])).toEqual([['CY-1', 'S01', '220102', 128_000], ['CY-2', 'S04', '220102', 3_500]]);
  });

  it('imports a GBK CSV and an .xls, and asks for the encoding of text it cannot be sure of', () => {
    const dir = tempDir();
    const db = ledgerWith(dir);
    const mapping = join(dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ defaultAgency: '220102' }));
    const csv = join(dir, '朝阳台账.csv');
    writeFileSync(csv, textBytes('资产编码,设备名称,购买日期,金额(元),使用状态\r\nCY-1,执法记录仪,2019年5月,"3,500",使用中\r\n', { encoding: 'gbk' }));
    const r = eql('import', csv, '--db', db, '--mapping', mapping);
    expect(r.err).toBe('');
    expect(r.out).toContain('装备 新增 1');
    const xls = join(dir, '旧台账.xls');
    writeFileSync(xls, rewritten(xlsx([{ name: 'Sheet1', rows: [['资产编码', '设备名称', '使用状态'], ['CY-2', '执法记录仪', '在用']] }]), 'biff8'));
    expect(eql('import', xls, '--db', db, '--mapping', mapping).out).toContain('装备 新增 1');
    // UTF-16 without its byte-order mark: read, but not imported on a guess.
    const bare = join(dir, '无标记.txt');
    writeFileSync(bare, textBytes('资产编码\t设备名称\t使用状态\nCY-3\t执法记录仪\t在用\n', { encoding: 'utf-16le' }));
    const unsure = eql('import', bare, '--db', db, '--mapping', mapping);
    expect(unsure.code).toBe(1);
    expect(unsure.err).toContain('编码无法确定');
    expect(eql('import', bare, '--db', db, '--mapping', mapping, '--encoding', 'latin1').err).toContain('--encoding 应为 utf-8、gb18030');
    expect(eql('import', bare, '--db', db, '--mapping', mapping, '--encoding', 'utf-16le').out).toContain('装备 新增 1');
  });

  it('names the mapping file and field that are wrong', () => {
    const dir = tempDir();
    const db = ledgerWith(dir);
    const mapping = join(dir, 'm.json');
    writeFileSync(mapping, JSON.stringify({ items: { 公务用车: '小车' } }));
    const file = join(dir, 'x.xlsx');
    writeFileSync(file, xlsx([{ name: 'S', rows: [['资产编号', '名称', '单位'], ['X', '公务用车', '220102']] }]));
    const r = eql('import', file, '--db', db, '--mapping', mapping);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`文件「${mapping}」 字段「items.公务用车」:装备代码应为`);
    // Written as a code, but one the catalog lacks.
    writeFileSync(mapping, JSON.stringify({ items: { 公务用车: 'car' } }));
    const unknown = eql('import', file, '--db', db, '--mapping', mapping);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('CAR');
    writeFileSync(mapping, '{ items: ');
    expect(eql('import', file, '--db', db, '--mapping', mapping).err).toContain('不是有效的 JSON');
  });

  it('exports compliance, the blank template and the logs', () => {
    const dir = tempDir();
    const db = ledgerWith(dir, units(2, { itemCode: 'S01', agencyCode: '220102' }));
    for (const what of ['compliance', 'template', 'maintenance', 'calibrations']) {
      const out = join(dir, `${what}.xlsx`);
      const r = eql('export', what, '--db', db, '--out', out);
      expect(r.err).toBe('');
      expect(XLSX.read(readFileSync(out)).SheetNames.length).toBeGreaterThan(0);
    }
    const wb = XLSX.read(readFileSync(join(dir, 'compliance.xlsx')));
    const s01 = XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets['本级明细']).find((r) => r['机构编码'] === '220102' && r['装备代码'] === 'S01');
    expect(s01).toMatchObject({ 应配: 5, 在册: 2, 缺额: 3 });
    expect(eql('export', 'budget', '--db', db, '--out', join(dir, 'x.xlsx')).code).toBe(2);
  });

  it('exports CSV when --out ends .csv, a .zip of CSVs for a report of several sheets, and says which to use', () => {
    const dir = tempDir();
    const db = ledgerWith(dir, [asset({ assetTag: '007', itemCode: 'S01', agencyCode: '220102', priceFen: 12_800_050 })]);
    const csv = join(dir, '台账.csv');
    expect(eql('export', 'ledger', '--db', db, '--out', csv)).toMatchObject({ code: 0, err: '' });
    const text = readFileSync(csv);
    expect([...text.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.toString('utf8').split('\r\n')[1]).toMatch(/^"=""007""",S01,.*,128000\.50,/);
    const wrong = eql('export', 'compliance', '--db', db, '--out', join(dir, '达标.csv'));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('有多个工作表,CSV 导出为每表一个 .csv 的 .zip;请用 --out 文件.zip');
    expect(existsSync(join(dir, '达标.csv'))).toBe(false);
    const zip = join(dir, '达标.zip');
    expect(eql('export', 'compliance', '--db', db, '--out', zip).code).toBe(0);
    expect(readFileSync(zip).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('budget prints the documented JSON in integer fen, rolls up, and writes the 预算申请表', () => {
    const dir = tempDir();
    const year = Number(testClock().today().slice(0, 4)); // the year in the zone the eql process dates by
    const db = ledgerWith(dir, units(2, { itemCode: 'S01', agencyCode: '220102', purchaseDate: `${year - 1}-03-01` }));
    const out = json('budget', '--db', db, '--year', String(year));
    expect(Object.keys(out)).toEqual(['year', 'rows', 'totalFen']);
    expect(out.year).toBe(year);
    const s01 = out.rows.filter((r: { item: string }) => r.item === 'S01');
    expect(s01).toEqual([
      { agency: '220100', item: 'S01', shortfall: 4, replace: 0, quantity: 4, unitPriceFen: 25_000_000, amountFen: 100_000_000 },
      { agency: '220102', item: 'S01', shortfall: 3, replace: 0, quantity: 3, unitPriceFen: 25_000_000, amountFen: 75_000_000 },
    ]);
    expect(out.totalFen).toBe(out.rows.reduce((s: number, r: { amountFen: number }) => s + r.amountFen, 0));
    const rolled = json('budget', '--db', db, '--year', String(year), '--agency', '220100', '--rollup');
    expect(rolled.rows.find((r: { item: string }) => r.item === 'S01')).toMatchObject({ agency: '220100', shortfall: 7, amountFen: 175_000_000 });
    expect(rolled.totalFen).toBe(out.totalFen);
    const file = join(dir, 'budget.xlsx');
    expect(eql('budget', '--db', db, '--year', String(year), '--out', file).code).toBe(0);
    expect(XLSX.read(readFileSync(file)).SheetNames[0]).toBe('预算申请表');
    expect(eql('budget', '--db', db).code).toBe(2);
    expect(eql('budget', '--db', db, '--year', '26').code).toBe(2);
    expect(eql('budget', '--db', db, '--year', String(year - 1)).err).toContain('早于今年');
  });

  it('score prints the documented JSON: each item’s points, max and why, and whether the agency passes', () => {
    const dir = tempDir();
    const db = ledgerWith(dir, units(5, { itemCode: 'S01', agencyCode: '220102', custodian: '张三' }));
    const out = json('score', '--db', db, '--agency', '220102');
    expect(Object.keys(out)).toEqual(['agency', 'total', 'items', 'passed']);
    expect(out.agency).toBe('220102');
    expect(out.items.map((i: { no: number }) => i.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(out.items[3]).toEqual({ no: 4, points: 10, max: 10, why: expect.stringContaining('达标') });
    expect(out.total).toBe(out.items.reduce((s: number, i: { points: number }) => s + i.points, 0));
    expect(out.passed).toBe(false);
    expect(eql('score', '--db', db).code).toBe(2);
    expect(eql('score', '--db', db, '--agency', 'NOPE').err).toContain('NOPE');
  });

  it('openapi prints the document the server serves, with no ledger needed', () => {
    const r = eql('openapi');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(JSON.parse(r.out)).toEqual(openApiDocument());
  });

  it('acts as the account --user names once the ledger has users, and refuses what the dispatcher refuses', async () => {
    const dir = tempDir();
    const db = ledgerWith(dir, units(2, { itemCode: 'S10', agencyCode: '220102' }));
    const { db: open } = openDatabase(db);
    const who = actorNow('seed', testClock());
    await seedUser(open, who, { username: 'admin', displayName: '管理员', role: 'admin', agencyCode: null }, 'not-a-real-hash');
    await seedUser(open, who, { username: 'county', displayName: '县局装备管理员', role: 'manager', agencyCode: '220102' }, 'not-a-real-hash');
    open.$client.close();

    expect(eql('shortfall', '--db', db)).toMatchObject({ code: 1, err: expect.stringContaining('请用 --user 指定') });
    expect(eql('shortfall', '--db', db, '--user', 'nobody')).toMatchObject({ code: 1, err: expect.stringContaining('没有账号「nobody」') });
    // A county account reads its own subtree, and nothing above it.
    expect(new Set(json('shortfall', '--db', db, '--user', 'county').rows.map((r: { agency: string }) => r.agency))).toEqual(new Set(['220102']));
    expect(eql('shortfall', '--db', db, '--user', 'county', '--agency', '220100')).toMatchObject({ code: 1, err: expect.stringContaining('机构「220100」不在您的管辖范围内') });
    expect(eql('demo', '--db', db, '--user', 'county')).toMatchObject({ code: 1, err: expect.stringContaining('当前角色(装备管理员)无权执行此操作') });
    // The schema's check, with the field it names.
    expect(eql('score', '--db', db, '--user', 'admin', '--agency', '220102', '--year', '1999')).toMatchObject({ code: 1, err: expect.stringContaining('字段「year」:年度应在 2000–2100 之间') });

    const book = join(dir, 'city.xlsx');
    writeFileSync(book, templateBuffer([CITY, COUNTY], [asset({ assetTag: 'CITY-1', itemCode: 'S01', agencyCode: '220100' }), asset({ assetTag: 'CTY-1', itemCode: 'S01', agencyCode: '220102' })]));
    const refused = eql('import', book, '--db', db, '--user', 'county');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('机构「220100」不在您的管辖范围内');
    writeFileSync(book, templateBuffer([COUNTY], [asset({ assetTag: 'CTY-1', itemCode: 'S01', agencyCode: '220102' })]));
    expect(eql('import', book, '--db', db, '--user', 'county')).toMatchObject({ code: 0, out: expect.stringContaining('装备 新增 1') });
    const { db: after } = openDatabase(db, { mustExist: true });
    try {
      expect(after.$client.prepare(`select asset_tag from assets where asset_tag like 'C%-1' order by asset_tag`).pluck().all()).toEqual(['CTY-1']);
      expect(after.$client.prepare(`select actor from audit_log where entity = 'asset' and entity_key = 'CTY-1'`).pluck().all()).toEqual(['county']);
    } finally {
      after.$client.close();
    }
  });

  it('migrate moves a county\'s file into a city\'s file, reports a clash of tags whole, and adds nothing on a second run', { timeout: 240_000 }, () => {
    const dir = tempDir();
    const city = ledgerWith(dir, units(2, { itemCode: 'S10', agencyCode: '220102' }).map((a, i) => ({ ...a, assetTag: `CITY-${i}` })));
    const countyDir = tempDir();
    const county = ledgerWith(countyDir, units(3, { itemCode: 'S01', agencyCode: '220102' }).map((a, i) => ({ ...a, assetTag: `XC-${i}` })));
    const first = eql('migrate', '--from', county, '--to', city);
    expect([first.code, first.err]).toEqual([0, '']);
    expect(first.out).toContain('装备 新增 3(已有 0)');
    expect(eql('migrate', '--from', county, '--to', city).out).toContain('装备 新增 0(已有 3)');

    const clashDir = tempDir();
    const clash = ledgerWith(clashDir, [asset({ assetTag: 'CITY-1', itemCode: 'S01', agencyCode: '220100' })]);
    const refused = eql('migrate', '--from', clash, '--to', city);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('资产编号 CITY-1 在目标台账中属于 220102');
    expect(eql('migrate', '--from', county)).toMatchObject({ code: 2, err: expect.stringContaining('缺少 --from 台账文件 或 --to 目标') });
  });

  it.skipIf(!postgresUrl)('migrate moves a ledger file into the provincial PostgreSQL database, never printing its password', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const county = ledgerWith(dir, units(2, { itemCode: 'S01', agencyCode: '220102' }));
    const url = await freshDatabase();
    const r = eql('migrate', '--from', county, '--to', url);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('机构 新增 2');
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const refused = eql('migrate', '--from', county, '--to', wrong.toString());
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('无法连接数据库');
    expect(refused.err).not.toContain('not-the-password');
  });
});
