import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { CSV_SHAPES, type ExportOp, type FileOut, type Input, type OpName, type Output } from '../../api/contract';
import type { Role } from '../../api/roles';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { readEntry, zipEntries } from '../../excel/zip';
import { addDays, addYears } from '../../lib/dates';
import { sql } from 'kysely';
import { testClock } from '../fixtures/context';
import { as as signedIn, testLedger, value } from '../fixtures/engine';
import { agency, asset, seedTemplate, templateBuffer, units } from '../fixtures/factories';

const clock = testClock();
const today = clock.today();
const year = Number(today.slice(0, 4));
const INJECTION = '=HYPERLINK("http://x")';
const CUSTODIAN = '张三, "老张"\n备用';

/** A city over counties K11 and K12; K11's assets carry the traps: a leading-zero tag, an 18-digit number, a formula, a comma, a quote and a newline. */
async function city() {
  const l = await testLedger(clock);
  await seedTemplate(l.store, templateBuffer(
    [
      agency({ code: 'C1', name: '一市生态环境局', level: 'city', staff: 30, latitude: 30.0, longitude: 120 }),
      agency({ code: 'K11', name: '一市甲县执法大队', parentCode: 'C1', staff: 23, latitude: 30.1, longitude: 120 }),
      agency({ code: 'K12', name: '一市乙县执法大队', parentCode: 'C1', staff: 12, latitude: 30.3, longitude: 120 }),
    ],
    [
      asset({ assetTag: '00123', itemCode: 'S01', agencyCode: 'K11', priceFen: 123_450, plateNumber: '浙A12345', odometerKm: 81_000, custodian: CUSTODIAN, notes: INJECTION }),
      asset({ assetTag: '330106199001011234', itemCode: 'S15', agencyCode: 'K11', model: '1-2', calibrationValidUntil: addYears(today, 1) }),
      ...units(3, { itemCode: 'S09', agencyCode: 'K11' }),
      asset({ assetTag: 'K12-CAR', itemCode: 'S01', agencyCode: 'K12', notes: '乙县车辆' }),
      ...units(2, { itemCode: 'S09', agencyCode: 'K12' }),
    ],
  ), { file: 'seed.xlsx', who: { actor: 'seed', at: clock.now().toISOString() }, today });
  let id = 0;
  const as = (role: Role, agencyCode: string | null) => signedIn(l, role, { id: ++id, username: `${role}-${agencyCode}`, agencyCode });
  const idOf = (tag: string) => value(l, sql<{ n: number }>`select id as n from assets where asset_tag = ${tag}`);
  return { idOf, admin: as('admin', null), manager: as('manager', 'K11'), head: as('head', 'K11'), dispatcher: as('dispatcher', 'K11') };
}

async function call<N extends OpName>(ctx: Context, name: N, input: Input<N>): Promise<Output<N>> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.value as Output<N>;
}

const bytes = (f: FileOut) => Buffer.from(f.base64, 'base64');

/** Each .csv of an export: one, or the entries of its .zip. */
function csvFiles(f: FileOut): Map<string, Buffer> {
  const buf = bytes(f);
  if (f.fileName.endsWith('.csv')) return new Map([['', buf]]);
  return new Map(zipEntries(buf).map((e) => [e.name.replace(/\.csv$/, ''), readEntry(buf, e, 1e8)]));
}

/** A BOM, then valid UTF-8 whose every line ends CRLF (line breaks inside quoted fields aside). */
function expectCsvBytes(buf: Buffer): string {
  expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(3));
  const outside = text.replace(/"(?:[^"]|"")*"/g, '');
  expect(outside.endsWith('\r\n')).toBe(true);
  expect(outside.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  return text;
}

/** The text the user reads in each cell of the CSV: ="00123" shows 00123, '=… shows after its apostrophe. */
function csvShown(buf: Buffer): string[][] {
  const wb = XLSX.read(buf, { type: 'buffer', raw: true });
  const rows = XLSX.utils.sheet_to_json<string[]>(wb.Sheets[wb.SheetNames[0]], { header: 1, raw: true, defval: '', blankrows: true });
  return trim(rows.map((r) => r.map((s) => String(s).replace(/^="(.*)"$/s, '$1').replace(/^'(?=[=+\-@\t\r])/, ''))));
}

/** The text each cell of a workbook's sheet shows, numbers without thousands separators. */
function xlsxShown(ws: XLSX.WorkSheet): string[][] {
  const range = XLSX.utils.decode_range(ws['!ref']!);
  const rows: string[][] = [];
  for (let r = 0; r <= range.e.r; r++) {
    const row: string[] = [];
    for (let c = 0; c <= range.e.c; c++) {
      const cell = ws[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
      row.push(!cell ? '' : cell.t === 'n' ? (cell.z && cell.z !== 'General' ? cell.w!.replace(/,/g, '') : String(cell.v)) : String(cell.v));
    }
    rows.push(row);
  }
  return trim(rows);
}

function trim(rows: string[][]): string[][] {
  const out = rows.map((r) => {
    const row = [...r];
    while (row.length && row[row.length - 1] === '') row.pop();
    return row;
  });
  while (out.length && out[out.length - 1].length === 0) out.pop();
  return out;
}

/** Numbers as numbers (General ones to 15 digits, as Excel keeps them), text as text. */
const same = (rows: string[][]) => rows.map((r) => r.map((s) => (s !== '' && /^-?\d+(\.\d+)?$/.test(s) ? Number(Number(s).toPrecision(15)) : s)));

/** Exports `op` as .xlsx and as CSV with the same input and checks the CSV holds what the workbook shows, sheet by sheet. */
async function bothWays<N extends ExportOp>(ctx: Context, op: N, input: Input<N>): Promise<{ csv: FileOut; xlsx: FileOut; sheets: Map<string, string[][]> }> {
  const xlsx = await call(ctx, op, { ...input, format: 'xlsx' } as Input<N>) as FileOut;
  const csv = await call(ctx, op, { ...input, format: 'csv' } as Input<N>) as FileOut;
  expect(xlsx.fileName).toMatch(/\.xlsx$/);
  const shape = (CSV_SHAPES as Partial<Record<ExportOp, (typeof CSV_SHAPES)[keyof typeof CSV_SHAPES]>>)[op];
  const wb = XLSX.read(bytes(xlsx), { cellNF: true });
  const files = csvFiles(csv);
  const sheets = new Map<string, string[][]>();
  if (shape === 'zip') {
    expect(csv.fileName).toBe(xlsx.fileName.replace(/\.xlsx$/, '.zip'));
    expect([...files.keys()]).toEqual(wb.SheetNames);
  } else {
    expect(csv.fileName).toBe(xlsx.fileName.replace(/\.xlsx$/, '.csv'));
  }
  for (const [name, buf] of files) {
    const sheet = name || (shape && shape !== 'zip' ? shape.sheet : wb.SheetNames[0]);
    expectCsvBytes(buf);
    const shown = csvShown(buf);
    expect(same(shown), `${op} ${sheet}`).toEqual(same(xlsxShown(wb.Sheets[sheet])));
    sheets.set(sheet, shown);
  }
  return { csv, xlsx, sheets };
}

describe('exports as CSV for WPS and older Excel', () => {
  it('exports a county’s ledger as CSV with the same rows as its workbook: tags with leading zeros kept, formulas defused, Chinese intact', async () => {
    const { manager } = await city();
    const { csv, sheets } = await bothWays(manager, 'assets/export', { query: {}, sort: [{ colId: 'assetTag', sort: 'asc' }] });
    const rows = sheets.get('装备台账')!;
    expect(rows[0].slice(0, 5)).toEqual(['资产编号', '装备代码', '装备名称', '所属机构编码', '所属机构']);
    expect(rows.slice(1).map((r) => r[3])).toEqual(Array(5).fill('K11'));
    expect(rows.flat()).not.toContain('K12-CAR');
    const text = expectCsvBytes(bytes(csv));
    expect(text).toContain(`"=""00123""",S01,`);
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(text).toContain('"张三, ""老张""\n备用"');
    expect(text).toContain(',1234.50,');
    // As Excel and SheetJS read the file: text stays text, the formula is not one, the price is a number.
    const ws = XLSX.read(bytes(csv), { type: 'buffer', cellFormula: true }).Sheets.Sheet1;
    const car = XLSX.utils.sheet_to_json<Record<string, unknown>>(ws).find((r) => r['资产编号'] === '00123')!;
    expect(car).toMatchObject({ 资产编号: '00123', 所属机构: '一市甲县执法大队', '购置金额(元)': 1234.5, 责任人: CUSTODIAN, 备注: `'${INJECTION}` });
    expect(XLSX.utils.sheet_to_json<Record<string, unknown>>(ws).find((r) => r['资产编号'] === '330106199001011234')).toMatchObject({ 规格型号: '1-2' });
    expect(Object.values(ws).some((c) => typeof c === 'object' && c !== null && 'f' in c)).toBe(false);
  });

  it('refuses a county account another county’s ledger as CSV, as it does the workbook, and an unknown format in Chinese', async () => {
    const { manager } = await city();
    const other = await dispatch(manager, 'assets/export', { query: { agency: 'K12' }, format: 'csv' });
    expect(other.ok).toBe(false);
    const bad = await dispatch(manager, 'assets/export', { query: {}, format: 'xls' });
    expect(bad).toMatchObject({ ok: false, problems: [expect.objectContaining({ message: '导出格式应为 xlsx 或 csv' })] });
  });

  it('exports the compliance report of a county as a .zip of one CSV per sheet, matching the workbook', async () => {
    const { manager } = await city();
    const { sheets } = await bothWays(manager, 'quotas/export', {});
    expect([...sheets.keys()]).toEqual(['机构汇总', '本级明细', '含下级汇总', '说明']);
    expect(sheets.get('本级明细')!.slice(1).every((r) => r[0] === 'K11')).toBe(true);
  });

  it('exports a county’s maintenance and calibration logs and the audit log as CSV, within its scope', async () => {
    const { admin, manager, head, idOf } = await city();
    await call(manager, 'maintenance/create', { assetId: await idOf('00123'), date: today, kind: 'repair', description: '更换刹车片,检查 "ABS"', costFen: 86_050, vendor: '城西修理厂', odometerKm: 81_500, nextDueDate: addDays(today, 180), setStatus: null });
    await call(admin, 'maintenance/create', { assetId: await idOf('K12-CAR'), date: today, kind: 'service', description: '乙县保养', costFen: null, vendor: null, odometerKm: null, nextDueDate: null, setStatus: null });
    await call(manager, 'calibrations/create', { assetId: await idOf('330106199001011234'), date: today, validUntil: addYears(today, 1), certificateNo: '0012-2026', institution: '省计量院', result: 'pass', notes: '@备注' });
    const range = { from: addDays(today, -30), to: today };
    const m = (await bothWays(manager, 'maintenance/export', range)).sheets.get('维修保养记录')!;
    expect(m.slice(1).map((r) => [r[1], r[7], r[8]])).toEqual([['00123', '更换刹车片,检查 "ABS"', '860.50']]);
    const c = (await bothWays(manager, 'calibrations/export', range)).sheets.get('检定记录')!;
    expect(c.slice(1).map((r) => [r[0], r[2], r[7], r[10]])).toEqual([[today, '330106199001011234', '0012-2026', '@备注']]);
    const audit = (await bothWays(head, 'audit/export', { query: {} })).sheets.get('审计日志')!;
    expect(audit.length).toBeGreaterThan(1);
    expect(audit.flat().join('\n')).not.toContain('乙县保养');
  });

  it('exports budget, purchase plan, price list, score, chart and the blank template of a county as CSV', async () => {
    const { manager } = await city();
    const budget = await bothWays(manager, 'budget/export', { year });
    expect([...budget.sheets.keys()]).toEqual(['预算申请表', '按装备汇总', '说明']);
    const plan = await bothWays(manager, 'budget/exportPlan', { fromYear: year, capsFen: [50_000_000, 50_000_000], weights: { vehicles: 3, perPerson: 2, other: 1 } });
    expect(plan.csv.fileName).toMatch(/\.zip$/);
    const terms = await bothWays(manager, 'budget/exportTerms', {});
    expect([...terms.sheets.keys()]).toEqual(['单价与更新年限']);
    const score = await bothWays(manager, 'score/export', { agency: 'K11' });
    expect(score.sheets.get('评分表')![0][0]).toContain('一市甲县执法大队');
    await bothWays(manager, 'charts/export', { chart: 'coverage' });
    const template = await bothWays(manager, 'imports/blankTemplate', {});
    expect(template.sheets.get('装备')![0][0]).toBe('资产编号');
  });

  it('exports a county dispatcher’s dispatch order as a .zip of its four sheets', async () => {
    const { dispatcher } = await city();
    const task = await call(dispatcher, 'tasks/save', { id: null, fields: {
      code: null, name: '秋冬季大气专项', type: 'special', leadAgency: 'K11', locationAgency: null, latitude: null, longitude: null,
      startDate: addDays(today, 7), endDate: addDays(today, 10), priority: 3, teamSize: null, notes: '-夜查', demand: [{ item: 'S09', quantity: 2 }],
    } });
    const plan = await call(dispatcher, 'plans/create', { taskIds: [task.id] });
    const { sheets } = await bothWays(dispatcher, 'plans/export', { id: plan.id });
    expect([...sheets.keys()]).toEqual(['调度单', '任务', '调出装备', '未满足需求']);
    expect(sheets.get('调出装备')!.slice(1)).toHaveLength(2);
  });
});
