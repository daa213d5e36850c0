import { createDeflateRaw } from 'node:zlib';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { createUser } from '../../db/queries/users';
import type { Store } from '../../db/store';
import { UserError, type Problem } from '../../lib/problems';
import { importOpenedLedger, importTemplate, openLedgerFile, previewLedger } from '../../server/handlers/imports';
import { exportLedger } from '../../server/handlers/exports';
import { readEntry, writeZip, zipEntries } from '../../excel/zip';
import { readWorkbook } from '../../excel/workbook';
import { agency, templateBuffer, xlsx, seedTemplate } from '../fixtures/factories';
import { rewritten } from '../fixtures/formats';
import { rows, testLedger, type TestLedger } from '../fixtures/engine';
import { ledgerSnapshot } from '../fixtures/imports';

const who = { actor: '王五', at: '2026-11-23T08:00:00.000Z' };
const today = '2026-11-23';

/** The test's ledger, on the suite's engine. */
let l: TestLedger;

async function ledger(): Promise<Store> {
  l = await testLedger();
  await seedTemplate(l.store, templateBuffer([agency({ code: '330106', name: '西湖分局' })]), { file: 't.xlsx', who, today });
  return l.store;
}

/** Opens a file in the import wizard as `owner` (null: the administrator of a ledger without users). */
const openFile = (owner: number | null, file: string, buf: Uint8Array) => openLedgerFile(l.store, l.ledger.clock.now().getTime(), owner, file, buf);

/** Opens and imports a file through the wizard, as a user would; returns the problems it was refused with, after checking nothing changed. */
async function refused(db: Store, buf: Uint8Array): Promise<Problem[]> {
  const before = await ledgerSnapshot({ store: db });
  let error: unknown;
  try {
    const { token } = await openFile(null, 'bad.xlsx', buf);
    await importOpenedLedger(db, null, token, { defaultAgency: '330106' }, 'all', { who, today });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UserError);
  expect(await ledgerSnapshot({ store: db })).toEqual(before);
  // The template import meets the same file with the same care.
  await expect(importTemplate(db, buf, { file: 'bad.xlsx', who, today })).rejects.toThrow(UserError);
  expect(await ledgerSnapshot({ store: db })).toEqual(before);
  return (error as UserError).problems;
}

/** A zip with one entry of `size` zero bytes, deflated as a stream so the test itself stays small; its header may lie about the size. */
async function zipBomb(size: number, declared = size): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const deflate = createDeflateRaw({ level: 9 });
  deflate.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const block = Buffer.alloc(1 << 20);
  for (let left = size; left > 0; left -= block.length) {
    if (!deflate.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  const data = Buffer.concat(chunks);
  const entry = (name: string, body: Buffer, method: number, realSize: number) => ({ name: Buffer.from(name), body, method, realSize });
  const wbXml = Buffer.from('<workbook/>');
  const entries = [entry('xl/workbook.xml', wbXml, 0, wbXml.length), entry('xl/worksheets/sheet1.xml', data, 8, declared)];
  const parts: Buffer[] = [];
  const dir: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.body.length, 18);
    local.writeUInt32LE(e.realSize, 22);
    local.writeUInt16LE(e.name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(e.body.length, 20);
    central.writeUInt32LE(e.realSize, 24);
    central.writeUInt16LE(e.name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, e.name, e.body);
    dir.push(central, e.name);
    offset += 30 + e.name.length + e.body.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.reduce((n, b) => n + b.length, 0), 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...dir, end]);
}

/** A workbook whose one sheet is `mb` MB of `<c><v>1</v></c>` cells, deflated as a stream: honest about its size, tiny on disk. */
async function denseWorkbook(mb: number): Promise<Buffer> {
  const row = `<row>${'<c><v>1</v></c>'.repeat(1000)}</row>`;
  const block = Buffer.from(row.repeat(Math.floor((1 << 20) / row.length)));
  const chunks: Buffer[] = [];
  const deflate = createDeflateRaw({ level: 6 });
  deflate.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const head = Buffer.from('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>');
  deflate.write(head);
  let size = head.length;
  for (let left = mb; left > 0; left--) {
    size += block.length;
    if (!deflate.write(block)) await new Promise((r) => deflate.once('drain', r));
  }
  const tail = Buffer.from('</sheetData></worksheet>');
  size += tail.length;
  deflate.end(tail);
  await done;
  const sheet = Buffer.concat(chunks);
  // The small parts from a real workbook, the sheet's bytes swapped for the dense deflated stream.
  const base = xlsx([{ name: 'S', rows: [['x']] }]);
  const files = zipEntries(base).map((e) => ({ name: e.name, data: readEntry(base, e, 1e9) }));
  const zip = writeZip(files.map((f) => (f.name === 'xl/worksheets/sheet1.xml' ? { ...f, data: Buffer.from('SHEET') } : f)));
  // Rebuild by hand: writeZip deflates, and the sheet must carry the precomputed stream and its true size.
  const entries = zipEntries(zip);
  const parts: Buffer[] = [];
  const dir: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const original = files.find((f) => f.name === e.name)!;
    const isSheet = e.name === 'xl/worksheets/sheet1.xml';
    const body = isSheet ? sheet : zip.subarray(e.offset + 30 + Buffer.byteLength(e.name), e.offset + 30 + Buffer.byteLength(e.name) + e.compressedSize);
    const name = Buffer.from(e.name);
    const realSize = isSheet ? size : original.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(realSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(realSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    dir.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.reduce((n, b) => n + b.length, 0), 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...dir, end]);
}

/** The workbook with a text replaced inside its sheet, past what SheetJS would write (Excel allows 32,767 characters; a hostile file need not). */
function replaced(buf: Buffer, from: string, to: string): Buffer {
  return writeZip(zipEntries(buf).map((e) => {
    const data = readEntry(buf, e, 1e9);
    return { name: e.name, data: e.name.startsWith('xl/worksheets/') ? Buffer.from(data.toString('utf8').replace(from, to)) : data };
  }));
}

/** An .ods of the sheet 台账 whose content.xml has `rows` in place of its own rows. */
function odsWithRows(rows: string): Buffer {
  const ods = rewritten(xlsx([{ name: '台账', rows: [['资产编号']] }]), 'ods');
  return writeZip(zipEntries(ods).map((e) => {
    const data = readEntry(ods, e, 1e9);
    return { name: e.name, data: e.name === 'content.xml' ? Buffer.from(data.toString('utf8').replace(/<table:table-row>[\s\S]*<\/table:table-row>/, rows)) : data };
  }));
}

const odsCell = (text: string, columns = 1) => `<table:table-cell office:value-type="string" table:number-columns-repeated="${columns}"><text:p>${text}</text:p></table:table-cell>`;
const odsRow = (cells: string, rows: number | string = 1) => `<table:table-row table:number-rows-repeated="${rows}">${cells}</table:table-row>`;

const GOOD = xlsx([{ name: 'Sheet1', rows: [['资产编号', '设备名称', '状态'], ...Array.from({ length: 200 }, (_, i) => [`G-${i}`, '执法车', '在用'])] }]);

describe('hostile and broken files', () => {
  it('refuses what is not a spreadsheet', async () => {
    const db = await ledger();
    expect((await refused(db, Buffer.from('%PDF-1.7\n%âãÏÓ')))[0].message).toContain('PDF 文档,不是表格文件');
    expect((await refused(db, Buffer.from('<html><body><p>资产编号</p></body></html>')))[0].message).toContain('网页(HTML)');
    // A page's table is read as a sheet (systems export those as .xls), and this one holds no ledger.
    expect((await refused(db, Buffer.from('<html><table><tr><td>资产编号</td></tr></table></html>')))[0].message).toContain('可识别的台账表头');
    // A zip, but of something else (a .docx, an archive of photos).
    expect((await refused(db, writeZip([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }])))[0].message).toContain('没有 Excel 工作簿');
    expect((await refused(db, new Uint8Array()))[0].message).toContain('文件为空');
  });

  it('refuses a truncated file', async () => {
    const db = await ledger();
    for (const cut of [0.3, 0.6, 0.95]) {
      expect((await refused(db, GOOD.subarray(0, Math.floor(GOOD.length * cut))))[0].message).toMatch(/不完整|损坏/);
    }
  });

  it('refuses a password-protected workbook, saying what to do', async () => {
    const db = await ledger();
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.alloc(200, 1));
    XLSX.CFB.utils.cfb_add(cfb, 'EncryptedPackage', Buffer.alloc(4096, 7));
    const encrypted = XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer;
    expect((await refused(db, encrypted))[0].message).toContain('密码');
  });

  it('refuses a workbook whose only sheet is empty', async () => {
    const db = await ledger();
    expect((await refused(db, xlsx([{ name: 'Sheet1', rows: [] }])))[0].message).toContain('没有哪张工作表');
  });

  it('finds the ledger among 200 columns, and refuses 200 columns of nothing it knows', async () => {
    const db = await ledger();
    const wide = Array.from({ length: 200 }, (_, c) => `字段${c}`);
    wide[150] = '资产编号';
    wide[151] = '设备名称';
    wide[199] = '状态';
    const row = Array.from({ length: 200 }, (_, c) => `值${c}`);
    row[150] = 'W-1';
    row[151] = '执法记录仪';
    row[199] = '闲置';
    const { token } = await openFile(null, 'wide.xlsx', xlsx([{ name: 'S', rows: [wide, row] }]));
    const out = await importOpenedLedger(db, null, token, { defaultAgency: '330106' }, 'all', { who, today });
    expect(out.assets.created).toBe(1);
    expect((await refused(db, xlsx([{ name: 'S', rows: [Array.from({ length: 200 }, (_, c) => `列${c}`), Array.from({ length: 200 }, () => 1)] }])))[0].message).toContain('表头');
  });

  it('rejects a 1 MB cell at its place, and keeps a 1 MB header from flooding the message', async () => {
    const db = await ledger();
    const huge = '污'.repeat(1024 * 1024);
    const problems = await refused(db, replaced(xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态', '备注'], ['H-1', '执法车', '在用', 'HUGE']] }]), 'HUGE', huge));
    expect(problems).toEqual([expect.objectContaining({ row: 2, column: 'D', message: expect.stringContaining('内容过长(4000 字以上') })]);
    expect(problems[0].message.length).toBeLessThan(200);
    const hugeHeader = await openFile(null, 'h.xlsx', replaced(xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态', 'HUGE'], ['H-1', '执法车', '在用', 'x']] }]), 'HUGE', huge));
    expect(JSON.stringify(hugeHeader).length).toBeLessThan(10_000);
  });

  it('stores a formula-injection string as plain text and exports it as text', async () => {
    const db = await ledger();
    const evil = '=cmd|\' /C calc\'!A0';
    const { token } = await openFile(null, 'f.xlsx', xlsx([{ name: 'S', rows: [['资产编号', '设备名称', '状态', '责任人'], ['@F-1', '执法车', '在用', evil]] }]));
    await importOpenedLedger(db, null, token, { defaultAgency: '330106' }, 'all', { who, today });
    expect((await rows<{ custodian: string }>(l, sql`select custodian from assets where asset_tag = '@F-1'`))[0].custodian).toBe(evil);
    const out = XLSX.read(Buffer.from((await exportLedger(db, {}, [], today)).base64, 'base64'), { cellFormula: true }).Sheets['装备台账'];
    expect(out['A2']).toMatchObject({ t: 's', v: '@F-1' });
    expect(out['L2']).toMatchObject({ t: 's', v: evil });
    expect(out['L2'].f).toBeUndefined();
  });

  it('stops a zip bomb at the unpack limit, whatever its header claims', async () => {
    const db = await ledger();
    const honest = await zipBomb(420 * 1024 * 1024);
    expect(honest.length).toBeLessThan(2 * 1024 * 1024);
    expect((await refused(db, honest))[0].message).toContain('压缩炸弹');
    const lying = await zipBomb(420 * 1024 * 1024, 1000);
    expect((await refused(db, lying))[0].message).toContain('压缩炸弹');
  });

  it('forgets a file once imported, and will not hand one user\'s file to another', async () => {
    const db = await ledger();
    const [seven, eight] = await db.write(async (tx) => [
      await createUser(tx, who, { username: 'seven', displayName: '甲', role: 'manager', agencyCode: null }, 'not-a-hash'),
      await createUser(tx, who, { username: 'eight', displayName: '乙', role: 'manager', agencyCode: null }, 'not-a-hash'),
    ]);
    const { token } = await openFile(seven.id, 'mine.xlsx', GOOD);
    await expect(previewLedger(db, eight.id, token, { defaultAgency: '330106' }, today, null)).rejects.toThrow(/重新选择文件/);
    await importOpenedLedger(db, seven.id, token, { defaultAgency: '330106' }, 'all', { who, today });
    await expect(previewLedger(db, seven.id, token, { defaultAgency: '330106' }, today, null)).rejects.toThrow(/重新选择文件/);
  });

  it('refuses a file with a second directory or anything after its end record, which another reader could follow', async () => {
    const db = await ledger();
    const end = GOOD.subarray(GOOD.length - 22);
    expect((await refused(db, Buffer.concat([GOOD, end])))[0].message).toContain('多个目录');
    // Only the first bytes of an end record, where SheetJS starts looking and the old guard did not.
    expect((await refused(db, Buffer.concat([GOOD, end.subarray(0, 12)])))[0].message).toContain('多个目录');
    expect((await refused(db, Buffer.concat([GOOD, Buffer.from('trailing data')])))[0].message).toContain('多余的数据');
  });

  it('refuses a 2 MB workbook that honestly unpacks to 380 MB, naming it, without the server growing', async () => {
    const db = await ledger();
    const dense = await denseWorkbook(380);
    expect(dense.length).toBeLessThan(3 * 1024 * 1024);
    const heap = process.memoryUsage().heapUsed;
    const problems = await refused(db, dense);
    expect(problems[0]).toMatchObject({ file: 'bad.xlsx', message: expect.stringContaining('解压后超过 128 MB') });
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(100 * 1024 * 1024);
  });

  it('stops a parse that outgrows its worker\'s memory, names the file, and reads the next file as usual', async () => {
    const dense = await denseWorkbook(40);
    const heap = process.memoryUsage().heapUsed;
    const r = await readWorkbook(dense, '县局台账.xlsx', { heapMb: 96 });
    expect(r).toEqual({ ok: false, problems: [{ file: '县局台账.xlsx', message: expect.stringContaining('所需内存超过 96 MB') }] });
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(100 * 1024 * 1024);
    const next = await readWorkbook(GOOD, 'good.xlsx');
    expect(next.ok && next.workbook.sheets[0].rows.length).toBe(201);
  });

  it('refuses an .ods whose repeated rows or columns would expand past the limits, naming the file and sheet, before building a cell', async () => {
    const header = odsRow(odsCell('资产编号') + odsCell('设备名称'));
    const cases = [
      // A million rows of a thousand cells, in a few hundred bytes.
      [odsRow(odsCell('执法车', 1000), 1_000_000), '200,000 行'],
      // Within the rows, past the cells: 150,000 rows of 100.
      [odsRow(odsCell('执法车', 100), 150_000), '3,000,000 个单元格'],
      // One row, a billion columns; and rows as SheetJS reads them (1e9 is a number to it).
      [odsRow(odsCell('执法车', 1_000_000_000)), '3,000,000 个单元格'],
      [odsRow(odsCell('执法车'), '1e9'), '200,000 行'],
      // Attribute names in capitals, which SheetJS reads as well.
      [odsRow(odsCell('执法车', 1000), 1_000_000).replace('table:number-rows-repeated', 'TABLE:NUMBER-ROWS-REPEATED'), '200,000 行'],
    ] as const;
    for (const [rows, what] of cases) {
      const started = Date.now();
      const r = await readWorkbook(odsWithRows(header + rows), 'D:\\台账\\县局台账.ods');
      expect(r).toEqual({ ok: false, problems: [{ file: 'D:\\台账\\县局台账.ods', sheet: '台账', message: expect.stringContaining(`文件「县局台账.ods」的工作表「台账」中重复的行列`) }] });
      expect(!r.ok && r.problems[0].message).toContain(`超过 ${what}`);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it('reads an .ods that ends its sheet with a million repeated empty rows, as LibreOffice writes every sheet', async () => {
    const empty = odsRow('<table:table-cell table:number-columns-repeated="1024"/>', 1_048_573);
    const r = await readWorkbook(odsWithRows(odsRow(odsCell('资产编号') + odsCell('设备名称')) + odsRow(odsCell('G-1') + odsCell('执法车'), 2) + empty), 'lo.ods');
    expect(r.ok && r.workbook.format).toBe('ods');
    expect(r.ok && r.workbook.sheets[0].rows.map((row) => row.map((c) => c?.v))).toEqual([['资产编号', '设备名称'], ['G-1', '执法车'], ['G-1', '执法车']]);
  });

  it('refuses a sheet of more rows than any ledger has, instead of reading part of it', async () => {
    const r = await readWorkbook(GOOD, 'long.xlsx', { sheetRows: 100 });
    expect(r).toEqual({ ok: false, problems: [{ file: 'long.xlsx', message: expect.stringContaining('超过 100 行') }] });
    expect(await readWorkbook(GOOD, 'wide.xlsx', { cells: 300 })).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('单元格超过 300 个') }] });
  });
});
