import { z } from 'zod';
import type { DisposalRow } from '../lib/domain/records';
import { dateOf, fenOf } from '../lib/domain/values';
import { op } from './op';

/** Disposals (报废): requested, approved or rejected, completed. */
export const disposalOps = {
  'disposals/list': op(z.object({ status: z.enum(['requested', 'approved', 'scrapped', 'rejected']).optional() }), 'read').returns<DisposalRow[]>(),
  'disposals/request': op(z.object({ assetId: z.number().int().positive(), reason: z.string().trim().min(1, '请填写报废原因').max(1000) }), 'edit', true).returns<DisposalRow>(),
  'disposals/approve': op(z.object({ id: z.number().int().positive(), approvalRef: z.string().trim().min(1, '请填写审批文号').max(100) }), 'approve', true).returns<DisposalRow>(),
  'disposals/reject': op(z.object({ id: z.number().int().positive(), note: z.string().trim().min(1, '请填写不予报废的理由').max(1000) }), 'approve', true).returns<DisposalRow>(),
  'disposals/complete': op(z.object({ id: z.number().int().positive(), disposedDate: dateOf('报废日期'), residualValueFen: fenOf('残值', 1e11).nullable() }), 'edit', true).returns<DisposalRow>(),
} as const;
