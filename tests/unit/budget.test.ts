import { describe, expect, it } from 'vitest';
import { budgetLines, dueCount, dueYears, needOf, type LiveUnit } from '../../quotas/budget';
import { CATALOG, SHIPPED_RULE_SETS } from '../../quotas/catalog';
import { countHoldings, measure, type AgencyFacts } from '../../quotas/engine';
import { decodePlan, planModel, type PlanNeed, type PlanWeights } from '../../quotas/plan';
import { DEFAULT_TERMS, dueYear, type ItemTerms } from '../../quotas/replacement';
import { solveLp } from '../../lib/solver';

const TODAY = '2026-11-23';
const VEHICLE = { serviceYears: 8, serviceKm: 200_000 };

describe('replacement rules', () => {
  it('ship a price and a rule for every catalog item: vehicles at 8 years or 200,000 km', () => {
    expect(DEFAULT_TERMS.map((t) => t.item).sort()).toEqual(CATALOG.map((c) => c.code).sort());
    const s01 = DEFAULT_TERMS.find((t) => t.item === 'S01')!;
    expect(s01).toMatchObject({ serviceYears: 8, serviceKm: 200_000, unitPriceFen: 25_000_000 });
    expect(DEFAULT_TERMS.every((t) => Number.isInteger(t.unitPriceFen) && t.unitPriceFen > 0 && t.lifeNote)).toBe(true);
  });

  it('plan a vehicle into the year it has served exactly 8 years, or the year its odometer reads exactly 200,000 km', () => {
    expect(dueYear({ purchaseDate: '2018-12-31', odometerKm: null }, VEHICLE, TODAY)).toBe(2026);
    expect(dueYear({ purchaseDate: '2019-01-01', odometerKm: null }, VEHICLE, TODAY)).toBe(2027);
    // 29 February: seven years on is 28 February of a common year.
    expect(dueYear({ purchaseDate: '2020-02-29', odometerKm: null }, { serviceYears: 7, serviceKm: null }, TODAY)).toBe(2027);
    expect(dueYear({ purchaseDate: null, odometerKm: 200_000 }, VEHICLE, TODAY)).toBe(2026);
    expect(dueYear({ purchaseDate: null, odometerKm: 199_999 }, VEHICLE, TODAY)).toBeNull();
  });

  it('plan a unit into the year its age or its projected mileage reaches the limit, overdue ones into this year', () => {
    expect(dueYear({ purchaseDate: '2018-12-31', odometerKm: 1000 }, VEHICLE, TODAY)).toBe(2026);
    expect(dueYear({ purchaseDate: '2019-01-01', odometerKm: 1000 }, VEHICLE, TODAY)).toBe(2027);
    expect(dueYear({ purchaseDate: '2010-05-01', odometerKm: 1000 }, VEHICLE, TODAY)).toBe(2026);
    // 4 years, 160,000 km: 40,000 km a year reaches 200,000 in about a year.
    expect(dueYear({ purchaseDate: '2022-11-23', odometerKm: 160_000 }, VEHICLE, TODAY)).toBe(2027);
    expect(dueYear({ purchaseDate: '2024-01-01', odometerKm: 200_000 }, VEHICLE, TODAY)).toBe(2026);
    // Under a year in service: no projection; a phone has no mileage rule.
    expect(dueYear({ purchaseDate: '2026-06-01', odometerKm: 150_000 }, VEHICLE, TODAY)).toBe(2034);
    expect(dueYear({ purchaseDate: null, odometerKm: null }, { serviceYears: 5, serviceKm: null }, TODAY)).toBeNull();
  });
});

describe('what to buy', () => {
  it('replaces a basic item only as far as the standard needs it; an optional item like for like', () => {
    expect(needOf('basic', 5, 3, 1)).toEqual({ shortfall: 2, replace: 1 });
    expect(needOf('basic', 5, 5, 3)).toEqual({ shortfall: 0, replace: 3 });
    expect(needOf('basic', 5, 10, 3)).toEqual({ shortfall: 0, replace: 0 });
    expect(needOf('basic', 5, 7, 3)).toEqual({ shortfall: 0, replace: 1 });
    expect(needOf('optional', 0, 2, 1)).toEqual({ shortfall: 0, replace: 1 });
  });
});

const city: AgencyFacts = { code: 'C', level: 'city', staff: 10, offices: 1, parentCode: null };
const county: AgencyFacts = { code: 'K', level: 'county', staff: 12, offices: 1, parentCode: 'C' };
const terms = (prices: Record<string, number>): Map<string, ItemTerms> =>
  new Map(DEFAULT_TERMS.map((t) => [t.item, { ...t, unitPriceFen: prices[t.item] ?? t.unitPriceFen }]));

describe('the budget of a planning year', () => {
  const agencies = [city, county];
  const national = SHIPPED_RULE_SETS[0];
  // City: 10 staff need 2 vehicles, holds 1 (bought 2018-06-01: due in 2026). County: 12 staff need 3, holds 3, one at 200,000 km.
  const units: LiveUnit[] = [
    { agency: 'C', item: 'S01', purchaseDate: '2018-06-01', odometerKm: 90_000 },
    { agency: 'K', item: 'S01', purchaseDate: '2023-01-01', odometerKm: 200_000 },
    { agency: 'K', item: 'S01', purchaseDate: '2023-01-01', odometerKm: 30_000 },
    { agency: 'K', item: 'S01', purchaseDate: '2019-03-01', odometerKm: 50_000 },
  ];
  const m = measure(agencies, CATALOG, national, countHoldings(units.map((u) => ({ ...u, status: 'in_service' as const, calibrationValidUntil: null })), TODAY, agencies, CATALOG));
  const price = terms({ S01: 25_000_033 });
  const due = dueYears(units, m, price, TODAY);
  const s01 = (lines: ReturnType<typeof budgetLines>, agency: string) => lines.find((l) => l.agency === agency && l.item === 'S01');

  it('counts the shortfall and the replacements due by 31 December, at unit price in integer fen', () => {
    const lines = budgetLines(m, due, price, 2026, false);
    expect(s01(lines, 'C')).toEqual({ agency: 'C', item: 'S01', shortfall: 1, replace: 1, quantity: 2, unitPriceFen: 25_000_033, amountFen: 50_000_066, service: false });
    expect(s01(lines, 'K')).toEqual({ agency: 'K', item: 'S01', shortfall: 0, replace: 1, quantity: 1, unitPriceFen: 25_000_033, amountFen: 25_000_033, service: false });
    expect(lines.every((l) => Number.isInteger(l.amountFen) && l.amountFen === l.quantity * l.unitPriceFen)).toBe(true);
    // 2027: the county's 2019 vehicle reaches 8 years too.
    expect(s01(budgetLines(m, due, price, 2027, false), 'K')).toMatchObject({ replace: 2, quantity: 2 });
    expect(dueCount(due, CATALOG.length + CATALOG.findIndex((c) => c.code === 'S01'), 2026)).toBe(1);
  });

  it('rolls each agency’s own lines up its subtree, one agency’s surplus never covering another’s need', () => {
    const own = budgetLines(m, due, price, 2026, false);
    const rolled = budgetLines(m, due, price, 2026, true);
    expect(s01(rolled, 'C')).toEqual({ agency: 'C', item: 'S01', shortfall: 1, replace: 2, quantity: 3, unitPriceFen: 25_000_033, amountFen: 75_000_099, service: false });
    const sum = (lines: typeof own, agency?: string) => lines.filter((l) => agency === undefined || l.agency === agency).reduce((s, l) => s + l.amountFen, 0);
    expect(sum(rolled, 'C')).toBe(sum(own));
    expect(s01(rolled, 'K')).toEqual(s01(own, 'K'));
  });
});

const need = (over: Partial<PlanNeed> & Pick<PlanNeed, 'item' | 'cumulative' | 'unitPriceFen'>): PlanNeed =>
  ({ agency: 'A', group: 'other', shortfall: over.cumulative[0], required: 0, ...over });

async function plan(needs: PlanNeed[], caps: number[], weights: PlanWeights = { vehicles: 20, perPerson: 2, other: 1 }) {
  const solution = await solveLp(planModel(needs, caps, weights));
  expect(solution.status).toBe('Optimal');
  return decodePlan(needs, 2026, caps, weights, solution.values);
}

const bought = (p: Awaited<ReturnType<typeof plan>>) => p.purchases.map((x) => `${x.year} ${x.agency} ${x.item} ${x.quantity}`);

describe('the multi-year purchase plan under annual caps (HiGHS)', () => {
  it('buys the heavier-weighted shortfall first and never spends over a year’s cap', async () => {
    // Cap 300,000 a year. A vehicle (250,000, weight 20) beats 10 printers (2,500, weight 1 each = 10).
    const p = await plan([
      need({ item: 'S01', group: 'vehicles', cumulative: [2, 2], unitPriceFen: 25_000_000 }),
      need({ item: 'S23', cumulative: [10, 10], unitPriceFen: 250_000 }),
    ], [30_000_000, 30_000_000]);
    // By hand: year 1 one vehicle (250,000) + 10 printers would be 275,000 <= 300,000: both fit; year 2 the second vehicle.
    expect(bought(p)).toEqual(['2026 A S01 1', '2026 A S23 10', '2027 A S01 1']);
    expect(p.years.map((y) => y.spentFen)).toEqual([27_500_000, 25_000_000]);
    expect(p.years.every((y) => y.spentFen <= y.capFen)).toBe(true);
    expect(p.years.map((y) => y.openUnits)).toEqual([1, 0]);
  });

  it('buys a replacement no earlier than the year it falls due', async () => {
    // Nothing short now; one unit falls due in 2027. Plenty of money in 2026 is not spent on it.
    const p = await plan([need({ item: 'S22', cumulative: [0, 1, 1], unitPriceFen: 600_000, shortfall: 0 })], [10_000_000, 10_000_000, 10_000_000]);
    expect(bought(p)).toEqual(['2027 A S22 1']);
    expect(p.purchases[0]).toMatchObject({ shortfall: 0, replace: 1 });
  });

  it('leaves a need open when no year can afford it, and splits a purchase into 缺额 and 更新', async () => {
    const p = await plan([
      need({ item: 'S01', group: 'vehicles', cumulative: [1, 1], unitPriceFen: 25_000_000 }),
      need({ item: 'S03', group: 'perPerson', cumulative: [2, 3], shortfall: 2, unitPriceFen: 450_000 }),
    ], [1_000_000, 500_000]);
    // By hand: the vehicle never fits; year 1 two terminals (900,000 <= 1,000,000), year 2 the third (450,000 <= 500,000).
    expect(bought(p)).toEqual(['2026 A S03 2', '2027 A S03 1']);
    expect(p.purchases.map((x) => [x.shortfall, x.replace])).toEqual([[2, 0], [0, 1]]);
    expect(p.years.map((y) => y.openUnits)).toEqual([1, 1]);
  });

  it('weights decide between kinds: a vehicle weighted 100 goes first, weighted 20 it loses to 60 terminals', async () => {
    const needs = [
      need({ item: 'S01', group: 'vehicles', cumulative: [1], unitPriceFen: 25_000_000 }),
      need({ item: 'S03', group: 'perPerson', cumulative: [60], unitPriceFen: 450_000 }),
    ];
    // Cap 270,000: the vehicle and 4 terminals with what is left (weight w_v + 4 w_p), or 60 terminals (60 w_p).
    expect(bought(await plan(needs, [27_000_000], { vehicles: 100, perPerson: 1, other: 1 }))).toEqual(['2026 A S01 1', '2026 A S03 4']);
    expect(bought(await plan(needs, [27_000_000], { vehicles: 20, perPerson: 1, other: 1 }))).toEqual(['2026 A S03 60']);
  });

  it('between agencies of equal weight, the one short of the larger share of its requirement comes first', async () => {
    const p = await plan([
      need({ agency: 'RICH', item: 'S22', cumulative: [1], required: 20, unitPriceFen: 600_000 }),
      need({ agency: 'POOR', item: 'S22', cumulative: [1], required: 2, unitPriceFen: 600_000 }),
    ], [600_000]);
    expect(bought(p)).toEqual(['2026 POOR S22 1']);
  });
});
