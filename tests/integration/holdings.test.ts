import { describe, expect, it } from 'vitest';
import { DEMO_PROVINCE, generateAgencies, generateAssets } from '../../server/demo/generate';
import { loadLedger } from '../../db/queries/bulk';
import { sqliteStore } from '../../db/store';
import { holdingsAsOf } from '../../db/queries/holdings';
import { listAgenciesSync } from '../../db/queries/agencies';
import { loadCatalogSync } from '../../db/queries/reference';
import { countHoldings } from '../../quotas/engine';
import { shortfall } from '../../server/handlers/quotas';
import { tempLedger } from '../fixtures/factories';

const who = { actor: 'test', at: '2026-11-23T00:00:00Z' };

describe('holdings from the database', () => {
  it('match the engine counting the same assets one by one', async () => {
    const { db } = tempLedger();
    const agencies = generateAgencies(7, [DEMO_PROVINCE]);
    const assets = [...generateAssets(7, agencies, 8_000, '2026-11-23')];
    await sqliteStore(db).write((tx) => loadLedger(tx, who, 'test', agencies, assets));
    const stored = listAgenciesSync(db);
    const catalog = loadCatalogSync(db);
    for (const date of ['2026-11-23', '2027-06-30']) {
      const expected = countHoldings(
        assets.map((a) => ({ agency: a.agencyCode, item: a.itemCode, status: a.status, calibrationValidUntil: a.calibrationValidUntil })),
        date, stored, catalog,
      );
      const got = holdingsAsOf(db, date, stored, catalog);
      expect(got).toEqual(expected);
      expect(got.activeCalibrated.reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
    }
  });

  it('calibrations expire in the shortfall report as the reference date moves on', async () => {
    const { db } = tempLedger();
    const agencies = generateAgencies(7, [DEMO_PROVINCE]);
    await sqliteStore(db).write((tx) => loadLedger(tx, who, 'test', agencies, generateAssets(7, agencies, 8_000, '2026-11-23')));
    const usable = (date: string) =>
      shortfall(db, { agency: '990000', rollup: true, date }, '2026-11-23').rows.find((r) => r.item === 'S15')!.usable;
    expect(usable('2028-01-01')).toBeLessThan(usable('2026-11-23'));
    expect(usable('2028-01-01')).toBe(0);
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
