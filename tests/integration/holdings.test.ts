import { describe, expect, it } from 'vitest';
import { DEMO_PROVINCE, generateAgencies, generateAssets } from '../../server/demo/generate';
import { loadLedger } from '../../db/queries/bulk';
import { holdingsAsOf } from '../../db/queries/holdings';
import { listAgencies } from '../../db/queries/agencies';
import { loadCatalog } from '../../db/queries/reference';
import { countHoldings } from '../../quotas/engine';
import { shortfall } from '../../server/handlers/quotas';
import { testLedger } from '../fixtures/engine';

const who = { actor: 'test', at: '2026-11-23T00:00:00Z' };

describe('holdings from the database', () => {
  it('match the engine counting the same assets one by one', async () => {
    const { store } = await testLedger();
    const agencies = generateAgencies(7, [DEMO_PROVINCE]);
    const assets = [...generateAssets(7, agencies, 8_000, '2026-11-23')];
    await store.write((tx) => loadLedger(tx, who, 'test', agencies, assets));
    const stored = await listAgencies(store);
    const catalog = await loadCatalog(store);
    for (const date of ['2026-11-23', '2027-06-30']) {
      const expected = countHoldings(
        assets.map((a) => ({ agency: a.agencyCode, item: a.itemCode, status: a.status, calibrationValidUntil: a.calibrationValidUntil })),
        date, stored, catalog,
      );
      const got = await store.read((tx) => holdingsAsOf(tx, date, stored, catalog));
      expect(got).toEqual(expected);
      expect(got.activeCalibrated.reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
    }
  });

  it('counted for some agencies only, match the whole count in their cells and hold nothing elsewhere', async () => {
    const { store } = await testLedger();
    const agencies = generateAgencies(7, [DEMO_PROVINCE]);
    await store.write((tx) => loadLedger(tx, who, 'test', agencies, generateAssets(7, agencies, 8_000, '2026-11-23')));
    const stored = await listAgencies(store);
    const catalog = await loadCatalog(store);
    const all = await store.read((tx) => holdingsAsOf(tx, '2026-11-23', stored, catalog));
    const some = stored.filter((a) => a.level === 'county').slice(0, 3);
    const part = await store.read((tx) => holdingsAsOf(tx, '2026-11-23', stored, catalog, some.map((a) => a.id)));
    const kept = new Set(some.map((a) => stored.indexOf(a)));
    for (const field of ['held', 'active', 'activeCalibrated'] as const) {
      part[field].forEach((n, cell) => expect(n).toBe(kept.has(Math.floor(cell / catalog.length)) ? all[field][cell] : 0));
    }
    expect(part.held.reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
  });

  it('a shortfall read for one agency, alone or rolled up, has the figures of the whole ledger’s', async () => {
    const { store } = await testLedger();
    const agencies = generateAgencies(7, [DEMO_PROVINCE]);
    await store.write((tx) => loadLedger(tx, who, 'test', agencies, generateAssets(7, agencies, 8_000, '2026-11-23')));
    const city = agencies.find((a) => a.level === 'city')!.code;
    const county = agencies.find((a) => a.level === 'county')!.code;
    for (const rollup of [false, true]) {
      const whole = (await store.read((tx) => shortfall(tx, { rollup }, '2026-11-23'))).rows;
      for (const code of [city, county]) {
        const one = (await store.read((tx) => shortfall(tx, { agency: code, rollup }, '2026-11-23'))).rows;
        expect(one).toEqual(whole.filter((r) => r.agency === code));
        expect(one.some((r) => r.held > 0)).toBe(true);
      }
    }
  });

  it('calibrations expire in the shortfall report as the reference date moves on', async () => {
    const { store } = await testLedger();
    const agencies = generateAgencies(7, [DEMO_PROVINCE]);
    await store.write((tx) => loadLedger(tx, who, 'test', agencies, generateAssets(7, agencies, 8_000, '2026-11-23')));
    const usable = async (date: string) =>
      (await store.read((tx) => shortfall(tx, { agency: '990000', rollup: true, date }, '2026-11-23'))).rows.find((r) => r.item === 'S15')!.usable;
    expect(await usable('2028-01-01')).toBeLessThan(await usable('2026-11-23'));
    expect(await usable('2028-01-01')).toBe(0);
  });
});

describe('the demo generator', () => {
  it('builds the same ledger from the same seed', () => {
    const a = generateAgencies(3, [DEMO_PROVINCE]);
    expect(generateAgencies(3, [DEMO_PROVINCE])).toEqual(a);
    const first = [...generateAssets(3, a, 2_000, '2026-11-23')];
    expect([...generateAssets(3, a, 2_000, '2026-11-23')]).toEqual(first);
  });

  it('makes exactly the number of assets asked for, or only the current holdings when asked for fewer', () => {
    const agencies = generateAgencies(3, [DEMO_PROVINCE]);
    expect([...generateAssets(3, agencies, 30_000, '2026-11-23')]).toHaveLength(30_000);
    const few = [...generateAssets(3, agencies, 10, '2026-11-23')];
    expect(few.length).toBeGreaterThan(10);
    expect(few.every((a) => a.status !== 'scrapped')).toBe(true);
  });

  it('gives every county 5 to 30 staff and leaves some items short', () => {
    const agencies = generateAgencies(3, [DEMO_PROVINCE]);
    const counties = agencies.filter((a) => a.level === 'county');
    expect(counties).toHaveLength(100);
    expect(agencies.filter((a) => a.level === 'city')).toHaveLength(12);
    for (const c of counties) expect(c.staff).toBeGreaterThanOrEqual(5);
    const mean = counties.reduce((s, c) => s + c.staff, 0) / counties.length;
    expect(mean).toBeGreaterThan(12);
    expect(mean).toBeLessThan(20);
  });
});
