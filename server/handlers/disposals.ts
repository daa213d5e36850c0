import type { disposalOps } from '../../api/disposals';
import type { HandlersFor } from './handler';
import { approveDisposal, completeDisposal, listDisposals, rejectDisposal, requestDisposal } from '../../db/queries/disposals';
import { requireAssets, requireDisposal, scopeCodes } from '../scope';

/** Disposals of assets within the caller's scope; each step read, checked and changed in one write. */
export const disposalHandlers: HandlersFor<typeof disposalOps> = {
  'disposals/list': (ctx, { status }) => listDisposals(ctx.store, status, scopeCodes(ctx)),
  'disposals/request': (ctx, { assetId, reason }) => ctx.store.write(async (tx) => {
    await requireAssets(ctx, tx, [assetId]);
    return requestDisposal(tx, ctx.who(), assetId, reason);
  }),
  'disposals/approve': (ctx, { id, approvalRef }) => ctx.store.write(async (tx) => {
    await requireDisposal(ctx, tx, id);
    return approveDisposal(tx, ctx.who(), id, approvalRef);
  }),
  'disposals/reject': (ctx, { id, note }) => ctx.store.write(async (tx) => {
    await requireDisposal(ctx, tx, id);
    return rejectDisposal(tx, ctx.who(), id, note);
  }),
  'disposals/complete': (ctx, { id, disposedDate, residualValueFen }) => ctx.store.write(async (tx) => {
    await requireDisposal(ctx, tx, id);
    return completeDisposal(tx, ctx.who(), id, disposedDate, residualValueFen);
  }),
};
