import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import type { Store } from '../../db/store';
import type { LedgerMapping } from '../../excel/ledger';
import type { TextChoice } from '../../excel/workbook';
import { readWorkbook } from '../../excel/workbook';
import { UserError, type Problem } from '../../lib/problems';
import { importOpenedLedger, importTemplate, openLedgerFile, previewLedger } from '../../server/handlers/imports';
import { agency, HANGZHOU, seedTemplate, templateBuffer, xlsx } from '../fixtures/factories';
import { testLedger, type TestLedger } from '../fixtures/engine';
import { ledgerSnapshot as snapshot, storedAsset } from '../fixtures/imports';
import { MESSY_LEDGERS, type MessyLedger } from '../fixtures/messy';
import { biff5Gbk, csvOf, fitsGbk, htmlOf, rewritten, textBytes, type CsvOptions } from '../fixtures/formats';

const who = { actor: '王五', at: '2026-11-23T08:00:00.000Z' };
const today = '2026-11-23';
const REAL = join(process.cwd(), '..', 'shared', 'real-ledgers');

/** The test's latest ledger, on the suite's engine. */
let l: TestLedger | undefined;
beforeEach(() => {
  l = undefined;
});

/** A new ledger of the Hangzhou tree. */
async function ledger(): Promise<Store> {
  l = await testLedger();
  await seedTemplate(l.store, templateBuffer(HANGZHOU), { file: 'tree.xlsx', who, today });
  return l.store;
}

/** Opens a file in the wizard of the test's ledger (a new one if it has none yet). */
async function openFile(file: string, buf: Uint8Array, text: TextChoice = {}) {
  if (!l) await ledger();
  return openLedgerFile(l!.store, l!.ledger.clock.now().getTime(), null, file, buf, text);
}

const stored = (db: Store, tag: string) => storedAsset({ store: db }, tag);

/** Opens a file in the wizard and imports it, as a user would. */
async function wizardImport(db: Store, file: string, buf: Uint8Array, mapping: LedgerMapping, text = {}) {
  const info = await openFile(file, buf, text);
  return { info, out: await importOpenedLedger(db, null, info.token, mapping, 'all', { who, today }) };
}

async function refusedOpen(file: string, buf: Uint8Array): Promise<Problem[]> {
  const error = await openFile(file, buf).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).problems;
}

async function expectStored(db: Store, m: MessyLedger) {
  for (const [tag, want] of Object.entries(m.expected)) expect(await stored(db, tag), tag).toMatchObject(want);
}

/** A CSV, and SheetJS's BIFF5, hold no merged cells: the ledger whose two-row header needs its merges stays with the formats that keep them. */
const unmerged = MESSY_LEDGERS.filter((m) => XLSX.read(m.buffer).SheetNames.every((n) => !XLSX.read(m.buffer).Sheets[n]['!merges']?.length));

const mappingOf = (m: MessyLedger, sheet = m.sheet): LedgerMapping => ({ sheet, defaultAgency: m.defaultAgency, items: m.items });

/** The ledger's sheet alone, as a CSV holds it (no sheet name: the file's name stands for it). */
const asCsv = (m: MessyLedger, o: CsvOptions) => csvOf(m.buffer, { ...o, sheet: m.sheet });

describe('one reader for every format a bureau keeps', () => {
  const workbooks = [
    ['.xls (Excel 97–2003, BIFF8)', 'ledger.xls', 'xls', (m: MessyLedger) => rewritten(m.buffer, 'biff8')],
    ['.xlsm', 'ledger.xlsm', 'xlsm', (m: MessyLedger) => rewritten(m.buffer, 'xlsm')],
    ['.xlsb', 'ledger.xlsb', 'xlsb', (m: MessyLedger) => rewritten(m.buffer, 'xlsb')],
    ['.ods', 'ledger.ods', 'ods', (m: MessyLedger) => rewritten(m.buffer, 'ods')],
    ['.et of older WPS (OLE, like .xls)', '台账.et', 'et', (m: MessyLedger) => rewritten(m.buffer, 'biff8')],
    ['.et of newer WPS (zip, like .xlsx)', '台账.et', 'et', (m: MessyLedger) => rewritten(m.buffer, 'xlsx')],
  ] as const;
  it.each(workbooks)('%s: every messy ledger stores the same values as its .xlsx', async (_name, file, format, write) => {
    for (const m of MESSY_LEDGERS) {
      const db = await ledger();
      const { info, out } = await wizardImport(db, file, write(m), mappingOf(m));
      expect(info.format).toBe(format);
      expect(info.text).toBeUndefined();
      expect(out.rejected, m.name).toBe(0);
      expect(out.assets.created, m.name).toBe(Object.keys(m.expected).length);
      await expectStored(db, m);
    }
  });

  it('reads an Excel 95 (BIFF5) file of a Chinese office through its code page 936', async () => {
    const fitting = unmerged.filter((m) => fitsGbk(m.buffer));
    expect(fitting.length).toBeGreaterThanOrEqual(2);
    for (const m of fitting) {
      const db = await ledger();
      const { info, out } = await wizardImport(db, '旧台账.xls', biff5Gbk(m.buffer), mappingOf(m));
      expect(info.format).toBe('xls');
      expect(info.sheets.map((s) => s.name)).toEqual(XLSX.read(m.buffer).SheetNames);
      expect(out.assets.created, m.name).toBe(Object.keys(m.expected).length);
      await expectStored(db, m);
    }
  });

  const texts: [string, CsvOptions, { encoding: string }][] = [
    ['GBK, comma, CRLF (Chinese Excel and WPS)', { encoding: 'gbk', lineEnd: '\r\n' }, { encoding: 'gb18030' }],
    ['UTF-8 with BOM, comma, LF', { encoding: 'utf-8', bom: true, lineEnd: '\n' }, { encoding: 'utf-8' }],
    ['UTF-8 without BOM, tab, CR only', { encoding: 'utf-8', delimiter: 'tab', lineEnd: '\r' }, { encoding: 'utf-8' }],
    ['UTF-16 LE with BOM, tab (Excel\'s Unicode text)', { encoding: 'utf-16le', bom: true, delimiter: 'tab' }, { encoding: 'utf-16le' }],
    ['UTF-16 BE with BOM, semicolon', { encoding: 'utf-16be', bom: true, delimiter: 'semicolon' }, { encoding: 'utf-16be' }],
    ['GBK, semicolon, LF', { encoding: 'gbk', delimiter: 'semicolon', lineEnd: '\n' }, { encoding: 'gb18030' }],
  ];
  it.each(texts)('CSV in %s: encoding and delimiter detected, values stored as in the .xlsx', async (_name, o, want) => {
    const ledgers = unmerged.filter((m) => o.encoding !== 'gbk' || fitsGbk(m.buffer));
    expect(ledgers.length).toBeGreaterThanOrEqual(2);
    for (const m of ledgers) {
      const db = await ledger();
      const { info, out } = await wizardImport(db, '台账.csv', asCsv(m, o), mappingOf(m, undefined));
      expect(info).toMatchObject({ format: 'csv', text: { encoding: want.encoding, delimiter: o.delimiter ?? 'comma', certain: true } });
      expect(info.sheets).toEqual([expect.objectContaining({ name: '台账', hidden: false })]);
      expect(out.assets.created, m.name).toBe(Object.keys(m.expected).length);
      await expectStored(db, m);
    }
  });

  const pages = [
    ['GBK, declared gb2312', { encoding: 'gbk', charset: 'gb2312' }, 'gb18030'],
    ['UTF-8, declared utf-8', { encoding: 'utf-8', charset: 'utf-8' }, 'utf-8'],
  ] as const;
  it.each(pages)('a web page\'s table saved as .xls (%s): read in its declared charset, values stored as in the .xlsx', async (_name, o, encoding) => {
    const ledgers = unmerged.filter((m) => o.encoding !== 'gbk' || fitsGbk(m.buffer));
    expect(ledgers.length).toBeGreaterThanOrEqual(2);
    for (const m of ledgers) {
      const db = await ledger();
      const { info, out } = await wizardImport(db, '导出台账.xls', htmlOf(m.buffer, { ...o, sheet: m.sheet }), mappingOf(m, undefined));
      expect(info).toMatchObject({ format: 'html', text: { encoding, certain: true } });
      expect(info.sheets).toEqual([expect.objectContaining({ name: '导出台账', hidden: false })]);
      expect(out.assets.created, m.name).toBe(Object.keys(m.expected).length);
      await expectStored(db, m);
    }
  });

  it('reads a government system\'s HTML export as it writes it: a merged title, entities, line breaks, codes kept as text', async () => {
    const db = await ledger();
    const page = [
      '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK"><style>td{mso-number-format:"\\@"}</style></head><body>',
      '<table border="1">',
      '<tr><td colspan="5" align="center"><b>西湖分局执法装备台账</b></td></tr>',
      '<tr><th>资产编号</th><th>设备名称</th><th>购置日期</th><th>金额(元)</th><th>备注</th></tr>',
      '<tr><td>00123</td><td>执法&nbsp;记录仪</td><td>2021-06-18</td><td>1,250.00</td><td>第一行<br>第二行 &amp; &#20013;&#x6587;</td></tr>',
      '<tr><td x:str>00124</td><td><span>执法记录仪</span></td><td>2020年5月</td><td>￥980</td><td></td></tr>',
      '</table></body></html>',
    ].join('\r\n');
    const { info, out } = await wizardImport(db, '装备导出.xls', iconv.encode(page, 'gbk'), { defaultAgency: '330106' });
    expect(info).toMatchObject({ format: 'html', text: { encoding: 'gb18030', certain: true } });
    expect(out.assets.created).toBe(2);
    expect(await stored(db, '00123')).toMatchObject({ itemCode: 'S04', purchaseDate: '2021-06-18', priceFen: 125000, notes: '第一行\n第二行 & 中文' });
    expect(await stored(db, '00124')).toMatchObject({ itemCode: 'S04', purchaseDate: '2020-05-01', priceFen: 98000, notes: null });
  });

  it('refuses a web page too large for the limits before reading its cells, and one that is not a table', async () => {
    const rows = (n: number, cells: string) => `<html><body><table>${`<tr>${cells}</tr>`.repeat(n)}</table></body></html>`;
    expect(await readWorkbook(textBytes(rows(300, '<td>1</td>')), 'a.xls', { sheetRows: 200 })).toMatchObject({ ok: false, problems: [{ file: 'a.xls', message: '网页表格超过 200 行,请拆分后导入' }] });
    expect(await readWorkbook(textBytes(rows(10, '<td>1</td>'.repeat(40))), 'b.xls', { cells: 300 })).toMatchObject({ ok: false, problems: [{ message: '网页表格的单元格超过 300 个,请拆分后导入' }] });
    // Every cell compared with every merge: a hundred thousand cells, twenty thousand merges.
    const merged = rows(10_000, '<td rowspan="2">1</td>'.repeat(2) + '<td>x</td>'.repeat(8));
    const started = Date.now();
    expect(await readWorkbook(textBytes(merged), 'c.xls')).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('合并单元格过多') }] });
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const other of ['<html><body><p>没有数据</p></body></html>', '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><table/></Workbook>']) {
      expect(await refusedOpen('x.xls', textBytes(other))).toEqual([{ file: 'x.xls', message: expect.stringContaining('网页(HTML)或 XML 格式') }]);
    }
  });

  it('keeps a CSV\'s codes as text, its quoted fields whole, and its cells where Excel shows them', async () => {
    const db = await ledger();
    const csv = [
      '资产编号,设备名称,状态,备注,型号',
      '00123,执法记录仪,在用,"第一行',
      '第二行,含逗号",6370200000000001',
      '"00124",执法记录仪,闲置,"他说""好""",1.50',
      '',
      'ID-9,执法记录仪,在用,,="007"',
    ].join('\r\n');
    const { info, out } = await wizardImport(db, '记录仪.csv', textBytes(csv), { defaultAgency: '330106' });
    // Five records, the second over two lines: five rows, as Excel opens it.
    expect(info.sheets[0].rows).toBe(5);
    expect(out.assets.created).toBe(3);
    expect(await stored(db, '00123')).toMatchObject({ itemCode: 'S04', notes: '第一行\n第二行,含逗号', model: '6370200000000001' });
    expect(await stored(db, '00124')).toMatchObject({ status: 'idle', notes: '他说"好"', model: '1.50' });
    // A formula-looking field is text, never a formula.
    expect(await stored(db, 'ID-9')).toMatchObject({ model: '="007"' });
    // A first field of "ID" is still a CSV (SheetJS alone would try it as a SYLK file).
    const r = await readWorkbook(textBytes('ID,名称\n1,执法车\n'), 'x.csv');
    expect(r.ok && r.workbook.sheets[0].rows.map((row) => row.map((c) => c?.v))).toEqual([['ID', '名称'], ['1', '执法车']]);
  });

  it('gives back the rows it did not import as a CSV when the file came as one, for the system that wrote it', async () => {
    const db = await ledger();
    const csv = ['资产编号,设备名称,购置日期', '00123,执法记录仪,2021-06-18', '00124,执法记录仪,2019-13-45'].join('\r\n');
    const info = await openFile('记录仪.csv', textBytes(csv, { encoding: 'gbk' }));
    const out = await importOpenedLedger(db, null, info.token, { defaultAgency: '330106' }, 'valid', { who, today });
    expect(out.assets.created).toBe(1);
    expect(out.errors?.fileName).toBe('记录仪-未导入的行.csv');
    const text = Buffer.from(out.errors!.base64, 'base64').toString('utf8');
    expect(text.startsWith('\uFEFF资产编号,设备名称,购置日期,原行号,未导入原因\r\n')).toBe(true);
    // Excel reads "=""00124""" back as the text 00124, leading zeros and all.
    expect(text).toContain('"=""00124""",执法记录仪,');
    expect(text).toMatch(/,3,C 列\(购置日期\):「2019-13-45」不是存在的日期/);
  });

  it('rereads a text file in the encoding and delimiter the user chooses', async () => {
    const db = await ledger();
    const csv = textBytes('资产编号;设备名称;状态\nG-1;执法记录仪;在用\n', { encoding: 'gbk' });
    const asUtf16 = await openFile('g.csv', csv, { encoding: 'big5', delimiter: 'comma' });
    expect(asUtf16.text).toEqual({ encoding: 'big5', delimiter: 'comma', certain: true });
    expect(asUtf16.sheets[0].head[0]).toHaveLength(1);
    const { info } = await wizardImport(db, 'g.csv', csv, { defaultAgency: '330106' }, { encoding: 'gb18030', delimiter: 'semicolon' });
    expect(info.sheets[0].head[0]).toEqual(['资产编号', '设备名称', '状态']);
    expect(await stored(db, 'G-1')).toMatchObject({ itemCode: 'S04', status: 'in_service' });
  });

  it('offers hidden sheets marked, never suggests or reads one unasked, and names the error file after any extension', async () => {
    const wb = XLSX.read(xlsx([
      { name: '旧表', rows: [['资产编号', '设备名称', '状态'], ['H-1', '执法记录仪', '在用']] },
      { name: '台账', rows: [['资产编号', '设备名称', '状态'], ['V-1', '执法记录仪', '在用'], ['V-2', '执法记录仪', '不知道']] },
    ]));
    wb.Workbook = { Sheets: [{ name: '旧表', Hidden: 1 }, { name: '台账', Hidden: 0 }] };
    const buf = XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer;
    const db = await ledger();
    const info = await openFile('县局台账.xls', buf);
    expect(info.sheets.map((s) => [s.name, s.hidden])).toEqual([['旧表', true], ['台账', false]]);
    expect(info.suggestedSheet).toBe('台账');
    const out = await importOpenedLedger(db, null, info.token, { defaultAgency: '330106' }, 'valid', { who, today });
    expect(out.assets.created).toBe(1);
    expect(await stored(db, 'H-1')).toBeUndefined();
    expect(out.errors?.fileName).toBe('县局台账-未导入的行.xlsx');
    // Chosen by name, a hidden sheet is read.
    const chosen = await wizardImport(db, 'x.xls', buf, { sheet: '旧表', defaultAgency: '330106' });
    expect(chosen.out.assets.created).toBe(1);
    const csv = await openFile('县局台账.csv', textBytes('资产编号,设备名称,状态\nC-1,执法记录仪,不知道\nC-2,执法记录仪,在用\n'));
    expect((await importOpenedLedger(db, null, csv.token, { defaultAgency: '330106' }, 'valid', { who, today })).errors?.fileName).toBe('县局台账-未导入的行.csv');
  });

  it('refuses a template whose 机构 or 装备 sheet is hidden, saying so', async () => {
    const db = await ledger();
    const wb = XLSX.read(templateBuffer([agency({ code: '330109', name: '萧山分局', parentCode: '3301' })]));
    wb.Workbook = { Sheets: wb.SheetNames.map((name) => ({ name, Hidden: name === '机构' ? 1 : 0 })) };
    const before = await snapshot({ store: db });
    const error = await importTemplate(db, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer, { file: '模板.xlsx', who, today }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).problems).toEqual([expect.objectContaining({ file: '模板.xlsx', sheet: '机构', message: expect.stringContaining('隐藏的工作表不导入') })]);
    expect(await snapshot({ store: db })).toEqual(before);
  });
});

describe('hostile text and legacy files', () => {
  it('refuses a small file of many sparse sheets by the rows they span, and more sheets than any ledger has', async () => {
    // Each sheet holds one cell at row 199,999: tiny to send, 200,000 rows for the server to lay out.
    const sparse = XLSX.utils.book_new();
    for (let i = 0; i < 20; i++) {
      const ws: XLSX.WorkSheet = { '!ref': 'A199999:A199999', A199999: { t: 's', v: 'x' } };
      XLSX.utils.book_append_sheet(sparse, ws, `S${i}`);
    }
    expect(await refusedOpen('稀疏.xlsx', XLSX.write(sparse, { type: 'buffer', bookType: 'xlsx' }) as Buffer)).toEqual([{ file: '稀疏.xlsx', message: '文件的单元格超过 3,000,000 个,请拆分后导入' }]);
    const many = XLSX.utils.book_new();
    for (let i = 0; i < 256; i++) XLSX.utils.book_append_sheet(many, XLSX.utils.aoa_to_sheet([['x']]), `S${i}`);
    expect(await refusedOpen('多表.xlsx', XLSX.write(many, { type: 'buffer', bookType: 'xlsx' }) as Buffer)).toEqual([{ file: '多表.xlsx', message: expect.stringContaining('文件有 256 张工作表,超过 255 张') }]);
  });

  const XLS = rewritten(xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态'], ...Array.from({ length: 300 }, (_, i) => [`X-${i}`, '执法记录仪', '在用'])] }]), 'biff8');

  it('refuses a truncated .xls, an OLE file that is no workbook and a password-protected .xls, naming the file', async () => {
    for (const cut of [0.2, 0.5]) {
      expect(await refusedOpen('cut.xls', XLS.subarray(0, Math.floor(XLS.length * cut)))).toEqual([{ file: 'cut.xls', message: expect.stringMatching(/损坏或不完整/) }]);
    }
    const doc = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(doc, 'WordDocument', Buffer.alloc(4096, 1));
    expect(await refusedOpen('报告.doc', XLSX.CFB.write(doc, { type: 'buffer' }) as Buffer)).toEqual([{ file: '报告.doc', message: expect.stringContaining('不是 Excel 工作簿(可能是 Word') }]);
    // A FILEPASS record after the workbook's BOF: Excel's "password to open".
    const cfb = XLSX.CFB.read(XLS, { type: 'buffer' });
    const entry = XLSX.CFB.find(cfb, 'Workbook')!;
    const book = Buffer.from(entry.content as Uint8Array);
    const at = 4 + book.readUInt16LE(2);
    const pass = Buffer.alloc(58);
    pass.writeUInt16LE(0x2f, 0);
    pass.writeUInt16LE(54, 2);
    pass.writeUInt16LE(1, 4);
    pass.writeUInt16LE(1, 6);
    pass.writeUInt16LE(1, 8);
    entry.content = Buffer.concat([book.subarray(0, at), pass, book.subarray(at)]);
    expect((await refusedOpen('锁.xls', XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer))[0].message).toContain('设有打开密码');
  });

  it('refuses a CSV of 300,000 lines with its count, before building its cells', async () => {
    const lines = `资产编号,设备名称\n${'A-1,执法车\n'.repeat(300_000)}`;
    expect(await refusedOpen('大.csv', textBytes(lines))).toEqual([{ file: '大.csv', message: '文件有 300,001 行,超过 200,000 行,请拆分后导入' }]);
  });

  it('rejects a 10 MB cell of a CSV at its row and column', async () => {
    const db = await ledger();
    const csv = textBytes(`资产编号,设备名称,状态,备注\nH-1,执法记录仪,在用,${'污'.repeat(10 * 1024 * 1024)}\n`);
    const info = await openFile('huge.csv', csv);
    expect(JSON.stringify(info).length).toBeLessThan(10_000);
    const before = await snapshot({ store: db });
    const error = await importOpenedLedger(db, null, info.token, { defaultAgency: '330106' }, 'all', { who, today }).then(() => null, (e: unknown) => e);
    expect((error as UserError).problems).toEqual([expect.objectContaining({ file: 'huge.csv', row: 2, column: 'D', message: expect.stringContaining('内容过长') })]);
    expect(await snapshot({ store: db })).toEqual(before);
  });

  it('refuses text with NUL bytes at their line, and reads UTF-16 without a BOM only once the user confirms it', async () => {
    expect(await refusedOpen('nul.csv', Buffer.from('资产编号,设备名称\nA-1,执法\u0000车\n'))).toEqual([{ file: 'nul.csv', message: expect.stringMatching(/^第 2 行含有空字符\(NUL\)/) }]);
    const bare = textBytes('资产编号\t设备名称\t状态\nU-1\t执法记录仪\t在用\n', { encoding: 'utf-16le' });
    const db = await ledger();
    const info = await openFile('u.txt', bare);
    expect(info.text).toEqual({ encoding: 'utf-16le', delimiter: 'tab', certain: false });
    await expect(previewLedger(db, null, info.token, { defaultAgency: '330106' }, today, null)).rejects.toThrow(/编码无法确定/);
    await expect(importOpenedLedger(db, null, info.token, { defaultAgency: '330106' }, 'all', { who, today })).rejects.toThrow(/编码无法确定/);
    await wizardImport(db, 'u.txt', bare, { defaultAgency: '330106' }, { encoding: 'utf-16le' });
    expect(await stored(db, 'U-1')).toMatchObject({ itemCode: 'S04', status: 'in_service' });
  });
});

describe('the real files of ../shared/real-ledgers open', () => {
  const read = async (name: string) => {
    const r = await readWorkbook(readFileSync(join(REAL, name)), name);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.workbook;
  };
  const header = (wb: Awaited<ReturnType<typeof read>>, sheet = 0, row = 0) => Array.from(wb.sheets[sheet].rows[row], (c) => c?.v ?? null);

  it('reads the WPS and Excel .xls files, GBK headers as the Chinese they are', async () => {
    expect(header(await read('yeahoLee_ram_资产导入模板.xls')).slice(0, 4)).toEqual(['物资编号（12位编码）', '序列号', '资产品牌', '采购价']);
    expect(header(await read('yeahoLee_ram_importAssetBatchModel.xls')).slice(0, 5)).toEqual(['物资编号', '资产类型', '规格型号', '序列号', '计量单位']);
    const asset = await read('GKICMP_AssetImport.xls');
    expect(asset).toMatchObject({ format: 'xls', date1904: false });
    expect(asset.sheets.map((s) => s.name)).toEqual(['Sheet1', 'Sheet2']);
    expect(header(asset, 0, 1).slice(0, 4)).toEqual(['TY2012000030', '音频功率放大器设备（功放设备）', 1, 2180]);
    expect(header(await read('GKICMP_ProAssetListImport.xls'))[0]).toBeNull();
    const codes = await read('GKICMP_webupload_2017071009153752820.xls');
    expect(codes.sheets[0].rows.length).toBeGreaterThan(3900);
    expect(header(await read('GKICMP_AssetOfficeImport.xls')).slice(0, 2)).toEqual(['资产编号', '名称']);
  });

  it('marks the hidden sheet of the fixed-asset workbook', async () => {
    const wb = await read('sabrinakzj_固定资产.xlsx');
    expect(wb.sheets.filter((s) => s.hidden).map((s) => s.name)).toEqual(['Sheet2']);
    expect((await read('pythonzm_Ops_资产导入模板.xlsx')).sheets).toHaveLength(6);
  });

  it('reads the Snipe-IT CSVs: UTF-8 with BOM, CR-only lines, and flags the Mac Roman mojibake as uncertain', async () => {
    const sample = await read('snipeit_assets-sample.csv');
    expect(sample.text).toEqual({ encoding: 'utf-8', delimiter: 'comma', certain: true });
    expect(header(sample)[0]).toBe('Company');
    for (const name of ['snipeit_MOCK_ASSETS_cr-only.csv', 'snipeit_assets-sample-BAD.csv']) {
      const wb = await read(name);
      expect(wb.sheets[0].rows).toHaveLength(201);
      expect(header(wb)[0]).toBe('Full Name');
      // Neither UTF-8 nor GBK: read as Western text, never as fake Chinese, and flagged.
      expect(wb.text).toEqual({ encoding: 'windows-1252', delimiter: 'comma', certain: false });
      expect(JSON.stringify(wb.sheets[0].rows)).not.toMatch(/[\u4e00-\u9fff]/);
    }
    expect(header(await read('snipeit_MOCK_ASSETS_cr-only.csv')).slice(-3)).toEqual(['Status', 'Warranty Months', 'Supplier']);
  });
});
