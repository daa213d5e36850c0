import type { bookValueOps, DepreciationLife } from '../../api/book-value';
import type { HandlersFor } from './handler';
import type { Tx } from '../../db/store';
import { raisedLives, saveLives, unitsOnBooks } from '../../db/queries/book-value';
import { loadCatalog } from '../../db/queries/reference';
import { subtreeOf } from '../../db/queries/agencies';
import { bookValues, classOf, DEPRECIATION_CLASSES, livesOf } from '../../quotas/book-value';
import { isIsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { scopedAgency } from '../scope';

async function lives(tx: Tx): Promise<DepreciationLife[]> {
  const years = livesOf(await raisedLives(tx));
  const catalog = await loadCatalog(tx);
  return DEPRECIATION_CLASSES.map((c) => ({ ...c, years: years.get(c.id)!, items: catalog.filter((i) => classOf(i) === c.id).map((i) => i.code) }));
}

/** Each catalog item's life in months: its class's years as the ledger holds them. */
export async function lifeMonthsOf(tx: Tx): Promise<Map<string, number>> {
  const years = livesOf(await raisedLives(tx));
  return new Map((await loadCatalog(tx)).map((i) => [i.code, years.get(classOf(i))! * 12]));
}

/** Book values within the caller's scope (or the subtree asked for), and the lives they are depreciated over. */
export const bookValueHandlers: HandlersFor<typeof bookValueOps> = {
  'bookValue/list': (ctx, input) => {
    const date = input.date ?? ctx.today();
    if (!isIsoDate(date)) throw new UserError([{ field: 'date', message: `日期「${date}」无效,应为 YYYY-MM-DD` }]);
    const agency = scopedAgency(ctx, input.agency);
    return ctx.store.read(async (tx) => {
      const within = agency === undefined ? null : await subtreeOf(tx, agency);
      const life = await lifeMonthsOf(tx);
      const { units, missing } = await unitsOnBooks(tx, date, within);
      return { date, ...bookValues(units, date, (item) => life.get(item)!), missing };
    });
  },
  'bookValue/lives': (ctx) => ctx.store.read(lives),
  'bookValue/saveLives': (ctx, { years }) => ctx.store.write(async (tx) => {
    await saveLives(tx, ctx.who(), years);
    return lives(tx);
  }),
};
