import { describe, expect, it } from 'vitest';
import type { BookValueResult, DepreciationLife, DisposalRow, Overview } from '../../api/contract';
import { formatProblem } from '../../lib/problems';
import { testClock } from '../fixtures/context';
import { as, call, refused, rows, seededLedger } from '../fixtures/engine';
import { agency, asset, templateBuffer } from '../fixtures/factories';
import { sql } from 'kysely';

const clock = testClock('2026-11-20T02:00:00Z', 'Asia/Shanghai');
const CITY = agency({ code: 'C1', level: 'city', staff: 20 });
const K1 = agency({ code: 'K1', level: 'county', parentCode: 'C1', staff: 10 });
const K2 = agency({ code: 'K2', level: 'county', parentCode: 'C1', staff: 10 });

const ledger = async () => {
  const l = await seededLedger(templateBuffer([CITY, K1, K2], [
    asset({ assetTag: 'K1-CAR', itemCode: 'S01', agencyCode: 'K1', priceFen: 24_000_000, purchaseDate: '2024-03-15' }),
    asset({ assetTag: 'K1-PRN', itemCode: 'S23', agencyCode: 'K1', priceFen: 100_000, purchaseDate: '2025-01-05' }),
    asset({ assetTag: 'K2-PC', itemCode: 'S22', agencyCode: 'K2', priceFen: 720_000, purchaseDate: '2026-06-18' }),
  ]), clock);
  return { l, admin: as(l), k1: as(l, 'manager', { agencyCode: 'K1' }), head: as(l, 'head', { agencyCode: 'K1' }), city: as(l, 'manager', { agencyCode: 'C1' }) };
};
const list = (ctx: ReturnType<typeof as>, input: object = {}) => call<BookValueResult>(ctx, 'bookValue/list', input);
const tags = (r: BookValueResult) => r.rows.map((x) => [x.tag, x.months, x.bookValueFen]);

describe('book value in the ledger', () => {
  it('a county manager reads its own units’ book values, the city its subtree’s, and no county its sibling’s', async () => {
    const { k1, city } = await ledger();
    expect(tags(await list(k1, { date: '2026-11-20' }))).toEqual([['K1-CAR', 33, 15_750_000], ['K1-PRN', 23, 68_056]]);
    expect((await list(city, { date: '2026-11-20' })).rows.map((x) => x.tag)).toEqual(['K1-CAR', 'K1-PRN', 'K2-PC']);
    expect((await list(city)).date).toBe(clock.today());
    expect(formatProblem((await refused(k1, 'bookValue/list', { agency: 'K2' }))[0])).toContain('机构「K2」不在您的管辖范围内');
    // The overview's total is summed by the database, to the fen as the rows are.
    const overview = async (ctx: ReturnType<typeof as>) => (await call<Overview>(ctx, 'overview/summary', {})).bookValueFen;
    expect(await overview(k1)).toBe((await list(k1)).totalBookValueFen);
    expect(await overview(city)).toBe((await list(city)).totalBookValueFen);
    expect(await overview(city)).toBeGreaterThan(await overview(k1));
  });

  it('a printer scrapped on 15 July leaves the books then, depreciated for 18 months and not for July', async () => {
    const { l, k1, head } = await ledger();
    const id = (await rows<{ id: number }>(l, sql`select id from assets where asset_tag = 'K1-PRN'`))[0].id;
    const d = await call<DisposalRow>(k1, 'disposals/request', { assetId: id, reason: '损坏' });
    await call(head, 'disposals/approve', { id: d.id, approvalRef: '县财〔2026〕8号' });
    await call(k1, 'disposals/complete', { id: d.id, disposedDate: '2026-07-15', residualValueFen: null });
    expect(tags(await list(k1, { date: '2026-06-30' }))).toEqual([['K1-CAR', 28, 17_000_000], ['K1-PRN', 18, 75_000]]);
    expect(tags(await list(k1, { date: '2026-07-15' })).map(([tag]) => tag)).toEqual(['K1-CAR']);
    expect((await call<Overview>(k1, 'overview/summary', {})).bookValueFen).toBe((await list(k1)).totalBookValueFen);
  });

  it('lives may be raised above the table by a whole-ledger account, never lowered, and the values follow', async () => {
    const { l, k1 } = await ledger();
    const head = as(l, 'head');
    const lives = await call<DepreciationLife[]>(head, 'bookValue/lives', {});
    expect(lives.find((c) => c.id === 'office')).toMatchObject({ name: '办公设备', minYears: 6, years: 6, items: expect.arrayContaining(['S23', 'S24']) });
    const low = await refused(head, 'bookValue/saveLives', { years: { vehicle: 6 } });
    expect(low[0].message).toBe('车辆的折旧年限不能低于 8 年(财会〔2017〕4号表1)');
    expect((await refused(k1, 'bookValue/saveLives', { years: { vehicle: 10 } }))[0]).toMatchObject({ code: 'forbidden' });
    const saved = await call<DepreciationLife[]>(head, 'bookValue/saveLives', { years: { vehicle: 10, office: 6 } });
    expect(saved.find((c) => c.id === 'vehicle')!.years).toBe(10);
    // 33 of 120 months: 6,600,000 fen depreciated.
    expect(tags(await list(k1, { date: '2026-11-20' }))[0]).toEqual(['K1-CAR', 33, 17_400_000]);
    expect((await call<Overview>(k1, 'overview/summary', {})).bookValueFen).toBe((await list(k1)).totalBookValueFen);
  });
});
