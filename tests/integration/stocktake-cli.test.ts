import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { agency, asset, templateBuffer, tempDir } from '../fixtures/factories';
import { hasPoppler, pdfText } from '../fixtures/pdf';
import { eql } from '../fixtures/serve';


/** A county K (with K-1, K-2, K-3 and the scrapped K-4) and J (with J-1) under city M. */
function ledger(dir: string): string {
  const db = join(dir, 'l.db');
  expect(eql('init', '--db', db).code).toBe(0);
  const file = join(dir, 'in.xlsx');
  writeFileSync(file, templateBuffer([agency({ code: 'M', level: 'city' }), agency({ code: 'K', parentCode: 'M' }), agency({ code: 'J', parentCode: 'M' })], [
    asset({ assetTag: 'K-1', itemCode: 'S01', agencyCode: 'K' }), asset({ assetTag: 'K-2', itemCode: 'S09', agencyCode: 'K' }),
    asset({ assetTag: 'K-3', itemCode: 'S09', agencyCode: 'K' }), asset({ assetTag: 'K-4', itemCode: 'S09', agencyCode: 'K', status: 'scrapped' }),
    asset({ assetTag: 'J-1', itemCode: 'S01', agencyCode: 'J' }),
  ]));
  expect(eql('import', file, '--db', db).code).toBe(0);
  return db;
}

describe('eql stocktake', { timeout: 120_000 }, () => {
  it('starts, scans, closes with the issue\'s JSON and writes the report a script can read back', () => {
    const dir = tempDir();
    const db = ledger(dir);
    const started = eql('stocktake', 'start', '--db', db, '--agency', 'M', '--title', '年度盘点', '--json');
    expect(started.err).toBe('');
    const { id, expected } = JSON.parse(started.out);
    expect(expected).toBe(4);
    const scanned = eql('stocktake', 'scan', '--db', db, '--id', String(id), 'K-1', 'https://eql.example.cn/a/K-1', 'J-1', 'K-4', 'NEW-1', '--at', 'K');
    expect(scanned.code).toBe(0);
    expect(scanned.out.trim().split('\n')).toEqual(['K-1\t账实相符', 'K-1\t重复', 'J-1\t位置不符(账面在 J)', 'K-4\t状态不符', 'NEW-1\t盘盈']);
    const closed = eql('stocktake', 'close', '--db', db, '--id', String(id), '--json');
    expect(closed.err).toBe('');
    expect(JSON.parse(closed.out)).toEqual({
      found: 2, misplaced: [{ tag: 'J-1', expected: 'J', at: 'K' }], surplus: ['NEW-1'], missing: ['K-2', 'K-3'], duplicates: 1, statusMismatch: ['K-4'],
    });
    const out = join(dir, '盘点报告.xlsx');
    expect(eql('stocktake', 'report', '--db', db, '--id', String(id), '--out', out).code).toBe(0);
    const summary = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(readFileSync(out)).Sheets['汇总'], { header: 1, defval: null });
    expect(summary.find((r) => r[0] === '合计')!.slice(4)).toEqual([4, 2, 1, 1, 1, 2, 1]);
    const pdf = join(dir, '盘点报告.pdf');
    const printed = eql('stocktake', 'report', '--db', db, '--id', String(id), '--out', pdf);
    expect([printed.code, printed.out.trim()]).toEqual([0, `已导出到 ${pdf}`]);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    if (hasPoppler) {
      const text = pdfText(pdf);
      expect(text).toMatch(/^\s*合计\s+4\s+2\s+1\s+1\s+1\s+2\s+1\s*$/m);
      expect(text).toMatch(/^\s*\d+\s+盘盈\s+NEW-1\s/m);
    }
  });

  it('says in Chinese what is wrong and exits non-zero', () => {
    const dir = tempDir();
    const db = ledger(dir);
    const unknown = eql('stocktake', 'start', '--db', db, '--agency', 'NOPE', '--json');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('机构「NOPE」不存在');
    expect(eql('stocktake', 'scan', '--db', db, '--id', 'abc', 'K-1').err).toContain('--id 应为盘点编号');
    const missing = eql('stocktake', 'close', '--db', db, '--id', '42');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('盘点 #42 不存在');
  });
});
