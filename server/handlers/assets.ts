import type { assetOps } from '../../api/assets';
import type { HandlersFor } from './handler';
import { randomUUID } from 'node:crypto';
import { countAssets, listAssets } from '../../db/queries/assets';
import { bulkUpdateAssets, createAsset, updateAsset } from '../../db/queries/asset-writes';
import { assetHistory } from '../../db/queries/asset-history';
import { displayNames } from '../../db/queries/users';
import { mentionedPeople } from '../../lib/changes';
import { requireAgency, requireAssets, scopedAgency } from '../scope';

/** Assets within the caller's scope; a transfer only to an agency in it. */
export const assetHandlers: HandlersFor<typeof assetOps> = {
  'assets/list': (ctx, input) => ctx.store.read((tx) => listAssets(tx, { ...input, query: { ...input.query, agency: scopedAgency(ctx, input.query.agency) } })),
  'assets/count': (ctx, { query }) => ctx.store.read(async (tx) => ({ total: await countAssets(tx, { ...query, agency: scopedAgency(ctx, query.agency) }) })),
  'assets/get': (ctx, { id }) => ctx.store.read(async (tx) => {
    await requireAssets(ctx, tx, [id]);
    const h = await assetHistory(tx, id);
    return { ...h, people: await displayNames(tx, [...mentionedPeople(h.audit), ...h.disposals.flatMap((d) => [d.requestedBy, d.approvedBy ?? '']), ...h.maintenance.map((m) => m.voidedBy ?? ''), ...h.calibrations.map((c) => c.voidedBy ?? '')]) };
  }),
  'assets/create': (ctx, fields) => (requireAgency(ctx, fields.agencyCode), ctx.store.write((tx) => createAsset(tx, ctx.who(), fields))),
  'assets/update': (ctx, { id, fields }) => ctx.store.write(async (tx) => {
    await requireAssets(ctx, tx, [id]);
    requireAgency(ctx, fields.agencyCode);
    return updateAsset(tx, ctx.who(), id, fields);
  }),
  'assets/bulkUpdate': (ctx, { ids, change }) => {
    const batch = randomUUID();
    return ctx.store.write(async (tx) => {
      await requireAssets(ctx, tx, ids);
      if ('agencyCode' in change) requireAgency(ctx, change.agencyCode);
      return { updated: await bulkUpdateAssets(tx, ctx.who(), batch, ids, change), batch };
    });
  },
};
