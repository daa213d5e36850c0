import type { recordOps } from '../../api/records';
import type { HandlersFor } from './handler';
import { addCalibration, addMaintenance, recordAssetId, updateCalibration, updateMaintenance, voidCalibration, voidMaintenance } from '../../db/queries/maintenance';
import { requireAssets } from '../scope';

/** Maintenance and calibration records, of assets within the caller's scope. */
export const recordHandlers: HandlersFor<typeof recordOps> = {
  'maintenance/create': (ctx, input) => ctx.store.write(async (tx) => {
    await requireAssets(ctx, tx, [input.assetId]);
    return { id: await addMaintenance(tx, ctx.who(), input) };
  }),
  'calibrations/create': (ctx, input) => ctx.store.write(async (tx) => {
    await requireAssets(ctx, tx, [input.assetId]);
    return { id: await addCalibration(tx, ctx.who(), input) };
  }),
  'maintenance/update': (ctx, { id, fields }) => ctx.store.write(async (tx) => {
    await requireAssets(ctx, tx, [await recordAssetId(tx, 'maintenance', id)]);
    return { id: await updateMaintenance(tx, ctx.who(), id, fields) };
  }),
  'maintenance/void': (ctx, { id, reason }) => ctx.store.write(async (tx) => {
    await requireAssets(ctx, tx, [await recordAssetId(tx, 'maintenance', id)]);
    return { id: await voidMaintenance(tx, ctx.who(), id, reason) };
  }),
  'calibrations/update': (ctx, { id, fields }) => ctx.store.write(async (tx) => {
    await requireAssets(ctx, tx, [await recordAssetId(tx, 'calibration', id)]);
    return { id: await updateCalibration(tx, ctx.who(), id, fields) };
  }),
  'calibrations/void': (ctx, { id, reason }) => ctx.store.write(async (tx) => {
    await requireAssets(ctx, tx, [await recordAssetId(tx, 'calibration', id)]);
    return { id: await voidCalibration(tx, ctx.who(), id, reason) };
  }),
};
