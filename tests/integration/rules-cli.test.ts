import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { agency, templateBuffer, tempDir } from '../fixtures/factories';
import { eql } from '../fixtures/serve';


/** A ledger file with a city of 20 staff and a county of 23 under it. */
function ledger(dir: string): string {
  const db = join(dir, 'l.db');
  expect(eql('init', '--db', db).code).toBe(0);
  const file = join(dir, 'in.xlsx');
  writeFileSync(file, templateBuffer([agency({ code: 'C1', level: 'city', staff: 20 }), agency({ code: 'K1', level: 'county', parentCode: 'C1', staff: 23 })]));
  expect(eql('import', file, '--db', db).code).toBe(0);
  return db;
}

/** The exported 2020 table with S01 at county level changed to 1 vehicle per 4 staff, as a province would edit it. */
function edited(exported: string, out: string, county: string): void {
  const wb = XLSX.read(readFileSync(exported));
  const ws = wb.Sheets[wb.SheetNames[0]];
  const aoa = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1 });
  const row = aoa.findIndex((r) => r[1] === 'S01');
  ws[XLSX.utils.encode_cell({ r: row, c: 6 })] = { t: 's', v: county };
  writeFileSync(out, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

describe('eql rules', { timeout: 300_000 }, () => {
  it('lists, exports and imports an edition, and measures shortfall against the imported id', () => {
    const dir = tempDir();
    const db = ledger(dir);
    const list = JSON.parse(eql('rules', 'list', '--db', db, '--json').out) as { id: string }[];
    expect(list.map((s) => s.id)).toEqual(['national-2020', 'zhejiang-2022']);
    expect(eql('rules', 'list', '--db', db).out).toContain('浙江省评分细则配备要求(2022)');

    const exported = join(dir, '2020.xlsx');
    const ex = eql('rules', 'export', 'national-2020', '--db', db, '--out', exported);
    expect(ex).toMatchObject({ code: 0, out: `已导出到 ${exported}\n` });
    const file = join(dir, '2024版.xlsx');
    edited(exported, file, '1辆/4人');
    const im = eql('rules', 'import', file, '--db', db, '--id', 'national-2024', '--name', '2024 年版');
    expect(im.err).toBe('');
    expect(im.out).toContain('已导入配备标准 national-2024「2024 年版」:84 条配备数量');
    expect((JSON.parse(eql('rules', 'list', '--db', db, '--json').out) as { id: string }[]).map((s) => s.id)).toContain('national-2024');

    const required = (rules: string) => {
      const r = eql('shortfall', '--db', db, '--rules', rules, '--json');
      expect(r.code).toBe(0);
      return (JSON.parse(r.out).rows as { agency: string; item: string; required: number }[]).find((x) => x.agency === 'K1' && x.item === 'S01')!.required;
    };
    // ceil(23 / 4) = 6 under the imported edition; ceil(23 / 5) = 5 under 2020.
    expect(required('national-2024')).toBe(6);
    expect(required('national-2020')).toBe(5);

    // The county holds no vehicle: 5 short under 2020, 6 under the edition; the city of 20 unchanged (4 and 4).
    const compared = JSON.parse(eql('rules', 'compare', 'national-2020', 'national-2024', '--db', db, '--json').out);
    expect(compared.changes).toEqual([expect.objectContaining({ agency: 'K1', item: 'S01', requiredBase: 5, requiredOther: 6, shortfallBase: 5, shortfallOther: 6 })]);
    const table = eql('rules', 'compare', 'national-2020', 'national-2024', '--db', db);
    expect(table.out).toMatch(/缺额合计 \d+ → \d+,购置金额变化 [\d,.]+ 元,涉及 1 个机构/);
    const diff = join(dir, '差异表.xlsx');
    expect(eql('rules', 'compare', 'national-2020', 'national-2024', '--db', db, '--out', diff).code).toBe(0);
    expect(XLSX.read(readFileSync(diff)).SheetNames).toEqual(['机构汇总', '差异明细', '说明']);
    expect(eql('rules', 'compare', 'national-2020', '--db', db).err).toContain('用法:eql rules compare 基准编号 对比编号');

    const again = eql('rules', 'import', file, '--db', db, '--id', 'national-2024', '--name', '2024 年版');
    expect(again.code).toBe(1);
    expect(again.err).toContain('已存在');
    expect(eql('rules', 'import', file, '--db', db, '--id', 'national-2024', '--replace').out).toContain('已替换配备标准 national-2024');
  });

  it('refuses a bad file at its cell and stores nothing; asks for what is missing', () => {
    const dir = tempDir();
    const db = ledger(dir);
    const exported = join(dir, '2020.xlsx');
    expect(eql('rules', 'export', 'national-2020', '--db', db, '--out', exported).code).toBe(0);
    const bad = join(dir, '2024版.xlsx');
    edited(exported, bad, '两辆/5人');
    const r = eql('rules', 'import', bad, '--db', db, '--id', 'national-2024');
    expect(r.code).toBe(1);
    expect(r.err).toContain('文件「2024版.xlsx」 工作表「配备标准」 第 7 行 G 列(县级):「两辆/5人」不是配备数量');
    expect(JSON.parse(eql('rules', 'list', '--db', db, '--json').out)).toHaveLength(2);
    expect(eql('rules', 'import', bad, '--db', db).err).toContain('缺少 --id ID');
    expect(eql('rules', 'export', '--db', db, '--out', exported).err).toContain('缺少要导出的配备标准编号');
    expect(eql('rules', 'export', 'nope', '--db', db, '--out', exported).err).toContain('未知的配备标准「nope」');
    expect(eql('shortfall', '--help').out).toContain('--rules 为 eql rules list 所列的任一配备标准');
  });
});
