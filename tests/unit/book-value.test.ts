import { describe, expect, it } from 'vitest';
import { bookValues, classOf, depreciated, livesOf, monthsDepreciated } from '../../quotas/book-value';
import { CATALOG } from '../../quotas/catalog';

/** Figures worked by hand: straight line by the month, no residual value, the month added counted, the month removed not. */
describe('book value under 政府会计准则第3号', () => {
  it('a vehicle of 240,000 yuan bought on 15 March 2024 has 33 of its 96 months depreciated by 20 November 2026', () => {
    const months = monthsDepreciated('2024-03-15', '2026-11-20', 96);
    expect(months).toBe(33);
    expect(depreciated(24_000_000, months, 96)).toEqual({ depreciationFen: 8_250_000, bookValueFen: 15_750_000 });
  });

  it('a computer bought on 18 June is depreciated for June, its first month, and not before it was bought', () => {
    expect(monthsDepreciated('2026-06-18', '2026-06-30', 72)).toBe(1);
    expect(monthsDepreciated('2026-06-18', '2026-06-17', 72)).toBe(0);
    expect(monthsDepreciated('2026-06-18', '2026-05-31', 72)).toBe(0);
    expect(depreciated(720_000, 1, 72)).toEqual({ depreciationFen: 10_000, bookValueFen: 710_000 });
  });

  it('a fully depreciated instrument still in use stays at book value 0', () => {
    expect(monthsDepreciated('2019-01-10', '2026-11-20', 60)).toBe(60);
    expect(depreciated(500_000, 60, 60)).toEqual({ depreciationFen: 500_000, bookValueFen: 0 });
  });

  it('a printer scrapped on 15 July is not depreciated for July: 18 months from January of the year before', () => {
    expect(monthsDepreciated('2025-01-05', '2026-07-31', 72, '2026-07-15')).toBe(18);
    expect(monthsDepreciated('2025-01-05', '2026-12-31', 72, '2026-07-15')).toBe(18);
    // Before it was scrapped, June counts as every month does.
    expect(monthsDepreciated('2025-01-05', '2026-06-30', 72, '2026-07-15')).toBe(18);
    expect(depreciated(100_000, 18, 72)).toEqual({ depreciationFen: 25_000, bookValueFen: 75_000 });
  });

  it('rounds the accumulated depreciation to the fen, so the months add up to the price exactly', () => {
    const steps = Array.from({ length: 73 }, (_, m) => depreciated(100, m, 72).depreciationFen);
    expect(steps[1]).toBe(1);
    expect(steps[72]).toBe(100);
    expect(steps.every((v, i) => i === 0 || v >= steps[i - 1])).toBe(true);
  });

  it('takes each class’s life from the 应用指南’s table, raised where the ledger raised it, never lowered', () => {
    const lives = livesOf({ vehicle: 5, computer: 8 });
    expect([lives.get('vehicle'), lives.get('computer'), lives.get('instrument'), lives.get('radar')]).toEqual([8, 8, 5, 10]);
    const item = (code: string) => classOf(CATALOG.find((c) => c.code === code)!);
    expect([item('S01'), item('S22'), item('S23'), item('S15'), item('S04')]).toEqual(['vehicle', 'computer', 'office', 'instrument', 'broadcast']);
    // An item an edition added takes its category's class.
    expect(classOf({ code: 'N01', category: '通讯与办公设备' })).toBe('office');
    expect(classOf({ code: 'N02', category: '噪声监测设备' })).toBe('instrument');
  });

  it('sums the book values of the units on the books', () => {
    const r = bookValues([{ tag: 'A', item: 'S01', priceFen: 24_000_000, acquiredOn: '2024-03-15' }, { tag: 'B', item: 'S15', priceFen: 500_000, acquiredOn: '2019-01-10' }],
      '2026-11-20', (item) => (item === 'S01' ? 96 : 60));
    expect(r.rows.map((x) => [x.tag, x.months, x.bookValueFen])).toEqual([['A', 33, 15_750_000], ['B', 60, 0]]);
    expect(r.totalBookValueFen).toBe(15_750_000);
  });
});
