import type { QuotaRow } from './engine';

/** One agency × item whose requirement or shortfall differs between two editions of the standard, on the same holdings. */
export interface EditionChange {
  agency: string;
  item: string;
  held: number;
  requiredBase: number;
  requiredOther: number;
  shortfallBase: number;
  shortfallOther: number;
  /** Units to buy to meet the standard, at the item's unit price: other edition minus base. */
  budgetChangeFen: number;
}

/** An agency's standing under each edition: items it must hold, items met, shortfall, and the purchases that changes. */
export interface EditionStanding {
  agency: string;
  itemsBase: number;
  metBase: number;
  itemsOther: number;
  metOther: number;
  shortfallBase: number;
  shortfallOther: number;
  budgetChangeFen: number;
}

export interface EditionComparison {
  changes: EditionChange[];
  /** Every agency measured, in the rows' order, changed or not. */
  agencies: EditionStanding[];
  totals: { shortfallBase: number; shortfallOther: number; budgetChangeFen: number; changedAgencies: number };
}

/**
 * The two measurements of the same agencies and holdings side by side (rows in the same agency × item
 * order, as `quotaRows` gives them): what each agency must hold under each edition, its shortfall, and
 * what meeting the other edition costs more or less than meeting the base, at unit price.
 */
export function compareEditions(base: readonly QuotaRow[], other: readonly QuotaRow[], unitPriceFen: (item: string) => number): EditionComparison {
  if (base.length !== other.length) throw new Error('compareEditions: the two measurements cover different cells');
  const changes: EditionChange[] = [];
  const standings = new Map<string, EditionStanding>();
  for (let k = 0; k < base.length; k++) {
    const b = base[k];
    const o = other[k];
    if (b.agency !== o.agency || b.item !== o.item) throw new Error('compareEditions: the two measurements are not in the same order');
    let s = standings.get(b.agency);
    if (!s) standings.set(b.agency, (s = { agency: b.agency, itemsBase: 0, metBase: 0, itemsOther: 0, metOther: 0, shortfallBase: 0, shortfallOther: 0, budgetChangeFen: 0 }));
    if (b.required > 0) (s.itemsBase++, b.shortfall === 0 && s.metBase++);
    if (o.required > 0) (s.itemsOther++, o.shortfall === 0 && s.metOther++);
    s.shortfallBase += b.shortfall;
    s.shortfallOther += o.shortfall;
    // A change of requirement, or of what counts towards it (a service contract where only one edition admits it).
    if (b.required === o.required && b.shortfall === o.shortfall) continue;
    const budgetChangeFen = (o.shortfall - b.shortfall) * unitPriceFen(b.item);
    s.budgetChangeFen += budgetChangeFen;
    changes.push({
      agency: b.agency, item: b.item, held: b.held, requiredBase: b.required, requiredOther: o.required,
      shortfallBase: b.shortfall, shortfallOther: o.shortfall, budgetChangeFen,
    });
  }
  const agencies = [...standings.values()];
  const changed = new Set(changes.map((c) => c.agency));
  return {
    changes,
    agencies,
    totals: {
      shortfallBase: agencies.reduce((n, a) => n + a.shortfallBase, 0),
      shortfallOther: agencies.reduce((n, a) => n + a.shortfallOther, 0),
      budgetChangeFen: agencies.reduce((n, a) => n + a.budgetChangeFen, 0),
      changedAgencies: changed.size,
    },
  };
}
