import data from './data/replacement.json' with { type: 'json' };
import { addDays, addYears, type IsoDate } from '../lib/dates';
import { yuanToFen, type Fen } from '../lib/money';

/**
 * What a budget needs to know of a catalog item: its unit price, and when a unit is due for
 * replacement — after `serviceYears` in service, or once the odometer reaches `serviceKm`
 * (vehicles: the Jilin criteria, 8 years or 200,000 km), whichever comes first.
 */
export interface ItemTerms {
  item: string;
  unitPriceFen: Fen;
  priceNote: string | null;
  serviceYears: number | null;
  serviceKm: number | null;
  lifeNote: string | null;
}

/** Vehicle items: their own weight in the purchase plan, and the age and odometer charts. */
export const VEHICLE_ITEMS: readonly string[] = data.vehicles;

/** Where the shipped unit prices come from. */
export const PRICE_SOURCE: string = data.priceSource;

export const DEFAULT_PRICE_NOTE = '估算(默认值)';
/** The note of an item an edition added, until someone prices it: its budget lines count nothing. */
export const UNPRICED_NOTE = '配备标准新增品目,尚未定价';

/** The terms an item an edition added starts with: no price, no replacement rule; the price list shows it for a price. */
export const unpricedTerms = (item: string): ItemTerms => ({ item, unitPriceFen: 0, priceNote: UNPRICED_NOTE, serviceYears: null, serviceKm: null, lifeNote: null });

/** The shipped defaults, one per catalog item; `quotas/data/replacement.json` says the source of each. */
export const DEFAULT_TERMS: readonly ItemTerms[] = data.items.map((t) => ({
  item: t.item,
  unitPriceFen: yuanToFen(t.unitPriceYuan),
  priceNote: DEFAULT_PRICE_NOTE,
  serviceYears: t.serviceYears,
  serviceKm: t.serviceKm,
  lifeNote: t.source,
}));

export interface UnitFacts {
  purchaseDate: IsoDate | null;
  odometerKm: number | null;
}

/** A year of service at least before mileage is projected: a new car's first weeks say little. */
const MIN_DAYS_FOR_PROJECTION = 365;

/** Projections further out than this are no plan. */
const MAX_PROJECTION_DAYS = 50 * 366;

const daysBetween = (from: IsoDate, to: IsoDate) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

/**
 * The year a unit falls due for replacement, for planning: by age, or by mileage — reached
 * already, or projected at the unit's average yearly distance so far. Overdue units fall due this
 * year (`today`'s). Null when no rule applies or the ledger lacks the facts.
 */
export function dueYear(unit: UnitFacts, terms: Pick<ItemTerms, 'serviceYears' | 'serviceKm'>, today: IsoDate): number | null {
  const dates: IsoDate[] = [];
  if (terms.serviceYears !== null && unit.purchaseDate !== null) dates.push(addYears(unit.purchaseDate, terms.serviceYears));
  if (terms.serviceKm !== null && unit.odometerKm !== null) {
    if (unit.odometerKm >= terms.serviceKm) dates.push(today);
    else if (unit.purchaseDate !== null && unit.odometerKm > 0) {
      const days = daysBetween(unit.purchaseDate, today);
      const ahead = Math.ceil(((terms.serviceKm - unit.odometerKm) * days) / unit.odometerKm);
      if (days >= MIN_DAYS_FOR_PROJECTION && ahead <= MAX_PROJECTION_DAYS) dates.push(addDays(today, ahead));
    }
  }
  if (dates.length === 0) return null;
  const first = dates.reduce((a, b) => (a < b ? a : b));
  return Math.max(Number(first.slice(0, 4)), Number(today.slice(0, 4)));
}
