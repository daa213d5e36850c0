import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { csvBuffer } from '../../excel/csv';
import { exportFile } from '../../excel/export';
import { FORMAT, type OutSheet } from '../../excel/write';
import { readEntry, zipEntries } from '../../excel/zip';
import { fenToYuan } from '../../lib/money';

const text = (buf: Buffer) => buf.subarray(3).toString('utf8');
/** The sheet as Excel (and our own importer, through SheetJS) reads the file back. */
const readBack = (buf: Buffer) => {
  const wb = XLSX.read(buf, { type: 'buffer' });
  return wb.Sheets[wb.SheetNames[0]];
};

describe('CSV for WPS and older Excel', () => {
  it('starts with a UTF-8 BOM, ends every row with CRLF and keeps Chinese intact', () => {
    const buf = csvBuffer({ name: '装备台账', rows: [['资产编号', '装备名称'], ['A-1', '执法记录仪'], ['A-2', '无人机']] });
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text(buf)).toBe('资产编号,装备名称\r\nA-1,执法记录仪\r\nA-2,无人机\r\n');
  });

  it('quotes a field holding a comma, a quote, a CR or a bare LF (so a row never splits), a tab or a semicolon', () => {
    const cells = ['张三, 李四', '"老张"', '第一行\n第二行', 'a\r\nb', '甲\t乙', '甲;乙'];
    const buf = csvBuffer({ name: 's', rows: [['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], cells] });
    expect(text(buf)).toBe('h1,h2,h3,h4,h5,h6\r\n"张三, 李四","""老张""","第一行\n第二行","a\r\nb","甲\t乙","甲;乙"\r\n');
    const ws = readBack(buf);
    expect(['A2', 'B2', 'C2', 'D2', 'E2', 'F2'].map((a) => ws[a].v)).toEqual(cells);
    expect(ws.A3).toBeUndefined();
  });

  it('defuses text that Excel would run as a formula with a leading apostrophe', () => {
    const rows = [['备注'], ['=HYPERLINK("http://x")'], ['@SUM(A1:A9)'], ['+86-1'], ['-2+3'], ['\t=1']];
    const buf = csvBuffer({ name: 's', rows });
    expect(text(buf).split('\r\n').slice(1, 6)).toEqual(['"\'=HYPERLINK(""http://x"")"', "'@SUM(A1:A9)", "'+86-1", "'-2+3", '"\'\t=1"']);
    const ws = readBack(buf);
    for (const r of [2, 3, 4, 5, 6]) expect(ws[`A${r}`]).toMatchObject({ t: 's', v: `'${rows[r - 1][0]}` });
    expect(Object.values(ws).some((c) => typeof c === 'object' && c && 'f' in c)).toBe(false);
  });

  it('keeps number-like text as text: leading zeros, 18-digit ID numbers, codes that look like dates', () => {
    const rows = [['资产编号', '身份证号', '型号', '机构编码', '编号'], ['00123', '330106199001011234', '1-2', '330106', '33010619900101123X']];
    const buf = csvBuffer({ name: 's', rows });
    expect(text(buf).split('\r\n')[1]).toBe('"=""00123""","=""330106199001011234""","=""1-2""","=""330106""",33010619900101123X');
    const ws = readBack(buf);
    expect(['A2', 'B2', 'C2', 'D2', 'E2'].map((a) => [ws[a].t, ws[a].v])).toEqual(rows[1].map((v) => ['s', v]));
  });

  it('writes money as the yuan the workbook shows, without separators or float noise, dates as YYYY-MM-DD', () => {
    const sheet: OutSheet = {
      name: 's', formats: [FORMAT.yuan, FORMAT.count, '0.0%', undefined, undefined],
      rows: [['金额(元)', '数量', '达标率', '比值', '购置日期'], [fenToYuan(123_450), 12_345, 5 / 6, 0.1 + 0.2, { date: '2018-05-01' }], [fenToYuan(12_345_678_901), 7, 1, 1 / 3, { date: '无效' }]],
    };
    const lines = text(csvBuffer(sheet)).split('\r\n');
    expect(lines[0]).toBe('金额(元),数量,达标率,比值,购置日期');
    expect(lines[1]).toBe('1234.50,12345,83.3%,0.3,2018-05-01');
    expect(lines[2]).toBe('123456789.01,7,100.0%,0.333333333333333,无效');
    const ws = readBack(csvBuffer(sheet));
    expect([ws.A2.v, ws.B2.v, ws.A3.v]).toEqual([1234.5, 12_345, 123_456_789.01]);
  });

  it('gives every row as many fields as the widest, as RFC 4180 asks', () => {
    const buf = csvBuffer({ name: 's', frozen: 0, rows: [['标题'], [], ['a', 'b', 'c']] });
    expect(text(buf)).toBe('标题,,\r\n,,\r\na,b,c\r\n');
  });

  it('exports one sheet as .csv, several as a .zip of one .csv per sheet, or only the named main sheet', () => {
    const sheets: OutSheet[] = [{ name: '汇总', rows: [['a'], ['甲']] }, { name: '说明', rows: [['b'], ['乙']] }];
    expect(exportFile('台账', sheets.slice(0, 1), 'csv').fileName).toBe('台账.csv');
    expect(exportFile('台账', sheets, 'xlsx').fileName).toBe('台账.xlsx');
    const zip = exportFile('达标', sheets, 'csv', 'zip');
    expect(zip.fileName).toBe('达标.zip');
    const buf = Buffer.from(zip.base64, 'base64');
    const entries = zipEntries(buf);
    expect(entries.map((e) => e.name)).toEqual(['汇总.csv', '说明.csv']);
    expect(readEntry(buf, entries[1], 1e6).toString('utf8')).toBe('\uFEFFb\r\n乙\r\n');
    const main = exportFile('单价', sheets, 'csv', { sheet: '说明' });
    expect([main.fileName, Buffer.from(main.base64, 'base64').toString('utf8')]).toEqual(['单价.csv', '\uFEFFb\r\n乙\r\n']);
    expect(() => exportFile('单价', sheets, 'csv')).toThrow('未说明 CSV 导出哪些');
  });
});
