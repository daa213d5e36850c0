import { sql } from 'kysely';
import { emptyHoldings, type HoldingMatrix } from '../../quotas/engine';
import type { CatalogItem } from '../../quotas/types';
import { inList, type Tx } from '../store';

interface HoldingCount {
  agencyId: number;
  item: string;
  held: number;
  active: number;
  activeCalibrated: number;
}

/**
 * The holdings matrix of `agencies` x `catalog` as of `date`, counted by the database in one GROUP BY
 * over agency and item (which the `assets_holdings` index covers): one row per agency and item held,
 * never the assets themselves. With `only` (agency ids), only those agencies' assets are counted.
 */
export async function holdingsAsOf(tx: Tx, date: string, agencies: readonly { id: number }[], catalog: readonly CatalogItem[], only: readonly number[] | null = null): Promise<HoldingMatrix> {
  const agencyIndex = new Map(agencies.map((a, i) => [a.id, i]));
  const itemIndex = new Map(catalog.map((c, i) => [c.code, i]));
  const h = emptyHoldings(agencies.length, catalog.length);
  const rows = await tx.all<HoldingCount>(sql`select agency_id as "agencyId", item_code as item, count(*) as held,
      count(nullif(status, 'under_repair')) as active,
      count(case when calibration_valid_until >= ${date} and status <> 'under_repair' then 1 end) as "activeCalibrated"
    from assets where status <> 'scrapped'${only === null ? sql`` : sql` and ${inList(tx, sql.ref('agency_id'), only)}`}
    group by agency_id, item_code`);
  for (const r of rows) {
    const a = agencyIndex.get(Number(r.agencyId));
    const i = itemIndex.get(r.item);
    if (a === undefined || i === undefined) continue;
    const cell = a * catalog.length + i;
    h.held[cell] = Number(r.held);
    h.active[cell] = Number(r.active);
    h.activeCalibrated[cell] = Number(r.activeCalibrated);
  }
  return h;
}
