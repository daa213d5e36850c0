import type { Overview } from '../../api/contract';
import { addDays, type IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import type { Tx } from '../../db/store';
import { listAgencies } from '../../db/queries/agencies';
import { countByStatus, countDue, countHeld } from '../../db/queries/assets';
import { subtreeCodes } from '../../quotas/engine';
import { VEHICLE_ITEMS } from '../../quotas/replacement';
import { shortfall } from './quotas';
import { ruleSetName } from '../../db/queries/reference';
import type { overviewOps } from '../../api/overview';
import type { HandlersFor } from './handler';
import { scopedAgency } from '../scope';
import { DUE_WINDOW_DAYS } from '../../lib/domain/contracts';
import { listContracts } from '../../db/queries/contracts';
import { bookValueTotal } from '../../db/queries/book-value';
import { lifeMonthsOf } from './book-value';

/** The figures a bureau head looks at first, for the whole ledger or one agency's subtree; read on one snapshot. */
export async function overview(tx: Tx, input: { agency?: string; ruleSet?: string }, today: IsoDate): Promise<Overview> {
  const agencies = await listAgencies(tx);
  if (input.agency !== undefined && !agencies.some((a) => a.code === input.agency)) {
    throw new UserError([{ field: 'agency', message: `机构「${input.agency}」不存在` }]);
  }
  const scope = input.agency === undefined ? new Set(agencies.map((a) => a.code)) : subtreeCodes(agencies, input.agency);
  const names = new Map(agencies.map((a) => [a.code, a.name]));
  const byAgency = new Map<string, number>();
  const measured = await shortfall(tx, { ruleSet: input.ruleSet, within: input.agency === undefined ? null : { codes: scope } }, today);
  for (const r of measured.rows) {
    if (!scope.has(r.agency) || !r.item.startsWith('S')) continue;
    byAgency.set(r.agency, (byAgency.get(r.agency) ?? 0) + r.shortfall);
  }
  const ids = agencies.filter((a) => scope.has(a.code)).map((a) => a.id);
  const soon = addDays(today, DUE_WINDOW_DAYS);
  let vehiclesDue = 0;
  for (const itemCode of VEHICLE_ITEMS) vehiclesDue += await countDue(tx, 'replacement', today, { agency: input.agency, itemCode });
  return {
    date: today,
    ruleSetName: await ruleSetName(tx, measured.ruleSet),
    agencies: scope.size,
    byStatus: await countByStatus(tx, ids),
    agenciesBelowStandard: [...byAgency.values()].filter((n) => n > 0).length,
    shortfallUnits: [...byAgency.values()].reduce((s, n) => s + n, 0),
    vehicles: await countHeld(tx, ids, VEHICLE_ITEMS),
    replacementDue: await countDue(tx, 'replacement', today, { agency: input.agency }),
    vehiclesDue,
    calibrationsExpiring: await countDue(tx, 'calibration', soon, { agency: input.agency }),
    maintenanceDue: await countDue(tx, 'maintenance', soon, { agency: input.agency }),
    contractsEnding: (await listContracts(tx, input.agency === undefined ? null : scope, today)).filter((c) => c.state === 'ending').length,
    bookValueFen: await bookValueTotal(tx, today, input.agency === undefined ? null : [...scope], await lifeMonthsOf(tx)),
    worst: [...byAgency].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([agency, n]) => ({ agency, name: names.get(agency)!, shortfall: n })),
  };
}

/** The overview of the caller's agency, or of the ledger. */
export const overviewHandlers: HandlersFor<typeof overviewOps> = {
  'overview/summary': (ctx, input) => ctx.store.read((tx) => overview(tx, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today())),
};
