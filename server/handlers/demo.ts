import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { DEMO_PROVINCE, generateAgencies, generateAssets } from '../demo/generate';
import type { Tx } from '../../db/store';
import type { Actor } from '../../db/queries/audit';
import { isEmptyLedger, loadLedger } from '../../db/queries/bulk';

export const DEMO_SEED = 2020;
export const DEMO_ASSETS = 50_000;

/** Fills an empty ledger with the synthetic demo province (1 province, 12 cities, 100 counties); call inside a write transaction. */
export async function loadDemo(tx: Tx, who: Actor, today: IsoDate, assets = DEMO_ASSETS) {
  if (!(await isEmptyLedger(tx))) throw new UserError([{ message: '数据库中已有机构数据;演示数据只能载入空台账' }]);
  const agencies = generateAgencies(DEMO_SEED, [DEMO_PROVINCE]);
  // The assets are generated here, so a transaction run again generates them again.
  return loadLedger(tx, who, `演示数据:${DEMO_PROVINCE.name}`, agencies, generateAssets(DEMO_SEED, agencies, assets, today));
}
