import { emptyHoldings, type HoldingMatrix } from '../../quotas/engine';
import type { CatalogItem } from '../../quotas/types';
import type { Db } from '../types';

/**
 * The holdings matrix of `agencies` x `catalog` as of `date`, in one GROUP BY that the
 * `assets_holdings` index covers.
 */
export function holdingsAsOf(db: Db, date: string, agencies: readonly { id: number }[], catalog: readonly CatalogItem[]): HoldingMatrix {
  const agencyIndex = new Map(agencies.map((a, i) => [a.id, i]));
  const itemIndex = new Map(catalog.map((c, i) => [c.code, i]));
  const h = emptyHoldings(agencies.length, catalog.length);
  const rows = db.$client
    .prepare(
      `select agency_id, item_code, count(*),
         count(nullif(status, 'under_repair')),
         count(case when calibration_valid_until >= ? and status <> 'under_repair' then 1 end)
       from assets where status != 'scrapped'
       group by agency_id, item_code`,
    )
    .raw()
    .iterate(date) as IterableIterator<[number, string, number, number, number]>;
  for (const [agencyId, item, held, active, activeCalibrated] of rows) {
    const a = agencyIndex.get(agencyId);
    const i = itemIndex.get(item);
    if (a === undefined || i === undefined) continue;
    const cell = a * catalog.length + i;
    h.held[cell] = held;
    h.active[cell] = active;
    h.activeCalibrated[cell] = activeCalibrated;
  }
  return h;
}
