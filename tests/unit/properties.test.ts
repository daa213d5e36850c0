import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { api } from '../../api/contract';
import { addYears, isIsoDate, lastDateYearsBefore, ymd } from '../../lib/dates';
import { CATALOG, SHIPPED_RULE_SETS } from '../../quotas/catalog';
import { countHoldings, measure, quotaRows, rollUp, type AgencyFacts, type AssetFacts } from '../../quotas/engine';
import { parseCount, parseDate, parseNumber, parseYuanToFen, type Cell } from '../../excel/cells';
import { checkTemplate } from '../../excel/template';
import { MAX_CELLS, MAX_SHEET_ROWS, MAX_TEXT_CHARS, MAX_UNPACKED_BYTES } from '../../excel/workbook';
import { parseFile } from '../../excel/parse';
import { workbookBuffer } from '../../excel/write';

const RUNS = { numRuns: 300 };

/** Any cell SheetJS can hand us: numbers (odd ones too), text of any shape, booleans, errors, blanks. */
const cell: fc.Arbitrary<Cell | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.double().map((v) => ({ t: 'n', v })),
  fc.integer().map((v) => ({ t: 'n', v })),
  fc.string({ unit: 'binary', maxLength: 40 }).map((v) => ({ t: 's', v })),
  fc.constantFrom('２０１９年５月', '2019.05', '1,234.5', '¥12,000', '—', '  ', '=1+1', 'NaN', '1e309', '-0', '２３').map((v) => ({ t: 's', v })),
  fc.boolean().map((v) => ({ t: 'b', v })),
  fc.constant({ t: 'e', v: 7 }),
);

describe('the cell parsers, on any value', () => {
  it('answer with a value of the right type or a message, never a throw', () => {
    fc.assert(fc.property(cell, (c) => {
      for (const r of [parseNumber(c), parseCount(c, '人数'), parseYuanToFen(c)]) {
        if (r.ok) expect(r.value === null || Number.isFinite(r.value)).toBe(true);
        else expect(r.message).toMatch(/\S/);
      }
      const count = parseCount(c, '人数');
      if (count.ok && count.value !== null) expect(Number.isInteger(count.value) && count.value >= 0).toBe(true);
      const fen = parseYuanToFen(c);
      if (fen.ok && fen.value !== null) expect(Number.isInteger(fen.value)).toBe(true);
      const date = parseDate(c);
      if (date.ok && date.value !== null) expect(isIsoDate(date.value)).toBe(true);
    }), RUNS);
  });
});

describe('the template reader, on random sheets', () => {
  const HEADERS = ['资产编号', '装备代码', '规格型号', '所属机构编码', '购置日期', '购置金额(元)', '状态', '责任人', '车牌号', '行驶里程(公里)', '检定有效期至', '备注'];
  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -1e6, max: 1e9 }), fc.double({ noNaN: false }), fc.constant(null), fc.constantFrom('S01', 'X99', '在用', '报废', '2019.05', '=HYPERLINK("x")'));
  it('returns rows or problems with a place, never throws', () => {
    fc.assert(fc.property(fc.array(fc.array(value, { maxLength: 12 }), { maxLength: 30 }), fc.boolean(), (rows, withHeader) => {
      const buf = workbookBuffer([{ name: '装备', rows: withHeader ? [HEADERS, ...rows] : rows }]);
      const read = parseFile(buf, 'p.xlsx', { unpackedBytes: MAX_UNPACKED_BYTES, sheetRows: MAX_SHEET_ROWS, cells: MAX_CELLS, textChars: MAX_TEXT_CHARS });
      const r = read.ok ? checkTemplate(read.workbook, { file: 'p.xlsx', today: '2026-11-23', itemCodes: new Set(CATALOG.map((c) => c.code)), existingAgencies: new Map([['K', { level: 'county', parentCode: null }]]) }) : read;
      if (r.ok) for (const a of r.assets) expect(a.agencyCode).toBe('K');
      else for (const p of r.problems) expect(p.message).toMatch(/\S/);
    }), { numRuns: 150 });
  });
});

describe('the quota engine, on random agencies and assets', () => {
  const agencies = fc.uniqueArray(
    fc.record({ code: fc.stringMatching(/^[A-Z]\d{1,3}$/), level: fc.constantFrom('province', 'city', 'county'), staff: fc.nat(500), offices: fc.nat(20) }),
    { selector: (a) => a.code, minLength: 1, maxLength: 12 },
  ).map((xs) => xs.map((a): AgencyFacts => ({ ...a, parentCode: null }) as AgencyFacts));
  const ruleSet = fc.constantFrom(...SHIPPED_RULE_SETS);

  it('keeps shortfall = max(0, required − held), surplus its mirror, usable within held, and a roll-up of unrelated agencies unchanged', () => {
    fc.assert(fc.property(agencies, ruleSet, fc.nat(60), fc.integer(), (ags, rules, n, seed) => {
      const assets: AssetFacts[] = Array.from({ length: n }, (_, i) => ({
        agency: ags[Math.abs(seed + i * 7) % ags.length].code,
        item: CATALOG[Math.abs(seed * 3 + i) % CATALOG.length].code,
        status: (['in_service', 'under_repair', 'idle', 'scrapped'] as const)[Math.abs(seed + i) % 4],
        calibrationValidUntil: i % 3 ? '2027-01-01' : null,
      }));
      const m = measure(ags, CATALOG, rules, countHoldings(assets, '2026-11-23', ags, CATALOG));
      for (const r of quotaRows(m)) {
        expect(r.shortfall).toBe(Math.max(0, r.required - r.held));
        expect(r.surplus).toBe(Math.max(0, r.held - r.required));
        expect(r.usable).toBeLessThanOrEqual(r.held);
        expect(Number.isInteger(r.required) && r.required >= 0).toBe(true);
      }
      const own = quotaRows(m);
      const rolled = quotaRows(rollUp(m));
      // With no parents, a roll-up changes nothing.
      expect(rolled).toEqual(own);
    }), RUNS);
  });
});

describe('the api schemas, on hostile input', () => {
  const hostile = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.constant({ __proto__: { isAdmin: true } }),
    fc.constant({ constructor: { prototype: { polluted: true } } }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 300 }), fc.double(), fc.constant(null), fc.array(fc.integer(), { maxLength: 5 }))),
  );
  it('either accept a value of the declared shape or refuse with issues, never throw or pollute prototypes', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(api) as (keyof typeof api)[]), hostile, (name, input) => {
      const r = api[name].input.safeParse(input);
      if (!r.success) expect(r.error.issues.length).toBeGreaterThan(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    }), { numRuns: 2000 });
  });
});

describe('the due-lists\' last purchase date', () => {
  const date = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const leapDays = fc.constantFrom('2016-02-29', '2017-02-28', '2020-02-29', '2021-02-28', '2021-03-01', '2024-02-29', '2025-02-28');
  it('holds every purchase that has served its years by the date, and only those, around 29 February too', () => {
    fc.assert(fc.property(fc.oneof(date, leapDays), fc.oneof(date, leapDays), fc.integer({ min: 0, max: 30 }), (bought, until, years) => {
      expect(bought <= lastDateYearsBefore(until, years)).toBe(addYears(bought, years) <= until);
    }), { numRuns: 5000 });
    expect(lastDateYearsBefore('2021-02-28', 1)).toBe('2020-02-29');
    expect(lastDateYearsBefore(ymd(2024, 2, 29), 1)).toBe('2023-02-28');
  });
});
