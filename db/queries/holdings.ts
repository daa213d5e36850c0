import type { Holding } from '../../quotas/engine';
import type { Db } from '../open';

/**
 * Each agency's holdings per item as of `date`, in one indexed GROUP BY (the `assets_holdings`
 * index covers it): held = not scrapped; active = in service or idle; activeCalibrated = active
 * with `calibration_valid_until >= date`.
 */
export function holdingsAsOf(db: Db, date: string): Map<string, Map<string, Holding>> {
  const codes = new Map<number, string>(
    (db.$client.prepare('select id, code from agencies').raw().all() as [number, string][]).map(([id, code]) => [id, code]),
  );
  const rows = db.$client
    .prepare(
      `select agency_id, item_code, count(*),
         sum(status in ('in_service','idle')),
         coalesce(sum(status in ('in_service','idle') and calibration_valid_until >= ?), 0)
       from assets where status != 'scrapped'
       group by agency_id, item_code`,
    )
    .raw()
    .all(date) as [number, string, number, number, number][];
  const out = new Map<string, Map<string, Holding>>();
  for (const [agencyId, item, held, active, activeCalibrated] of rows) {
    const code = codes.get(agencyId)!;
    let byItem = out.get(code);
    if (!byItem) out.set(code, (byItem = new Map()));
    byItem.set(item, { held, active, activeCalibrated });
  }
  return out;
}
