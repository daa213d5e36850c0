import type { AssetStatus, Overview } from '../../api/contract';
import { addDays, type IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import type { Db } from '../../db/types';
import { listAgencies } from '../../db/queries/agencies';
import { countDue } from '../../db/queries/assets';
import { subtreeCodes } from '../../quotas/engine';
import { VEHICLE_ITEMS } from '../../quotas/replacement';
import { shortfall } from './quotas';
import { ruleSetName } from '../../db/queries/reference';

export const DUE_WINDOW_DAYS = 30;

/** The figures a bureau head looks at first, for the whole ledger or one agency's subtree. */
export function overview(db: Db, input: { agency?: string; ruleSet?: string }, today: IsoDate): Overview {
  const agencies = listAgencies(db);
  if (input.agency !== undefined && !agencies.some((a) => a.code === input.agency)) {
    throw new UserError([{ field: 'agency', message: `机构「${input.agency}」不存在` }]);
  }
  const scope = input.agency === undefined ? new Set(agencies.map((a) => a.code)) : subtreeCodes(agencies, input.agency);
  const names = new Map(agencies.map((a) => [a.code, a.name]));
  const byAgency = new Map<string, number>();
  const measured = shortfall(db, { ruleSet: input.ruleSet }, today);
  for (const r of measured.rows) {
    if (!scope.has(r.agency) || !r.item.startsWith('S')) continue;
    byAgency.set(r.agency, (byAgency.get(r.agency) ?? 0) + r.shortfall);
  }
  const ids = agencies.filter((a) => scope.has(a.code)).map((a) => a.id);
  const inScope = `agency_id in (select value from json_each(?))`;
  const byStatus: Record<AssetStatus, number> = { in_service: 0, under_repair: 0, idle: 0, scrapped: 0 };
  for (const r of db.$client.prepare(`select status, count(*) as n from assets where ${inScope} group by status`).all(JSON.stringify(ids)) as { status: AssetStatus; n: number }[]) {
    byStatus[r.status] = r.n;
  }
  const vehicles = db.$client
    .prepare(`select count(*) from assets where ${inScope} and status <> 'scrapped' and item_code in (select value from json_each(?))`)
    .pluck().get(JSON.stringify(ids), JSON.stringify(VEHICLE_ITEMS)) as number;
  const soon = addDays(today, DUE_WINDOW_DAYS);
  return {
    date: today,
    ruleSetName: ruleSetName(db, measured.ruleSet),
    agencies: scope.size,
    byStatus,
    agenciesBelowStandard: [...byAgency.values()].filter((n) => n > 0).length,
    shortfallUnits: [...byAgency.values()].reduce((s, n) => s + n, 0),
    vehicles,
    replacementDue: countDue(db, 'replacement', today, { agency: input.agency }),
    vehiclesDue: VEHICLE_ITEMS.reduce((n, itemCode) => n + countDue(db, 'replacement', today, { agency: input.agency, itemCode }), 0),
    calibrationsExpiring: countDue(db, 'calibration', soon, { agency: input.agency }),
    maintenanceDue: countDue(db, 'maintenance', soon, { agency: input.agency }),
    worst: [...byAgency].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([agency, n]) => ({ agency, name: names.get(agency)!, shortfall: n })),
  };
}
