import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../quotas/catalog';
import { affordableOptions, optionCost, raiseModel, raiseOptions, scoreAgency, type Checklist, type Holding, type ScoreFacts } from '../../quotas/score';
import { solveLp } from '../../lib/solver';

/** Every basic item exactly at its requirement (2 of each), no optional item, nothing in the checklist. */
function facts(over: { held?: Record<string, number>; required?: Record<string, number>; checklist?: Checklist } & Partial<Omit<ScoreFacts, 'holdings' | 'checklist'>> = {}): ScoreFacts {
  const holdings: Holding[] = CATALOG.map((c) => {
    const required = c.kind === 'basic' ? (over.required?.[c.code] ?? 2) : 0;
    return { item: c.code, required, held: over.held?.[c.code] ?? required };
  });
  return {
    holdings, liveUnits: 100, incompleteUnits: 0, unitsWithoutCustodian: 0, usageRecords: 0, dispatchPlans: 0, higherLevelDispatches: 0,
    disposalsCompleted: 0, checklist: over.checklist ?? {}, ...over,
  };
}

const card = (f: ScoreFacts) => scoreAgency(f, CATALOG);
const points = (f: ScoreFacts) => card(f).items.map((i) => i.points);
const item = (f: ScoreFacts, no: number) => card(f).items[no - 1];

describe('the Zhejiang equipment score, item by item', () => {
  it('items 1–3: 5 points each, from the checklist only', () => {
    expect(points(facts()).slice(0, 3)).toEqual([0, 0, 0]);
    expect(points(facts({ checklist: { plan: true, budget: true } })).slice(0, 3)).toEqual([5, 0, 5]);
    expect(item(facts({ checklist: { finance: true } }), 2)).toMatchObject({ points: 5, source: 'checklist' });
  });

  it('item 4: 10 points with at least one vehicle per 5 staff, none one short', () => {
    expect(item(facts({ required: { S01: 3 }, held: { S01: 3 } }), 4).points).toBe(10);
    const short = item(facts({ required: { S01: 3 }, held: { S01: 2 } }), 4);
    expect(short).toMatchObject({ points: 0, source: 'ledger' });
    expect(short.why).toContain('缺 1 辆');
  });

  it('item 5: 10 points only when all four personal items meet the standard', () => {
    expect(item(facts(), 5).points).toBe(10);
    expect(item(facts({ held: { S05: 1 } }), 5)).toMatchObject({ points: 0 });
    expect(item(facts({ held: { S02: 9 } }), 5).points).toBe(10);
  });

  it('item 6: the 14 field items met → 7, +1 per item above the standard, at most +3', () => {
    expect(item(facts(), 6).points).toBe(7);
    expect(item(facts({ held: { S06: 3 } }), 6).points).toBe(8);
    expect(item(facts({ held: { S06: 3, S09: 5 } }), 6).points).toBe(9);
    expect(item(facts({ held: { S06: 3, S09: 5, S13: 3 } }), 6).points).toBe(10);
    const capped = item(facts({ held: { S06: 3, S09: 5, S13: 3, S19: 4 } }), 6);
    expect(capped.points).toBe(10);
    expect(capped.why).toContain('最多加 3 分');
    // One item short: nothing, whatever the others hold above.
    expect(item(facts({ held: { S06: 3, S09: 5, S14: 1 } }), 6).points).toBe(0);
    // An item outside the group above standard does not count.
    expect(item(facts({ held: { S20: 5 } }), 6).points).toBe(7);
  });

  it('item 7: the 8 office items met → 7, +1 per item above, at most +3', () => {
    expect(item(facts(), 7).points).toBe(7);
    expect(item(facts({ held: { S22: 3, S27: 2 } }), 7).points).toBe(8);
    expect(item(facts({ held: { S20: 3, S21: 3, S22: 3, S23: 3 } }), 7).points).toBe(10);
    expect(item(facts({ held: { S20: 3, S26: 0 } }), 7).points).toBe(0);
    // S28 (信息化) is not one of the 8.
    expect(item(facts({ held: { S28: 0 } }), 7).points).toBe(7);
  });

  it('item 8: one point per optional item held, capped 3 / 5 / 2, and local devices up to 5', () => {
    expect(item(facts(), 8).points).toBe(0);
    const transport = { O01: 1, O02: 1, O03: 1, O04: 1 };
    expect(item(facts({ held: transport }), 8).points).toBe(3);
    const field = Object.fromEntries(['O05', 'O06', 'O07', 'O08', 'O09', 'O10', 'O24'].map((c) => [c, 2]));
    expect(item(facts({ held: field }), 8).points).toBe(5);
    expect(item(facts({ held: { O26: 1, O27: 1, O28: 1 } }), 8).points).toBe(2);
    expect(item(facts({ held: { O26: 1 } }), 8).points).toBe(1);
    const local = ['水质快检船', '走航监测车', '夜间红外相机', '便携式VOCs走航仪', '管网机器人', '声呐'];
    expect(item(facts({ checklist: { localDevices: local } }), 8)).toMatchObject({ points: 5, source: 'ledger+checklist' });
    // Duplicates and blanks count once or not at all.
    expect(item(facts({ checklist: { localDevices: ['走航车', '走航车', ' '] } }), 8).points).toBe(1);
    expect(item(facts({ held: { ...transport, ...field, O26: 1, O27: 1 }, checklist: { localDevices: local } }), 8).points).toBe(15);
  });

  it('item 9: 5 points when every live unit has its purchase date and value, else from the checklist', () => {
    expect(item(facts(), 9)).toMatchObject({ points: 5, source: 'ledger' });
    expect(item(facts({ incompleteUnits: 3 }), 9)).toMatchObject({ points: 0, source: 'none' });
    expect(item(facts({ incompleteUnits: 3 }), 9).why).toContain('3 件缺购置日期或原值');
    expect(item(facts({ incompleteUnits: 3, checklist: { database: true } }), 9)).toMatchObject({ points: 5, source: 'checklist' });
    expect(item(facts({ liveUnits: 0 }), 9).points).toBe(0);
  });

  it('item 10: a dispatch system → 5, +1 per unit-time optional units were dispatched by a higher level, at most +5', () => {
    expect(item(facts(), 10).points).toBe(0);
    expect(item(facts({ dispatchPlans: 1 }), 10)).toMatchObject({ points: 5, source: 'ledger' });
    expect(item(facts({ checklist: { dispatchSystem: true } }), 10).points).toBe(5);
    expect(item(facts({ dispatchPlans: 2, higherLevelDispatches: 3 }), 10).points).toBe(8);
    expect(item(facts({ dispatchPlans: 2, higherLevelDispatches: 7 }), 10).points).toBe(10);
    expect(item(facts({ higherLevelDispatches: 2 }), 10).points).toBe(2);
  });

  it('item 11: own training 3, higher-level training 2', () => {
    expect(points(facts({ checklist: { trainingOwn: true } }))[10]).toBe(3);
    expect(points(facts({ checklist: { trainingHigher: true } }))[10]).toBe(2);
    expect(points(facts({ checklist: { trainingOwn: true, trainingHigher: true } }))[10]).toBe(5);
  });

  it('item 12: usage records 3 (ledger or checklist), a named custodian for every unit 2', () => {
    expect(item(facts(), 12).points).toBe(2);
    expect(item(facts({ usageRecords: 4 }), 12)).toMatchObject({ points: 5, source: 'ledger' });
    expect(item(facts({ usageRecords: 4, unitsWithoutCustodian: 1 }), 12).points).toBe(3);
    expect(item(facts({ unitsWithoutCustodian: 1, checklist: { usageLedger: true, custodian: true } }), 12)).toMatchObject({ points: 5, source: 'ledger+checklist' });
  });

  it('item 12: a stocktake approved in the year counts as use records and as custodian evidence', () => {
    const line = item(facts({ unitsWithoutCustodian: 3, approvedStocktakes: 1 }), 12);
    expect(line).toMatchObject({ points: 5, source: 'ledger' });
    expect(line.why).toContain('本年度已批准盘点 1 次');
    expect(item(facts({ unitsWithoutCustodian: 3, approvedStocktakes: 0 }), 12).points).toBe(0);
  });

  it('item 13: 5 from the checklist, with the year’s completed disposals as evidence', () => {
    expect(item(facts({ disposalsCompleted: 4 }), 13)).toMatchObject({ points: 0 });
    const done = item(facts({ disposalsCompleted: 4, checklist: { disposalRules: true } }), 13);
    expect(done).toMatchObject({ points: 5 });
    expect(done.why).toContain('完成报废 4 件');
  });
});

describe('the pass line of 附件2', () => {
  const all: Checklist = { plan: true, finance: true, budget: true, dispatchSystem: true, trainingOwn: true, trainingHigher: true, usageLedger: true, custodian: true, disposalRules: true };

  it('passes at 85 with every category above 80% of its points', () => {
    // 15 + (10+10+7+7+0) + (5+5+5+5+5) = 74: equipment category 34 of 55 is under 80%.
    const low = card(facts({ checklist: all }));
    expect(low.total).toBe(74);
    expect(low.categories.map((c) => c.above80)).toEqual([true, false, true]);
    expect(low.passed).toBe(false);
    // Optional items worth 11: 85 in all, equipment 45 > 44.
    const f = facts({ checklist: { ...all, localDevices: ['a', 'b', 'c', 'd', 'e'] }, held: { O01: 1, O02: 1, O03: 1, O05: 1, O06: 1, O07: 1 } });
    const ok = card(f);
    expect(ok.total).toBe(85);
    expect(ok.categories.map((c) => c.points)).toEqual([15, 45, 25]);
    expect(ok.passed).toBe(true);
    expect(ok.converted).toBe(17);
  });

  it('fails at 85 when one category is at 80% or below', () => {
    const f = facts({ checklist: { ...all, plan: false, budget: false, localDevices: ['a', 'b', 'c', 'd', 'e'] }, held: { O01: 1, O02: 1, O03: 1, O05: 1, O06: 1, O07: 1, O08: 1, O09: 1, O26: 1, O27: 1, S06: 3, S07: 3, S08: 3, S20: 3, S21: 3, S22: 3 } });
    const c = card(f);
    expect(c.categories[0]).toMatchObject({ points: 5, above80: false });
    expect(c.total).toBeGreaterThanOrEqual(85);
    expect(c.passed).toBe(false);
  });
});

describe('what would raise the score most for a budget (HiGHS)', () => {
  const prices = new Map(CATALOG.map((c) => [c.code, 100_000]));
  prices.set('S01', 25_000_000);
  async function raise(f: ScoreFacts, budgetFen: number) {
    const c = card(f);
    const { options, limits } = raiseOptions(c, f.holdings, CATALOG);
    const usable = affordableOptions(options, prices, budgetFen);
    const s = await solveLp(raiseModel(usable, limits, prices, budgetFen));
    const chosen = usable.filter((o) => s.values(o.name) > 0.5);
    return { gain: chosen.reduce((n, o) => n + o.gain, 0), cost: chosen.reduce((n, o) => n + optionCost(o, prices), 0), names: chosen.map((o) => o.name).sort() };
  }

  it('prefers many cheap points to one dear item, and takes the vehicle when the budget covers both', async () => {
    const f = facts({ required: { S01: 3 }, held: { S01: 2 } });
    // 250,000 yuan: the vehicle (10 points), or all 16 one-point options at 1,000 yuan each.
    expect(await raise(f, 25_000_000)).toMatchObject({ gain: 16, cost: 1_600_000 });
    const both = await raise(f, 26_600_000);
    expect(both).toMatchObject({ gain: 26, cost: 26_600_000 });
    expect(both.names).toContain('m4');
  });

  it('with a small budget takes the cheap points: bonus units and first optional items, within the caps', async () => {
    // 1,000 yuan each: 10,000 buys 10 one-point options; items 6 and 7 can each take 3 bonus points, optional groups 3 + 5 + 2.
    const r = await raise(facts(), 1_000_000);
    expect(r.gain).toBe(10);
    expect(r.cost).toBe(1_000_000);
    const big = await raise(facts(), 100_000_000);
    expect(big.gain).toBe(3 + 3 + 3 + 5 + 2);
  });

  it('a bonus unit in a group that is short also pays for the shortfall', async () => {
    // S06 short by 1: closing the group (100,000 fen) gives 7; one more S07 unit above gives 8.
    // Everything else is full: item 7 has its 3 bonus points, the optional groups their caps.
    const full = { S20: 3, S21: 3, S22: 3, O01: 1, O02: 1, O03: 1, O05: 1, O06: 1, O07: 1, O08: 1, O09: 1, O26: 1, O27: 1 };
    const f = facts({ held: { ...full, S06: 1 } });
    const r = await raise(f, 200_000);
    expect(r).toMatchObject({ gain: 8, cost: 200_000 });
    expect(r.names[0]).toMatch(/^b6_/);
    expect(r.names[1]).toBe('m6');
    // A bonus unit alone, without the group met, is never chosen.
    prices.set('S06', 10_000_000);
    expect(await raise(f, 500_000)).toMatchObject({ gain: 0, cost: 0 });
    prices.set('S06', 100_000);
  });
});
