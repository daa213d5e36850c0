import type { QuotaRow } from '../../quotas/engine';
import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import type { FileOut } from '../../api/contract';
import { readEntry, zipEntries } from '../../excel/zip';
import { parseTemplate } from '../../excel/template';
import { blankTemplate, exportCalibrations, exportCompliance, exportLedger, exportMaintenance } from '../../server/handlers/exports';
import { shortfall } from '../../server/handlers/quotas';
import { addCalibration, addMaintenance } from '../../db/queries/maintenance';
import { sql } from 'kysely';
import type { Store } from '../../db/store';
import { agency, asset, templateBuffer, seedTemplate } from '../fixtures/factories';
import { testLedger, value } from '../fixtures/engine';

const who = { actor: '王五', at: '2026-11-23T08:00:00.000Z' };
const today = '2026-11-23';

const TREE = [
  agency({ code: '3301', name: '杭州市生态环境局', level: 'city', staff: 40 }),
  agency({ code: '330106', name: '西湖分局', parentCode: '3301', staff: 18 }),
  agency({ code: '330108', name: '滨江分局', parentCode: '3301', staff: 12 }),
];
const ASSETS = [
  asset({ assetTag: 'A-1', itemCode: 'S01', agencyCode: '330106', priceFen: 12_345_678, plateNumber: '浙A12345', odometerKm: 123_456, purchaseDate: '2018-05-01' }),
  asset({ assetTag: 'A-2', itemCode: 'S15', agencyCode: '330106', calibrationValidUntil: '2027-03-31', notes: '=HYPERLINK("http://evil","x")' }),
  asset({ assetTag: 'A-3', itemCode: 'S04', agencyCode: '330108', status: 'idle', notes: '@SUM(A1:A9)' }),
  asset({ assetTag: '+86-1', itemCode: 'S04', agencyCode: '330108', custodian: '-2+3' }),
];

/** The ledger of these tests on the suite's engine (tests/fixtures/engine.ts). */
async function ledger(): Promise<Store> {
  const { store } = await testLedger();
  await seedTemplate(store, templateBuffer(TREE, ASSETS), { file: 't.xlsx', who, today });
  return store;
}

const bytes = (f: FileOut) => Buffer.from(f.base64, 'base64');
const rowsOf = (f: FileOut, sheet: string) => XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(bytes(f)).Sheets[sheet], { header: 1, raw: true, defval: null });
function sheetXml(f: FileOut, n: number): string {
  const buf = bytes(f);
  return readEntry(buf, zipEntries(buf).find((e) => e.name === `xl/worksheets/sheet${n}.xml`)!, 1e9).toString('utf8');
}

describe('exports', () => {
  it('writes the ledger as filtered and sorted, with Chinese headers, a frozen header, widths and number formats', async () => {
    const store = await ledger();
    const f = await exportLedger(store, { agency: '330106' }, [{ colId: 'assetTag', sort: 'desc' }], today);
    expect(f.fileName).toBe('装备台账-2026-11-23.xlsx');
    const rows = rowsOf(f, '装备台账');
    expect(rows[0].slice(0, 5)).toEqual(['资产编号', '装备代码', '装备名称', '所属机构编码', '所属机构']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['A-2', 'A-1']);
    const ws = XLSX.read(bytes(f), { cellNF: true, cellStyles: true }).Sheets['装备台账'];
    expect(ws['I3']).toMatchObject({ t: 'n', v: 123_456.78, z: '#,##0.00' });
    expect(ws['H3']).toMatchObject({ t: 'n', z: 'yyyy-mm-dd', w: '2018-05-01' });
    expect(ws['!cols']?.[0]?.wch).toBeGreaterThan(10);
    expect(sheetXml(f, 1)).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
  });

  it('writes text that starts with = + - @ as text, never as a formula', async () => {
    const store = await ledger();
    const f = await exportLedger(store, {}, [], today);
    expect(sheetXml(f, 1)).not.toMatch(/<f[ >]/);
    const ws = XLSX.read(bytes(f), { cellFormula: true }).Sheets['装备台账'];
    const cells = Object.entries(ws).filter(([k]) => !k.startsWith('!')).map(([, c]) => c as XLSX.CellObject);
    for (const text of ['=HYPERLINK("http://evil","x")', '@SUM(A1:A9)', '+86-1', '-2+3']) {
      expect(cells.find((c) => c.v === text)).toMatchObject({ t: 's' });
    }
    expect(cells.some((c) => c.f)).toBe(false);
  });

  it('writes the compliance report per agency alone and rolled up, matching the engine row by row', async () => {
    const store = await ledger();
    const f = await exportCompliance(store, {}, today);
    const own = (await shortfall(store, {}, today)).rows.filter((r) => r.required > 0 || r.held > 0);
    const rolled = (await shortfall(store, { rollup: true }, today)).rows.filter((r) => r.required > 0 || r.held > 0);
    const figures = (rows: unknown[][]) => rows.slice(1).map((r) => [r[0], r[4], r[8], r[9], r[10], r[11], r[12], r[13]]);
    const engine = (r: QuotaRow) => [r.agency, r.item, r.required, r.held, r.usable, r.contracted, r.shortfall, r.surplus];
    expect(figures(rowsOf(f, '本级明细'))).toEqual(own.map(engine));
    expect(figures(rowsOf(f, '含下级汇总'))).toEqual(rolled.map(engine));
    const summary = rowsOf(f, '机构汇总');
    const city = summary.find((r) => r[0] === '3301')!;
    expect(city[10]).toBe(rolled.filter((r) => r.agency === '3301').reduce((s, r) => s + r.shortfall, 0));
    expect(sheetXml(f, 2)).toContain('state="frozen"');
  });

  it('writes the maintenance and calibration logs of a period', async () => {
    const store = await ledger();
    const id = (tag: string) => value({ store }, sql<{ n: number }>`select id as n from assets where asset_tag = ${tag}`);
    const [a1, a2] = [await id('A-1'), await id('A-2')];
    await store.write((tx) => addMaintenance(tx, who, { assetId: a1, date: '2026-03-02', kind: 'repair', description: '更换刹车片', costFen: 86_050, vendor: '城西修理厂', odometerKm: 124_000, nextDueDate: '2026-09-01', setStatus: null }));
    await store.write((tx) => addMaintenance(tx, who, { assetId: a1, date: '2025-12-30', kind: 'service', description: '保养', costFen: null, vendor: null, odometerKm: null, nextDueDate: null, setStatus: null }));
    await store.write((tx) => addCalibration(tx, who, { assetId: a2, date: '2026-04-01', validUntil: '2027-03-31', certificateNo: 'JD-2026-88', institution: '省计量院', result: 'pass', notes: null }));
    const m = rowsOf(await exportMaintenance(store, '2026-01-01', '2026-12-31', () => true), '维修保养记录');
    expect(m).toHaveLength(2);
    expect(m[1]).toEqual([expect.any(Number), 'A-1', 'S01', expect.any(String), '330106', '西湖分局', '维修', '更换刹车片', 860.5, '城西修理厂', 124_000, expect.any(Number)]);
    const c = rowsOf(await exportCalibrations(store, '2026-01-01', '2026-12-31', () => true), '检定记录');
    expect(c[1].slice(2)).toEqual(['A-2', 'S15', expect.any(String), '330106', '西湖分局', 'JD-2026-88', '省计量院', '合格', null]);
    expect(rowsOf(await exportCalibrations(store, '2026-01-01', '2026-12-31', (a) => a !== '330106'), '检定记录')).toHaveLength(1);
  });

  it('writes a blank template with drop-downs for 层级, 状态 and 装备代码 and an instructions sheet, which imports as the template', async () => {
    const store = await ledger();
    const f = await blankTemplate(store);
    const wb = XLSX.read(bytes(f));
    expect(wb.SheetNames).toEqual(['填写说明', '机构', '装备', '装备目录', '取值']);
    const agencyXml = sheetXml(f, 2);
    const assetXml = sheetXml(f, 3);
    expect(agencyXml).toMatch(/<dataValidation type="list"[^>]*sqref="C2:C\d+"><formula1>'取值'!\$A\$2:\$A\$4<\/formula1>/);
    expect(assetXml).toMatch(/sqref="B2:B\d+"><formula1>'装备目录'!\$A\$2:\$A\$57<\/formula1>/);
    expect(assetXml).toMatch(/sqref="G2:G\d+"><formula1>'取值'!\$B\$2:\$B\$5<\/formula1>/);
    expect(rowsOf(f, '装备目录')).toHaveLength(57);
    expect(rowsOf(f, '取值').slice(1).map((r) => r[1])).toEqual(['在用', '维修', '闲置', '报废']);
    const parsed = await parseTemplate(bytes(f), { file: 'x.xlsx', today, itemCodes: new Set(['S01']), existingAgencies: new Map() });
    expect(parsed).toEqual({ ok: false, problems: [expect.objectContaining({ message: '文件中没有数据行' })] });
  });
});
