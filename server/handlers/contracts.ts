import type { contractOps } from '../../api/contracts';
import type { HandlersFor } from './handler';
import { deleteContract, listContracts, saveContract } from '../../db/queries/contracts';
import { requireAgency, scopeCodes } from '../scope';

/** Contracts signed or covering within the caller's scope; changed only where all of it lies in their scope. */
export const contractHandlers: HandlersFor<typeof contractOps> = {
  'contracts/list': (ctx) => ctx.store.read((tx) => listContracts(tx, scopeCodes(ctx), ctx.today())),
  'contracts/save': (ctx, { id, fields }) => {
    requireAgency(ctx, fields.agency, 'agency');
    for (const c of fields.agencies) requireAgency(ctx, c, 'agencies');
    return ctx.store.write((tx) => saveContract(tx, ctx.who(), id, fields, scopeCodes(ctx), ctx.today()));
  },
  'contracts/delete': (ctx, { id }) => ctx.store.write(async (tx) => {
    await deleteContract(tx, ctx.who(), id, scopeCodes(ctx), ctx.today());
    return null;
  }),
};
