import type { recordOps } from '../../api/records';
import type { HandlersFor } from './handler';
import { addCalibration, addMaintenance, recordAssetId, updateCalibration, updateMaintenance, voidCalibration, voidMaintenance } from '../../db/queries/maintenance';
import { requireAssetsSync } from '../scope';

/** Maintenance and calibration records, of assets within the caller's scope. */
export const recordHandlers: HandlersFor<typeof recordOps> = {
  'maintenance/create': (ctx, input) => (requireAssetsSync(ctx, [input.assetId]), { id: addMaintenance(ctx.db, ctx.who(), input) }),
  'calibrations/create': (ctx, input) => (requireAssetsSync(ctx, [input.assetId]), { id: addCalibration(ctx.db, ctx.who(), input) }),
  'maintenance/update': (ctx, { id, fields }) => (requireAssetsSync(ctx, [recordAssetId(ctx.db, 'maintenance', id)]), { id: updateMaintenance(ctx.db, ctx.who(), id, fields) }),
  'maintenance/void': (ctx, { id, reason }) => (requireAssetsSync(ctx, [recordAssetId(ctx.db, 'maintenance', id)]), { id: voidMaintenance(ctx.db, ctx.who(), id, reason) }),
  'calibrations/update': (ctx, { id, fields }) => (requireAssetsSync(ctx, [recordAssetId(ctx.db, 'calibration', id)]), { id: updateCalibration(ctx.db, ctx.who(), id, fields) }),
  'calibrations/void': (ctx, { id, reason }) => (requireAssetsSync(ctx, [recordAssetId(ctx.db, 'calibration', id)]), { id: voidCalibration(ctx.db, ctx.who(), id, reason) }),
};
