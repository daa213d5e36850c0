import type { disposalOps } from '../../api/disposals';
import type { HandlersFor } from './handler';
import { approveDisposal, completeDisposal, listDisposals, rejectDisposal, requestDisposal } from '../../db/queries/disposals';
import { requireAssetsSync, requireDisposalSync, scopeCodes } from '../scope';

/** Disposals of assets within the caller's scope. */
export const disposalHandlers: HandlersFor<typeof disposalOps> = {
  'disposals/list': (ctx, { status }) => listDisposals(ctx.db, status, scopeCodes(ctx)),
  'disposals/request': (ctx, { assetId, reason }) => (requireAssetsSync(ctx, [assetId]), requestDisposal(ctx.db, ctx.who(), assetId, reason)),
  'disposals/approve': (ctx, { id, approvalRef }) => (requireDisposalSync(ctx, id), approveDisposal(ctx.db, ctx.who(), id, approvalRef)),
  'disposals/reject': (ctx, { id, note }) => (requireDisposalSync(ctx, id), rejectDisposal(ctx.db, ctx.who(), id, note)),
  'disposals/complete': (ctx, { id, disposedDate, residualValueFen }) => (requireDisposalSync(ctx, id), completeDisposal(ctx.db, ctx.who(), id, disposedDate, residualValueFen)),
};
