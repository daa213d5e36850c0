import { describe, expect, it } from 'vitest';
import { CATALOG, SHIPPED_RULE_SETS } from '../../quotas/catalog';
import { countHoldings, measure, quotaRows, rollUp, type AgencyFacts, type AssetFacts } from '../../quotas/engine';
import { assetFacts, facts } from '../fixtures/factories';

const national = SHIPPED_RULE_SETS.find((r) => r.id === 'national-2020')!;
const zhejiang = SHIPPED_RULE_SETS.find((r) => r.id === 'zhejiang-2022')!;

function measured(agencies: AgencyFacts[], assets: AssetFacts[] = [], date = '2026-06-30', ruleSet = national) {
  return measure(agencies, CATALOG, ruleSet, countHoldings(assets, date, agencies, CATALOG));
}

function rowsFor(agencies: AgencyFacts[], assets: AssetFacts[] = [], date = '2026-06-30', ruleSet = national) {
  return quotaRows(measured(agencies, assets, date, ruleSet));
}

const rolled = (agencies: AgencyFacts[], assets: AssetFacts[] = []) => quotaRows(rollUp(measured(agencies, assets)));

function row(agencies: AgencyFacts[], item: string, assets: AssetFacts[] = [], date?: string, ruleSet = national) {
  const code = agencies[0].code;
  return rowsFor(agencies, assets, date, ruleSet).find((r) => r.agency === code && r.item === item)!;
}

const many = (n: number, over: Parameters<typeof assetFacts>[0]) => Array.from({ length: n }, () => assetFacts(over));

describe('per-staff items round up', () => {
  it.each([
    [23, 5], [25, 5], [26, 6], [5, 1], [1, 1], [0, 0],
  ])('a county agency with %i staff needs %i vehicles (1 per 5, rounded up)', (staff, vehicles) => {
    expect(row([facts({ code: 'C1', staff })], 'S01').required).toBe(vehicles);
  });

  it('a mobile kit per 4 staff, a printer and a portable scanner per 3, a terminal per person', () => {
    const a = [facts({ code: 'C1', staff: 10 })];
    expect(row(a, 'S02').required).toBe(3);
    expect(row(a, 'S23').required).toBe(4);
    expect(row(a, 'S26').required).toBe(4);
    expect(row(a, 'S03').required).toBe(10);
    expect(row(a, 'S04').required).toBe(10);
    expect(row(a, 'S22').required).toBe(10);
  });

  it('per-staff ratios are the same at every level', () => {
    for (const level of ['province', 'city', 'county'] as const) {
      expect(row([facts({ code: 'A', level, staff: 41 })], 'S01').required).toBe(9);
    }
  });
});

describe('per-agency items depend on the level', () => {
  it.each([
    ['S06', 2, 2, 3], ['S08', 1, 2, 3], ['S10', 1, 2, 2], ['S12', 2, 3, 4], ['S16', 1, 2, 3], ['S19', 2, 2, 3],
    ['S25', 2, 3, 4], ['S09', 1, 1, 1], ['S24', 1, 1, 1], ['S28', 1, 1, 1],
  ])('%s: province %i, city %i, county %i', (item, p, c, k) => {
    expect(row([facts({ code: 'P', level: 'province' })], item).required).toBe(p);
    expect(row([facts({ code: 'M', level: 'city' })], item).required).toBe(c);
    expect(row([facts({ code: 'K', level: 'county' })], item).required).toBe(k);
  });

  it('a county agency needs 3 samplers whatever its staff', () => {
    expect(row([facts({ code: 'K', staff: 3 })], 'S08').required).toBe(3);
    expect(row([facts({ code: 'K', staff: 80 })], 'S08').required).toBe(3);
  });
});

describe('per-office items', () => {
  it('needs one fax machine per office', () => {
    expect(row([facts({ code: 'K', offices: 3 })], 'S21').required).toBe(3);
    expect(row([facts({ code: 'K', offices: 0 })], 'S21').required).toBe(0);
  });
});

describe('held, usable, shortfall and surplus', () => {
  it('counts every asset not scrapped as held and subtracts it from the requirement', () => {
    const a = [facts({ code: 'K', staff: 23 })];
    const r = row(a, 'S01', [
      ...many(2, { agency: 'K', item: 'S01' }),
      assetFacts({ agency: 'K', item: 'S01', status: 'under_repair' }),
      assetFacts({ agency: 'K', item: 'S01', status: 'idle' }),
      assetFacts({ agency: 'K', item: 'S01', status: 'scrapped' }),
    ]);
    expect(r).toMatchObject({ required: 5, held: 4, usable: 3, shortfall: 1, surplus: 0 });
  });

  it('a scrapped vehicle leaves the holdings and raises the shortfall by one', () => {
    const a = [facts({ code: 'K', staff: 10 })];
    const before = row(a, 'S01', many(2, { agency: 'K', item: 'S01' }));
    const after = row(a, 'S01', [assetFacts({ agency: 'K', item: 'S01' }), assetFacts({ agency: 'K', item: 'S01', status: 'scrapped' })]);
    expect(after.shortfall).toBe(before.shortfall + 1);
  });

  it('reports holdings above the requirement as surplus, never as negative shortfall', () => {
    const r = row([facts({ code: 'K' })], 'S09', many(3, { agency: 'K', item: 'S09' }));
    expect(r).toMatchObject({ required: 1, held: 3, shortfall: 0, surplus: 2 });
  });
});

describe('calibration', () => {
  const a = [facts({ code: 'K' })];
  it('a gas detector counts as usable through the last day of its certificate', () => {
    const gas = [assetFacts({ agency: 'K', item: 'S15', calibrationValidUntil: '2026-06-30' })];
    expect(row(a, 'S15', gas, '2026-06-30').usable).toBe(1);
    expect(row(a, 'S15', gas, '2026-07-01').usable).toBe(0);
  });

  it('an expired or missing certificate leaves the instrument held but not usable', () => {
    const r = row(a, 'S15', [
      assetFacts({ agency: 'K', item: 'S15', calibrationValidUntil: '2025-01-01' }),
      assetFacts({ agency: 'K', item: 'S15', calibrationValidUntil: null }),
    ]);
    expect(r).toMatchObject({ held: 2, usable: 0, shortfall: 1 });
  });

  it('items that need no calibration ignore the calibration date', () => {
    expect(row(a, 'S01', [assetFacts({ agency: 'K', item: 'S01', calibrationValidUntil: '2000-01-01' })]).usable).toBe(1);
  });

  it('the standard marks S06, S07, S14-S19 and O10-O23 as needing calibration', () => {
    const codes = CATALOG.filter((i) => i.needsCalibration).map((i) => i.code);
    expect(codes).toEqual(['S06', 'S07', 'S14', 'S15', 'S16', 'S17', 'S18', 'S19', ...Array.from({ length: 14 }, (_, i) => `O${i + 10}`)]);
  });
});

describe('optional items', () => {
  it('have no quota: required 0 and never a shortfall, at any level', () => {
    for (const level of ['province', 'city', 'county'] as const) {
      const rows = rowsFor([facts({ code: 'X', level, staff: 50, offices: 9 })]).filter((r) => r.item.startsWith('O'));
      expect(rows).toHaveLength(28);
      for (const r of rows) expect(r).toMatchObject({ required: 0, shortfall: 0 });
    }
  });

  it('count what is held as surplus', () => {
    expect(row([facts({ code: 'K' })], 'O06', many(2, { agency: 'K', item: 'O06' }))).toMatchObject({ held: 2, usable: 2, surplus: 2 });
  });
});

describe('the Zhejiang rule set', () => {
  it('asks a county agency for 3 digital cameras where the national standard asks 2', () => {
    expect(row([facts({ code: 'K' })], 'S10', [], undefined, national).required).toBe(2);
    expect(row([facts({ code: 'K' })], 'S10', [], undefined, zhejiang).required).toBe(3);
    expect(row([facts({ code: 'M', level: 'city' })], 'S10', [], undefined, zhejiang).required).toBe(2);
  });

  it('agrees with the national standard on every other item and level', () => {
    const key = (r: { item: string; level: string }) => `${r.item}/${r.level}`;
    const z = new Map(zhejiang.rules.map((r) => [key(r), r]));
    expect(zhejiang.rules).toHaveLength(national.rules.length);
    for (const r of national.rules) {
      if (key(r) === 'S10/county') continue;
      expect(z.get(key(r))).toEqual(r);
    }
  });
});

describe('every agency and item', () => {
  it('gives one row per agency and catalog item', () => {
    const rows = rowsFor([facts({ code: 'A' }), facts({ code: 'B' })]);
    expect(rows).toHaveLength(2 * 56);
  });
});

describe('roll-up', () => {
  const tree = [
    facts({ code: 'P', level: 'province', staff: 10 }),
    facts({ code: 'M', level: 'city', staff: 10, parentCode: 'P' }),
    facts({ code: 'K1', level: 'county', staff: 10, parentCode: 'M' }),
    facts({ code: 'K2', level: 'county', staff: 10, parentCode: 'M' }),
  ];

  it('never nets one agency surplus against another agency shortfall', () => {
    const assets = [...many(4, { agency: 'K1', item: 'S01' })]; // K1: 2 surplus; K2: 2 short
    const m = rolled(tree, assets).find((r) => r.agency === 'M' && r.item === 'S01')!;
    expect(m).toMatchObject({ required: 6, held: 4, shortfall: 4, surplus: 2 });
  });

  it('sums each agency of the subtree at its own level', () => {
    const rows = rolled(tree);
    // Samplers: province 1 + city 2 + two counties 3 each.
    expect(rows.find((r) => r.agency === 'P' && r.item === 'S08')!.required).toBe(9);
    expect(rows.find((r) => r.agency === 'M' && r.item === 'S08')!.required).toBe(8);
    expect(rows.find((r) => r.agency === 'K1' && r.item === 'S08')!.required).toBe(3);
  });

  it('gives a leaf agency its own figures', () => {
    const assets = many(1, { agency: 'K2', item: 'S09' });
    const own = rowsFor(tree, assets).filter((r) => r.agency === 'K2');
    expect(rolled(tree, assets).filter((r) => r.agency === 'K2')).toEqual(own);
  });

  it('refuses a hierarchy with a cycle', () => {
    const cyclic = [facts({ code: 'A', parentCode: 'B' }), facts({ code: 'B', parentCode: 'A' })];
    expect(() => rolled(cyclic)).toThrow(/cycle/);
  });

  it('lists only the named agency when asked', () => {
    expect(new Set(quotaRows(measured(tree), 'M').map((r) => r.agency))).toEqual(new Set(['M']));
  });
});

describe('an item retired for a successor', () => {
  const successor = (code: string, succeeds: string) => ({ ...CATALOG.find((c) => c.code === 'S09')!, code, name: `${code} 无人机`, succeeds });
  const catalog = [...CATALOG, successor('N09', 'S09'), successor('N10', 'S09')];
  const edition = (rules: { item: string; quantity: number }[]) => ({
    ...national, id: 'e', rules: rules.map((r) => ({ item: r.item, level: 'county' as const, basis: 'per_agency' as const, quantity: r.quantity, per: 1 })),
  });
  const measuredUnder = (ruleSet: ReturnType<typeof edition>) => {
    const a = [facts({ code: 'C1' })];
    const m = measure(a, catalog, ruleSet, countHoldings(many(3, { agency: 'C1', item: 'S09' }), '2026-06-30', a, catalog));
    return (item: string) => quotaRows(m).find((r) => r.item === item)!;
  };

  it('counts the retired item\'s units once, toward the first successor the edition sets a quota for', () => {
    const r = measuredUnder(edition([{ item: 'N09', quantity: 2 }, { item: 'N10', quantity: 1 }]));
    expect([r('N09').held, r('N09').surplus, r('N10').held, r('N10').shortfall, r('S09').held]).toEqual([3, 1, 0, 1, 0]);
  });

  it('leaves them where they are under an edition that still sets a quota for the retired item, or none for its successor', () => {
    const kept = measuredUnder(edition([{ item: 'S09', quantity: 1 }, { item: 'N09', quantity: 2 }]));
    expect([kept('S09').held, kept('N09').held, kept('N09').shortfall]).toEqual([3, 0, 2]);
    const none = measuredUnder(edition([{ item: 'S01', quantity: 1 }]));
    expect([none('S09').held, none('N09').held]).toEqual([3, 0]);
  });
});

describe('units a service contract supplies', () => {
  const withService = { ...national, id: 'svc', rules: national.rules.map((r) => (r.item === 'S09' ? { ...r, service: true } : r.item === 'S10' && r.level === 'county' ? { ...r, quantity: 0, optional: true } : r)) };
  const supplied = (agencies: AgencyFacts[], assets: AssetFacts[], contracted: number) => {
    const h = countHoldings(assets, '2026-06-30', agencies, CATALOG);
    h.contracted[CATALOG.findIndex((c) => c.code === 'S09')] = contracted;
    return h;
  };

  it('meet a quota the edition lets a service meet, only as far as the units held fall short, and are shown apart from them', () => {
    const a = [facts({ code: 'K1', level: 'county', staff: 10 })];
    const m = measure(a, CATALOG, withService, supplied(a, [], 3));
    expect(quotaRows(m).find((r) => r.item === 'S09')).toMatchObject({ required: 1, held: 0, contracted: 1, shortfall: 0, surplus: 0 });
    expect(m.service[CATALOG.findIndex((c) => c.code === 'S09')]).toBe(1);
    const owned = measure(a, CATALOG, withService, supplied(a, [assetFacts({ agency: 'K1', item: 'S09' })], 3));
    expect(quotaRows(owned).find((r) => r.item === 'S09')).toMatchObject({ held: 1, contracted: 0, shortfall: 0 });
    // The same units under an edition that admits no service.
    expect(quotaRows(measure(a, CATALOG, national, supplied(a, [], 3))).find((r) => r.item === 'S09')).toMatchObject({ contracted: 0, shortfall: 1 });
  });

  it('an item the edition makes 选配 at county level has no quota there, and its cell is marked optional', () => {
    const a = [facts({ code: 'K1', level: 'county', staff: 10 }), facts({ code: 'C1', level: 'city', staff: 10 })];
    const m = measure(a, CATALOG, withService, supplied(a, [], 0));
    const s10 = CATALOG.findIndex((c) => c.code === 'S10');
    expect(quotaRows(m).filter((r) => r.item === 'S10').map((r) => [r.agency, r.required])).toEqual([['K1', 0], ['C1', 2]]);
    expect([m.optional[s10], m.optional[CATALOG.length + s10]]).toEqual([1, 0]);
  });
});
