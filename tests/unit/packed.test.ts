import { describe, expect, it } from 'vitest';
import type { Cell } from '../../excel/cells';
import { pack, unpack } from '../../excel/packed';
import type { ReadResult } from '../../excel/workbook';

describe('a workbook crossing back from the parse worker', () => {
  it('arrives cell for cell as it was read: texts, numbers, booleans, errors, cells without a value, holes and missing rows', () => {
    const rows: (Cell | undefined)[][] = [];
    rows[0] = [{ t: 's', v: '资产编号' }, undefined, { t: 's', v: '' }, { t: 'n', v: 41268 }];
    rows[2] = [{ t: 'b', v: true }, { t: 'b', v: false }, { t: 'e', v: 7 }, { t: 'z' }, { t: 'n', v: -0.5 }];
    rows[3] = [];
    rows[5] = new Array(4);
    rows[5][3] = { t: 's', v: '末列' };
    const read: ReadResult = {
      ok: true,
      workbook: { sheets: [{ name: '台账', rows, merges: [{ s: { r: 0, c: 0 }, e: { r: 0, c: 1 } }], hidden: false }, { name: '空', rows: [], merges: [], hidden: true }], date1904: true, format: 'xls' },
    };
    const back = unpack(structuredClone(pack(read)));
    expect(back).toEqual(read);
    const sheet = back.ok ? back.workbook.sheets[0] : null;
    expect(sheet!.rows.length).toBe(6);
    expect(1 in sheet!.rows).toBe(false);
    expect(1 in sheet!.rows[0]).toBe(false);
    expect(sheet!.rows[5].length).toBe(4);
  });

  it('passes a refusal through as it is', () => {
    const refused: ReadResult = { ok: false, problems: [{ file: 'a.xls', message: '文件为空' }] };
    expect(unpack(pack(refused))).toEqual(refused);
  });
});
