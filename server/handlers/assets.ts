import type { assetOps } from '../../api/assets';
import type { HandlersFor } from './handler';
import { randomUUID } from 'node:crypto';
import { listAssets } from '../../db/queries/assets';
import { bulkUpdateAssets, createAsset, updateAsset } from '../../db/queries/asset-writes';
import { assetHistory } from '../../db/queries/asset-history';
import { displayNames } from '../../db/queries/users';
import { mentionedPeople } from '../../lib/changes';
import { requireAgency, requireAssetsSync, scopedAgency } from '../scope';

/** Assets within the caller's scope; a transfer only to an agency in it. */
export const assetHandlers: HandlersFor<typeof assetOps> = {
  'assets/list': (ctx, input) => listAssets(ctx.db, { ...input, query: { ...input.query, agency: scopedAgency(ctx, input.query.agency) } }),
  'assets/get': async (ctx, { id }) => {
    requireAssetsSync(ctx, [id]);
    const h = assetHistory(ctx.db, id);
    return { ...h, people: await displayNames(ctx.store, [...mentionedPeople(h.audit), ...h.disposals.flatMap((d) => [d.requestedBy, d.approvedBy ?? '']), ...h.maintenance.map((m) => m.voidedBy ?? ''), ...h.calibrations.map((c) => c.voidedBy ?? '')]) };
  },
  'assets/create': (ctx, fields) => (requireAgency(ctx, fields.agencyCode), createAsset(ctx.db, ctx.who(), fields)),
  'assets/update': (ctx, { id, fields }) => {
    requireAssetsSync(ctx, [id]);
    requireAgency(ctx, fields.agencyCode);
    return updateAsset(ctx.db, ctx.who(), id, fields);
  },
  'assets/bulkUpdate': (ctx, { ids, change }) => {
    requireAssetsSync(ctx, ids);
    if ('agencyCode' in change) requireAgency(ctx, change.agencyCode);
    const batch = randomUUID();
    return { updated: bulkUpdateAssets(ctx.db, ctx.who(), batch, ids, change), batch };
  },
};
