import type { agencyOps } from '../../api/agencies';
import type { HandlersFor } from './handler';
import { UserError } from '../../lib/problems';
import { createAgency, listAgencies, updateAgency } from '../../db/queries/agencies';
import { requireAgency, scopeCodes } from '../scope';

/** The agency tree: a scoped account sees and extends only its subtree. */
export const agencyHandlers: HandlersFor<typeof agencyOps> = {
  'agencies/list': async (ctx) => {
    const codes = scopeCodes(ctx);
    const all = await listAgencies(ctx.store);
    return codes === null ? all : all.filter((a) => codes.has(a.code));
  },
  'agencies/create': (ctx, input) => {
    if (input.parentCode === null) {
      if (scopeCodes(ctx) !== null) throw new UserError([{ field: 'parentCode', message: '只能在本单位及下级机构中新增机构' }]);
    } else requireAgency(ctx, input.parentCode, 'parentCode');
    return ctx.store.write((tx) => createAgency(tx, ctx.who(), input));
  },
  'agencies/update': (ctx, { code, fields }) => (requireAgency(ctx, code, 'code'), ctx.store.write((tx) => updateAgency(tx, ctx.who(), code, fields))),
};
