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
 * never the assets themselves; and the units service contracts valid on `date` supply each agency. With `only`
 * (agency ids), only those agencies' are counted.
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
  const supplied = await tx.all<{ agencyId: number; item: string; quantity: number }>(sql`select a.agency_id as "agencyId", i.item_code as item, sum(i.quantity) as quantity
    from service_contracts c join service_contract_agencies a on a.contract_id = c.id join service_contract_items i on i.contract_id = c.id
    where c.valid_from <= ${date} and c.valid_to >= ${date}${only === null ? sql`` : sql` and ${inList(tx, sql.ref('a.agency_id'), only)}`}
    group by a.agency_id, i.item_code`);
  for (const r of supplied) {
    const a = agencyIndex.get(Number(r.agencyId));
    const i = itemIndex.get(r.item);
    if (a !== undefined && i !== undefined) h.contracted[a * catalog.length + i] = Number(r.quantity);
  }
  return h;
}
