import type { ledgerOps } from '../../api/ledger';
import type { HandlersFor } from './handler';
import { ledgerCounts } from '../../db/queries/agencies';
import { listRuleSets, loadCatalog } from '../../db/queries/reference';
import { scopeCodes } from '../scope';
import { loadDemo } from './demo';

/** The ledger as a whole, counted within the caller's scope. */
export const ledgerHandlers: HandlersFor<typeof ledgerOps> = {
  'ledger/status': async (ctx) => ({ file: ctx.user?.role === 'admin' ? ctx.file : null, ...(await ledgerCounts(ctx.store, scopeCodes(ctx))) }),
  'clock/now': (ctx) => ({ now: ctx.now().toISOString(), today: ctx.today(), timeZone: ctx.clock.timeZone }),
  'ledger/loadDemo': (ctx) => ctx.store.write((tx) => loadDemo(tx, ctx.who(), ctx.today())),
  'catalog/list': (ctx) => loadCatalog(ctx.store),
  'ruleSets/list': async (ctx) => (await listRuleSets(ctx.store)).map(({ id, name, source }) => ({ id, name, source })),
};
