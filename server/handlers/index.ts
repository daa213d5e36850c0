import type { OpName, Output, ParsedInput } from '../../api/contract';
import type { Context } from '../context';
import { listAgencies } from '../../db/queries/agencies';
import { listAssets } from '../../db/queries/assets';
import { loadCatalog, listRuleSets } from '../../db/queries/reference';
import { loadDemo } from './demo';
import { importTemplate } from './imports';
import { shortfall } from './quotas';

type Handlers = { [N in OpName]: (ctx: Context, input: ParsedInput<N>) => Output<N> | Promise<Output<N>> };

const count = (ctx: Context, table: 'agencies' | 'assets') => ctx.db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;

/** Every operation of the contract, implemented once for every transport. */
export const handlers: Handlers = {
  'ledger/status': (ctx) => ({ file: ctx.file, agencies: count(ctx, 'agencies'), assets: count(ctx, 'assets') }),
  'ledger/loadDemo': (ctx) => loadDemo(ctx.db, ctx.who(), ctx.today()),
  'catalog/list': (ctx) => loadCatalog(ctx.db),
  'ruleSets/list': (ctx) => listRuleSets(ctx.db).map(({ id, name, source }) => ({ id, name, source })),
  'agencies/list': (ctx) => listAgencies(ctx.db),
  'quotas/shortfall': (ctx, input) => shortfall(ctx.db, input, ctx.today()),
  'assets/list': (ctx, input) => listAssets(ctx.db, input),
  'imports/template': (ctx, input) => {
    const { batch: _batch, ...outcome } = importTemplate(ctx.db, Buffer.from(input.base64, 'base64'), { file: input.fileName, who: ctx.who(), today: ctx.today() });
    return outcome;
  },
};
