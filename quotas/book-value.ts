import data from './data/depreciation.json' with { type: 'json' };
import type { IsoDate } from '../lib/dates';
import type { CatalogItem } from './types';

/** An asset class of the 应用指南's table and the fewest years it may be depreciated over. */
export interface DepreciationClass {
  id: string;
  name: string;
  minYears: number;
}

export const DEPRECIATION_SOURCE: string = data.source;
export const DEPRECIATION_CLASSES: readonly DepreciationClass[] = data.classes;
const ITEM_CLASS: Readonly<Record<string, string>> = data.items;
const CATEGORY_CLASS: Readonly<Record<string, string>> = data.categories;

/**
 * The class an item is depreciated in: its own in the data file, else its category's (an item an edition added), else
 * 仪器仪表, the class of most field equipment.
 */
export function classOf(item: Pick<CatalogItem, 'code' | 'category'>): string {
  return ITEM_CLASS[item.code] ?? CATEGORY_CLASS[item.category] ?? data.fallback;
}

/** Years per class: the table's, raised where the ledger raised them (never below the table's). */
export function livesOf(raised: Readonly<Record<string, number>>): Map<string, number> {
  return new Map(DEPRECIATION_CLASSES.map((c) => [c.id, Math.max(c.minYears, raised[c.id] ?? c.minYears)]));
}

const monthOf = (d: IsoDate) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;

/**
 * Months depreciated by the end of `date`'s month, straight line by the month: the month a unit is added counts, the
 * month it is removed does not (`removedOn`), and none after its life. 0 before the month it was added.
 */
export function monthsDepreciated(acquiredOn: IsoDate, date: IsoDate, lifeMonths: number, removedOn: IsoDate | null = null): number {
  if (date < acquiredOn) return 0;
  const last = removedOn !== null && removedOn <= date ? monthOf(removedOn) - 1 : monthOf(date);
  return Math.min(lifeMonths, Math.max(0, last - monthOf(acquiredOn) + 1));
}

/** Depreciation and book value after `months` of a life of `lifeMonths`, no residual value, in whole fen. */
export function depreciated(priceFen: number, months: number, lifeMonths: number): { depreciationFen: number; bookValueFen: number } {
  const depreciationFen = months >= lifeMonths ? priceFen : Math.round((priceFen * months) / lifeMonths);
  return { depreciationFen, bookValueFen: priceFen - depreciationFen };
}

export interface BookUnit {
  tag: string;
  item: string;
  priceFen: number;
  acquiredOn: IsoDate;
}

export interface BookValueRow {
  tag: string;
  item: string;
  priceFen: number;
  months: number;
  depreciationFen: number;
  bookValueFen: number;
}

/** Each unit on the books on `date` at its book value, with the total; `lifeMonths` gives an item's life. */
export function bookValues(units: Iterable<BookUnit>, date: IsoDate, lifeMonths: (item: string) => number): { rows: BookValueRow[]; totalBookValueFen: number } {
  const rows: BookValueRow[] = [];
  let total = 0;
  for (const u of units) {
    const life = lifeMonths(u.item);
    const months = monthsDepreciated(u.acquiredOn, date, life);
    const v = depreciated(u.priceFen, months, life);
    rows.push({ tag: u.tag, item: u.item, priceFen: u.priceFen, months, ...v });
    total += v.bookValueFen;
  }
  return { rows, totalBookValueFen: total };
}
