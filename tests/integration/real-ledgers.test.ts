import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../db/store';
import type { LedgerMapping } from '../../excel/ledger';
import type { Problem } from '../../lib/problems';
import { analyseLedger, importOpenedLedger, openLedgerFile, previewLedger } from '../../server/handlers/imports';
import { testClock } from '../fixtures/context';
import { agency, seedTemplate, templateBuffer } from '../fixtures/factories';
import { rows, testLedger, type TestLedger } from '../fixtures/engine';
import { refusedWith } from '../fixtures/imports';

/**
 * The eleven public workbooks of other systems in ../shared/real-ledgers (never copied here): none is an
 * enforcement agency's ledger, and each must be read and answered at its sheet, row and column — what maps,
 * what does not and why — never refused for its format.
 */
const DIR = path.join(process.cwd(), '..', 'shared', 'real-ledgers');
const bytes = (name: string) => readFileSync(path.join(DIR, name));

const clock = testClock();
const today = clock.today();
const who = { actor: '王五', at: clock.now().toISOString() };
const COUNTY = '330106';

/** The test's ledger, on the suite's engine. */
let l: TestLedger;

async function ledger(): Promise<Store> {
  l = await testLedger();
  await seedTemplate(l.store, templateBuffer([
    agency({ code: '3301', name: '杭州市生态环境局', level: 'city', staff: 40 }),
    agency({ code: COUNTY, name: '杭州市生态环境局西湖分局', parentCode: '3301', staff: 18 }),
  ]), { file: 'tree.xlsx', who, today });
  return l.store;
}

async function opened(name: string) {
  const info = await openLedgerFile(l.store, l.ledger.clock.now().getTime(), null, name, bytes(name));
  return info;
}

const refused = (db: Store, f: () => unknown): Promise<Problem[]> => refusedWith({ store: db }, f);

const messages = (ps: Problem[]) => ps.map((p) => p.message).join('\n');

describe('school and IT asset templates saved by WPS and Excel (.xls)', () => {
  it('① GKICMP AssetImport: reads Sheet1 (not the lookup Sheet2), maps its columns, treats 无 as blank and names the item it cannot place at its row', async () => {
    const db = await ledger();
    const info = await opened('GKICMP_AssetImport.xls');
    expect(info.format).toBe('xls');
    expect(info.suggestedSheet).toBe('Sheet1');
    const mapping: LedgerMapping = { sheet: 'Sheet1', defaultAgency: COUNTY };
    const a = await analyseLedger(db, null, info.token, mapping);
    expect(a.fields).toMatchObject({ 资产编号: 'A', 装备名称: 'B', 数量: 'C', '购置金额(元)': 'D', 购置日期: 'G', 规格型号: 'I', 计量单位: 'J' });
    expect(a.items.map((i) => [i.text, i.code])).toEqual([['音频功率放大器设备(功放设备)', null]]);
    const p = await previewLedger(db, null, info.token, mapping, today, null);
    expect(p).toMatchObject({ total: 1, valid: 0, rejected: 1 });
    expect(p.rows[0]).toMatchObject({ row: 2 });
    expect(p.rows[0].cells['规格型号']).toBe('无');
    expect(Object.values(p.rows[0].problems).join()).toContain('音频功率放大器设备');
    // With the name placed, the row imports: 2180.00 yuan, Excel serial 41268 = 2012-12-25, 无 stored as nothing.
    const out = await importOpenedLedger(db, null, info.token, { ...mapping, items: { '音频功率放大器设备(功放设备)': 'O28' } }, 'all', { who, today });
    expect(out).toMatchObject({ assets: { created: 1 } });
    expect((await rows(l, sql`select item_code, model, purchase_date, price_fen from assets where asset_tag = ${'TY2012000030'}`))[0])
      .toEqual({ item_code: 'O28', model: null, purchase_date: '2012-12-25', price_fen: 218000 });
  });

  it('② GKICMP ProAssetList: a blank first header cell is no trouble, and the missing asset tag column is said, not a format refused', async () => {
    const db = await ledger();
    const info = await opened('GKICMP_ProAssetListImport.xls');
    expect(info.format).toBe('xls');
    const a = await analyseLedger(db, null, info.token, { sheet: 'Sheet1', defaultAgency: COUNTY });
    expect(a.fields).toMatchObject({ 资产分类: 'B', 装备名称: 'C', 计量单位: 'F', '购置金额(元)': 'G', 数量: 'H', 购置日期: 'K' });
    expect(a.fields['资产编号']).toBeUndefined();
    const problems = await refused(db, () => previewLedger(db, null, info.token, { sheet: 'Sheet1', defaultAgency: COUNTY }, today, null));
    expect(problems[0]).toMatchObject({ file: 'GKICMP_ProAssetListImport.xls', sheet: 'Sheet1' });
    expect(messages(problems)).toContain('资产编号');
  });

  it('③ GKICMP AssetOffice: 名称/单价/分类 are the item, the price and the class; a numeric class code is only a hint', async () => {
    const db = await ledger();
    const info = await opened('GKICMP_AssetOfficeImport.xls');
    const a = await analyseLedger(db, null, info.token, { sheet: 'Sheet1', defaultAgency: COUNTY });
    expect(a.fields).toMatchObject({ 资产编号: 'A', 装备名称: 'B', 数量: 'C', '购置金额(元)': 'D', 资产分类: 'E', 购置日期: 'F' });
    expect(a.items).toEqual([expect.objectContaining({ text: '测试办公用品导入', code: null })]);
  });

  it('④ the GB/T 14885-2010 code table is not a ledger: said for the file, with the sheet it looked at', async () => {
    const db = await ledger();
    const info = await opened('GKICMP_webupload_2017071009153752820.xls');
    expect(info.sheets.map((s) => s.name)).toEqual(['Sheet1', 'Sheet2', 'Sheet3']);
    expect(info.sheets[0].rows).toBeGreaterThan(3900);
    expect(info.suggestedSheet).toBeNull();
    const problems = await refused(db, () => analyseLedger(db, null, info.token, { sheet: 'Sheet1' }));
    expect(problems[0]).toMatchObject({ file: 'GKICMP_webupload_2017071009153752820.xls', sheet: 'Sheet1' });
    expect(messages(problems)).toContain('表头');
  });

  it('⑦ ⑧ yeahoLee templates in code page 936: Chinese headers read, hints in brackets dropped, and "no data rows" said', async () => {
    const db = await ledger();
    for (const name of ['yeahoLee_ram_资产导入模板.xls', 'yeahoLee_ram_importAssetBatchModel.xls']) {
      const info = await opened(name);
      expect(info.format).toBe('xls');
      expect(info.sheets[0].head[0]).toContain(name.includes('模板') ? '购置日期（yyyy/MM/dd）' : '购置日期');
      const a = await analyseLedger(db, null, info.token, { sheet: 'Sheet1', defaultAgency: COUNTY });
      expect(a.fields).toMatchObject({ 资产编号: 'A', 购置日期: name.includes('模板') ? 'J' : 'M' });
    }
  });
});

describe('OOXML workbooks of other systems', () => {
  it('⑤ pythonzm Ops: the server sheet, 价格(万元) in yuan ×10,000, and the password column never read', async () => {
    const db = await ledger();
    const info = await opened('pythonzm_Ops_资产导入模板.xlsx');
    expect(info.format).toBe('xlsx');
    expect(info.suggestedSheet).toBe('server');
    expect(JSON.stringify(info.sheets)).not.toContain('123456');
    const a = await analyseLedger(db, null, info.token, { sheet: 'server', defaultAgency: COUNTY });
    expect(a.priceUnit).toBe('wan');
    expect(a.statuses.map((s) => s.text)).toContain('3');
  });

  it('⑥ sabrinakzj 固定资产: header on row 3 under a title and 当前日期, 部门名称 the agency, the hidden sheet offered but not suggested', async () => {
    const db = await ledger();
    const info = await opened('sabrinakzj_固定资产.xlsx');
    expect(info.suggestedSheet).toBe('固定资产查询');
    expect(info.sheets.find((s) => s.name === 'Sheet2')?.hidden).toBe(true);
    const a = await analyseLedger(db, null, info.token, { sheet: '固定资产查询' });
    expect(a.headerRow).toBe(3);
    expect(a.fields).toMatchObject({ 资产编号: 'A', 所属机构编码: 'B', 资产分类: 'C', 装备名称: 'D', 计量单位: 'H', 数量: 'J', 状态: 'P' });
    expect(a.agencies.map((x) => x.text)).toContain('辅助车间');
  });
});

describe('CSV exported by Snipe-IT', () => {
  it('⑨ UTF-8 with a BOM: read as UTF-8, English headers mapped, M/D/YY dates refused at their cell with the reason', async () => {
    const db = await ledger();
    const info = await opened('snipeit_assets-sample.csv');
    expect(info).toMatchObject({ format: 'csv', text: { encoding: 'utf-8', delimiter: 'comma', certain: true } });
    const mapping: LedgerMapping = { defaultAgency: COUNTY, columns: { 所属机构编码: null } };
    const a = await analyseLedger(db, null, info.token, mapping);
    expect(a.fields).toMatchObject({ 装备名称: 'B', 资产编号: 'C', 资产分类: 'D', 规格型号: 'I', 备注: 'L', 购置日期: 'M', '购置金额(元)': 'N' });
    const p = await previewLedger(db, null, info.token, mapping, today, null);
    expect(p.total).toBe(p.rejected);
    expect(p.problems.some((x) => x.row === 2 && x.column === 'M' && /1\/23\/23/.test(x.message))).toBe(true);
  });

  it('⑩ CR-only lines with repeated headers: every line a row, the first Company/Category taken, the item column found', async () => {
    const db = await ledger();
    const info = await opened('snipeit_assets-sample-BAD.csv');
    expect(info.format).toBe('csv');
    expect(info.sheets[0].rows).toBe(201);
    const a = await analyseLedger(db, null, info.token, { defaultAgency: COUNTY });
    expect(a.fields).toMatchObject({ 所属机构编码: 'D', 装备名称: 'E', 资产分类: 'F', 规格型号: 'G', 资产编号: 'K' });
  });

  it('⑪ bytes that are neither UTF-8 nor GBK (Mac Roman mojibake): flagged as uncertain, and nothing imported until an encoding is confirmed', async () => {
    const db = await ledger();
    const info = await opened('snipeit_MOCK_ASSETS_cr-only.csv');
    expect(info.text?.certain).toBe(false);
    const problems = await refused(db, () => importOpenedLedger(db, null, info.token, { defaultAgency: COUNTY }, 'valid', { who, today }));
    expect(messages(problems)).toMatch(/编码/);
  });
});
