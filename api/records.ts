import { z } from 'zod';
import { CALIBRATION_FIELDS, CALIBRATION_INPUT, MAINTENANCE_FIELDS, MAINTENANCE_INPUT, VOID_INPUT } from '../lib/domain/records';
import { op } from './op';

export * from '../lib/domain/records';

/** Maintenance and calibration records: entered, corrected, voided. */
export const recordOps = {
  'maintenance/create': op(MAINTENANCE_INPUT, 'edit', true).returns<{ id: number }>(),
  'calibrations/create': op(CALIBRATION_INPUT, 'edit', true).returns<{ id: number }>(),
  'maintenance/update': op(z.object({ id: z.number().int().positive(), fields: MAINTENANCE_FIELDS }), 'edit', true).returns<{ id: number }>(),
  'maintenance/void': op(VOID_INPUT, 'edit', true).returns<{ id: number }>(),
  'calibrations/update': op(z.object({ id: z.number().int().positive(), fields: CALIBRATION_FIELDS }), 'edit', true).returns<{ id: number }>(),
  'calibrations/void': op(VOID_INPUT, 'edit', true).returns<{ id: number }>(),
} as const;
