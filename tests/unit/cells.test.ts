import { describe, expect, it } from 'vitest';
import { looksLikeDate, parseDate, parseNumber, parseYuanToFen, parseCount, cellText, normalizeText, MAX_CELL_TEXT } from '../../excel/cells';
import { excelSerialToIso, isoToExcelSerial } from '../../lib/dates';

const s = (v: string) => ({ t: 's', v });
const n = (v: number) => ({ t: 'n', v });

describe('dates', () => {
  it.each([
    ['2019-05-01', '2019-05-01'], ['2019/5/1', '2019-05-01'], ['2019.05.01', '2019-05-01'], ['2019年5月1日', '2019-05-01'],
    ['20190501', '2019-05-01'], ['2019.05', '2019-05-01'], ['2019年5月', '2019-05-01'], [' ２０１９－０５－０１ ', '2019-05-01'],
  ])('reads the text date %s', (text, iso) => {
    expect(parseDate(s(text))).toEqual({ ok: true, value: iso });
  });

  it('reads Excel serial dates in the 1900 and 1904 systems', () => {
    expect(parseDate(n(43586))).toEqual({ ok: true, value: '2019-05-01' });
    expect(parseDate(n(43586 - 1462), true)).toEqual({ ok: true, value: '2019-05-01' });
    expect(excelSerialToIso(1)).toBe('1900-01-01');
    expect(excelSerialToIso(61)).toBe('1900-03-01');
    expect(isoToExcelSerial('2019-05-01')).toBe(43586);
  });

  it.each(['2023-02-30', '2023-13-01', '2021-02-29', '2019年13月', '明年', '5/1/2019'])('refuses the impossible date %s', (text) => {
    const r = parseDate(s(text));
    expect(r.ok).toBe(false);
  });

  it('refuses a serial number outside the calendar', () => {
    expect(parseDate(n(-5)).ok).toBe(false);
    expect(parseDate(n(9e9)).ok).toBe(false);
  });

  it('refuses a date written with the year last (1/23/23), saying the order of month and day cannot be told', () => {
    for (const v of ['1/23/23', '4/5/16', '23.01.2023']) {
      const r = parseDate({ t: 's', v });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toContain('月与日的次序无法确定');
      expect(looksLikeDate({ t: 's', v })).toBe(true);
    }
    expect(looksLikeDate({ t: 's', v: '台' })).toBe(false);
  });

  it('leaves blank cells empty', () => {
    expect(parseDate(undefined)).toEqual({ ok: true, value: null });
    expect(parseDate(s('   '))).toEqual({ ok: true, value: null });
  });
});

describe('numbers and money', () => {
  it.each([
    ['1,234', 1234], ['１２３', 123], ['-5', -5], ['3.5', 3.5], ['¥2,500.50', 2500.5], ['2500元', 2500],
  ])('reads %s as %d', (text, value) => {
    expect(parseNumber(s(text))).toEqual({ ok: true, value });
  });

  it.each(['12a', '1,23', '--1', 'NaN', 'Infinity'])('refuses %s', (text) => {
    expect(parseNumber(s(text)).ok).toBe(false);
  });

  it('stores yuan as integer fen without floating-point drift', () => {
    expect(parseYuanToFen(n(0.1 + 0.2))).toEqual({ ok: true, value: 30 });
    expect(parseYuanToFen(s('¥1,999.99'))).toEqual({ ok: true, value: 199999 });
    expect(parseYuanToFen(n(-1)).ok).toBe(false);
  });

  it('counts must be whole and not negative', () => {
    expect(parseCount(n(12), '人数')).toEqual({ ok: true, value: 12 });
    expect(parseCount(n(-3), '人数')).toMatchObject({ ok: false, message: expect.stringContaining('负数') });
    expect(parseCount(n(2.5), '人数')).toMatchObject({ ok: false, message: expect.stringContaining('整数') });
    expect(parseCount(s('十二'), '人数').ok).toBe(false);
  });

  it('prints whole numbers in code cells without a decimal point', () => {
    expect(cellText(n(330100))).toBe('330100');
  });
});

describe('hostile cell text', () => {
  const spaces = ' '.repeat(1_000_000);

  it('a cell with a million spaces inside its text is trimmed and read in one pass', () => {
    const text = cellText(s(`x${spaces}x`));
    expect(text).toHaveLength(MAX_CELL_TEXT);
    expect(text!.startsWith('x ')).toBe(true);
    expect(normalizeText(`\u3000x${spaces}x`)).toBe('x');
    expect(parseNumber(s(`1${spaces}2`)).ok).toBe(false);
    expect(parseDate(s(`2019${spaces}-05-01`)).ok).toBe(false);
  });

  it('a number or date padded with a million spaces on both sides still reads', () => {
    expect(parseNumber(s(`${spaces}1,234${spaces}`))).toEqual({ ok: true, value: 1234 });
    expect(parseDate(s(`${spaces}2019-05-01\u3000${spaces}`))).toEqual({ ok: true, value: '2019-05-01' });
    expect(cellText(s(`\u3000${spaces}\u3000`))).toBeNull();
  });
});
