import type { Fen } from '../lib/money';

/** How much closing one unit is worth, by kind of item; the user sets these. */
export interface PlanWeights {
  vehicles: number;
  perPerson: number;
  other: number;
}

export const DEFAULT_WEIGHTS: PlanWeights = { vehicles: 20, perPerson: 2, other: 1 };

export type WeightGroup = keyof PlanWeights;

/** One agency x item with something to buy over the plan's years. */
export interface PlanNeed {
  agency: string;
  item: string;
  group: WeightGroup;
  unitPriceFen: Fen;
  /** Units short of the standard now. */
  shortfall: number;
  /** Units needed by the end of each plan year: the shortfall plus replacements due by then (non-decreasing). */
  cumulative: number[];
  /** The standard's requirement, for the tie-break between agencies; 0 for optional items. */
  required: number;
}

export interface PlannedPurchase {
  year: number;
  agency: string;
  item: string;
  quantity: number;
  /** Of `quantity`, units closing the shortfall (缺额) and units replacing due ones (更新). */
  shortfall: number;
  replace: number;
  unitPriceFen: Fen;
  amountFen: Fen;
}

export interface PlanYear {
  year: number;
  capFen: Fen;
  spentFen: Fen;
  /** Units needed by the year's end and not yet bought. */
  openUnits: number;
  openWeighted: number;
}

const v = (n: number, k: number) => `x${n}_${k}`;

/**
 * The purchase plan as a MIP: x[n][k] units for need n bought in plan year k. Each year's spending
 * stays within its cap; a need is bought no earlier than it arises (cumulative purchases never
 * exceed the cumulative need). The objective minimises the weighted units left open summed over
 * the year ends — equivalently, maximises Σ w·(years − k)·x: the most heavily weighted shortfall is
 * closed first. Among equal weights the agency short of the larger share of its requirement comes
 * first (a tie-break worth less than a unit, so honoured where the solve is proven optimal; a
 * province-wide solve stops within a small gap).
 */
export function planModel(needs: readonly PlanNeed[], capsFen: readonly Fen[], weights: PlanWeights): string {
  const years = capsFen.length;
  const obj: string[] = [];
  const capRows: string[][] = capsFen.map(() => []);
  const rows: string[] = [];
  needs.forEach((need, n) => {
    const w = weights[need.group];
    const last = need.cumulative[years - 1];
    const share = need.required > 0 ? Math.min(1, need.shortfall / need.required) : 0;
    for (let k = 0; k < years; k++) {
      if (need.cumulative[k] === 0) continue;
      obj.push(`${w * (years - k) * (1 + 1e-3 * share)} ${v(n, k)}`);
      capRows[k].push(`${need.unitPriceFen} ${v(n, k)}`);
    }
    for (let k = 0; k < years; k++) {
      if (need.cumulative[k] >= last || need.cumulative[k] === 0) continue;
      const terms = [];
      for (let j = 0; j <= k; j++) if (need.cumulative[j] > 0) terms.push(v(n, j));
      rows.push(`c${n}_${k}: ${terms.join(' + ')} <= ${need.cumulative[k]}`);
    }
    const all = need.cumulative.map((c, k) => (c > 0 ? v(n, k) : null)).filter((x) => x !== null);
    rows.push(`t${n}: ${all.join(' + ')} <= ${last}`);
  });
  capRows.forEach((terms, k) => {
    if (terms.length) rows.push(`cap${k}: ${terms.join(' + ')} <= ${capsFen[k]}`);
  });
  const vars = needs.flatMap((need, n) => need.cumulative.map((c, k) => (c > 0 ? v(n, k) : null)).filter((x) => x !== null));
  return ['Maximize', ` obj: ${obj.join(' + ') || '0 x'}`, 'Subject To', ...rows.map((r) => ` ${r}`), 'General', ...vars.map((x) => ` ${x}`), 'End'].join('\n');
}

/** Reads the solver's values back into purchases and year totals; the shortfall is bought before replacements. */
export function decodePlan(needs: readonly PlanNeed[], firstYear: number, capsFen: readonly Fen[], weights: PlanWeights, value: (name: string) => number) {
  const years = capsFen.length;
  const purchases: PlannedPurchase[] = [];
  const spent = new Array<number>(years).fill(0);
  const openUnits = new Array<number>(years).fill(0);
  const openWeighted = new Array<number>(years).fill(0);
  needs.forEach((need, n) => {
    let bought = 0;
    for (let k = 0; k < years; k++) {
      const quantity = need.cumulative[k] > 0 ? Math.round(value(v(n, k))) : 0;
      if (quantity > 0) {
        const shortfall = Math.max(0, Math.min(quantity, need.shortfall - bought));
        purchases.push({
          year: firstYear + k, agency: need.agency, item: need.item, quantity, shortfall, replace: quantity - shortfall,
          unitPriceFen: need.unitPriceFen, amountFen: quantity * need.unitPriceFen,
        });
        spent[k] += quantity * need.unitPriceFen;
        bought += quantity;
      }
      const open = need.cumulative[k] - bought;
      openUnits[k] += open;
      openWeighted[k] += open * weights[need.group];
    }
  });
  purchases.sort((x, y) => x.year - y.year || x.agency.localeCompare(y.agency) || x.item.localeCompare(y.item));
  const plan: PlanYear[] = capsFen.map((capFen, k) => ({ year: firstYear + k, capFen, spentFen: spent[k], openUnits: openUnits[k], openWeighted: openWeighted[k] }));
  return { purchases, years: plan };
}

export interface PurchasePlanResult {
  /** The solver's status, e.g. Optimal. */
  status: string;
  fromYear: number;
  years: PlanYear[];
  purchases: (PlannedPurchase & { agencyName: string; itemName: string; unit: string })[];
  /** Everything needed by the last plan year's end, at unit price, and what the plan buys of it. */
  needFen: number;
  spentFen: number;
}
