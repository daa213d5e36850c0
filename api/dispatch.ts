import { z } from 'zod';
import { DISPATCH_SETTINGS, type CommitmentRow, type DispatchCount, type DispatchSettings } from '../lib/domain/dispatch';
import { isoDate } from '../lib/domain/values';
import { none, op } from './op';

export * from '../lib/domain/dispatch';

/** The dispatch reserve, the units' commitments and the units sent. */
export const dispatchOps = {
  'dispatch/settings': op(none, 'read').returns<DispatchSettings>(),
  'dispatch/saveSettings': op(DISPATCH_SETTINGS, 'approve', true).returns<DispatchSettings>(),
  'dispatch/timeline': op(z.object({ from: isoDate, to: isoDate }), 'read').returns<CommitmentRow[]>(),
  'dispatch/counts': op(z.object({ from: isoDate.optional(), to: isoDate.optional() }), 'read').returns<DispatchCount[]>(),
} as const;
