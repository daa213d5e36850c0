import type { Fen } from '../lib/money';
import type { IsoDate } from '../lib/dates';
import { cellValue, subtreeSums, type QuotaMatrix } from './engine';
import { dueYear, type ItemTerms, type UnitFacts } from './replacement';
import type { ItemKind } from './types';

/** One live unit as the replacement rules see it. */
export interface LiveUnit extends UnitFacts {
  agency: string;
  item: string;
}

/**
 * When the live units of each agency x item cell fall due: `years[cell]` holds their due years
 * in ascending order (overdue units fall due this year); units no rule reaches are left out.
 */
export interface DueYears {
  years: (number[] | undefined)[];
}

export function dueYears(units: Iterable<LiveUnit>, m: Pick<QuotaMatrix, 'agencies' | 'catalog'>, terms: ReadonlyMap<string, ItemTerms>, today: IsoDate): DueYears {
  const agencyIndex = new Map(m.agencies.map((a, i) => [a.code, i]));
  const itemIndex = new Map(m.catalog.map((c, i) => [c.code, i]));
  const years: (number[] | undefined)[] = new Array(m.agencies.length * m.catalog.length);
  for (const u of units) {
    const t = terms.get(u.item);
    const a = agencyIndex.get(u.agency);
    const i = itemIndex.get(u.item);
    if (!t || a === undefined || i === undefined) continue;
    const y = dueYear(u, t, today);
    if (y === null) continue;
    (years[a * m.catalog.length + i] ??= []).push(y);
  }
  for (const list of years) list?.sort((x, y) => x - y);
  return { years };
}

/** How many units of a cell fall due by the end of `year`. */
export function dueCount(d: DueYears, cell: number, year: number): number {
  const list = d.years[cell];
  if (!list) return 0;
  let n = 0;
  while (n < list.length && list[n] <= year) n++;
  return n;
}

/**
 * What must be bought for one agency x item: the shortfall against the standard, and the units
 * that replace those falling due. A basic item is replaced only as far as the standard needs it
 * (surplus units cover for the due ones); an optional item, which has no quota, like for like.
 */
export function needOf(kind: ItemKind, required: number, held: number, due: number): { shortfall: number; replace: number } {
  if (kind === 'optional') return { shortfall: 0, replace: due };
  const shortfall = Math.max(0, required - held);
  return { shortfall, replace: Math.max(0, required - held + due) - shortfall };
}

/**
 * What agency `a` needs of item `i` by the end of each year from `fromYear` on: the shortfall, and the replacements due
 * by then. Units a service contract supplies towards the quota stand with the units held.
 */
export function needsByYear(m: QuotaMatrix, due: DueYears, a: number, i: number, fromYear: number, years: number): { shortfall: number; replace: number }[] {
  const required = cellValue(m, a, i, 'required');
  const held = cellValue(m, a, i, 'held') + cellValue(m, a, i, 'contracted');
  const cell = a * m.catalog.length + i;
  const kind = m.optional[cell] ? 'optional' : 'basic';
  return Array.from({ length: years }, (_, k) => needOf(kind, required, held, dueCount(due, cell, fromYear + k)));
}

export interface BudgetLine {
  agency: string;
  item: string;
  shortfall: number;
  replace: number;
  quantity: number;
  unitPriceFen: Fen;
  amountFen: Fen;
  /** The edition lets a service contract meet this quota (购买第三方服务): the request may propose one instead of buying. */
  service: boolean;
}

const SPAN = 3;

/**
 * The purchases a planning year needs, per agency (measured at its own level) and item: the
 * shortfall, plus the replacements falling due by the year's end, at unit price. Rolled up, each
 * agency's lines are the sums over its subtree. Only lines with something to buy.
 */
export function budgetLines(m: QuotaMatrix, due: DueYears, terms: ReadonlyMap<string, ItemTerms>, year: number, rollup: boolean): BudgetLine[] {
  const n = m.catalog.length;
  const values = new Float64Array(m.agencies.length * n * SPAN);
  const prices = m.catalog.map((c) => terms.get(c.code)?.unitPriceFen ?? 0);
  for (let a = 0; a < m.agencies.length; a++) {
    for (let i = 0; i < n; i++) {
      const cell = a * n + i;
      const [need] = needsByYear(m, due, a, i, year, 1);
      values[cell * SPAN] = need.shortfall;
      values[cell * SPAN + 1] = need.replace;
      values[cell * SPAN + 2] = (need.shortfall + need.replace) * prices[i];
    }
  }
  const v = rollup ? subtreeSums(m.agencies, values, n * SPAN) : values;
  const lines: BudgetLine[] = [];
  for (let a = 0; a < m.agencies.length; a++) {
    for (let i = 0; i < n; i++) {
      const b = (a * n + i) * SPAN;
      const quantity = v[b] + v[b + 1];
      if (quantity === 0) continue;
      lines.push({
        agency: m.agencies[a].code, item: m.catalog[i].code, shortfall: v[b], replace: v[b + 1], quantity, unitPriceFen: prices[i], amountFen: v[b + 2],
        service: m.service[a * n + i] === 1,
      });
    }
  }
  return lines;
}

export interface BudgetRow extends BudgetLine {
  agencyName: string;
  itemName: string;
  unit: string;
}

export interface BudgetResult {
  year: number;
  ruleSet: string;
  rollup: boolean;
  /** The agency whose subtree the request covers; null: the whole ledger. */
  agency: string | null;
  rows: BudgetRow[];
  /** Items with something to buy and no unit price (added by an edition, not yet priced): their lines count nothing. */
  unpriced: { item: string; name: string }[];
  /** Service contracts signed in the scope that end within the year: renewing one costs its year's fee. */
  renewals: ContractRenewal[];
  /** The scope's total (each agency's own lines once, and the renewals), and its parts. */
  totalFen: number;
  shortfallFen: number;
  replaceFen: number;
  renewFen: number;
}

export interface ContractRenewal {
  id: number;
  agency: string;
  agencyName: string;
  provider: string;
  reference: string | null;
  validTo: IsoDate;
  costPerYearFen: Fen;
  /** What it supplies, as 「S09 无人机 ×1」 lines. */
  items: string;
}
