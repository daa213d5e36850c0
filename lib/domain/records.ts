import { z } from 'zod';
import { countOf, dateOf, fenOf } from './values';

export const MAINTENANCE_INPUT = z.object({
  assetId: z.number().int().positive(),
  date: dateOf('维护日期'),
  kind: z.enum(['repair', 'service', 'inspection']),
  description: z.string().trim().min(1, '请填写维护内容').max(1000),
  costFen: fenOf('维护费用', 1e11).nullable(),
  vendor: z.string().trim().max(100).nullable(),
  odometerKm: countOf('行驶里程', 5_000_000).nullable(),
  nextDueDate: dateOf('下次保养日期').nullable(),
  /** Sends the asset to repair, or back into service when the repair is done. */
  setStatus: z.enum(['in_service', 'under_repair']).nullable(),
});
export type MaintenanceInput = z.infer<typeof MAINTENANCE_INPUT>;
/** What a correction of a maintenance record may change: the record itself, not the asset it moved. */
export const MAINTENANCE_FIELDS = MAINTENANCE_INPUT.omit({ assetId: true, setStatus: true });
export type MaintenanceFields = z.infer<typeof MAINTENANCE_FIELDS>;

export const CALIBRATION_INPUT = z.object({
  assetId: z.number().int().positive(),
  date: dateOf('检定日期'),
  validUntil: dateOf('有效期至'),
  certificateNo: z.string().trim().max(100).nullable(),
  institution: z.string().trim().max(100).nullable(),
  result: z.enum(['pass', 'fail']),
  notes: z.string().max(1000).nullable(),
});
export type CalibrationInput = z.infer<typeof CALIBRATION_INPUT>;
export const CALIBRATION_FIELDS = CALIBRATION_INPUT.omit({ assetId: true });
export type CalibrationFields = z.infer<typeof CALIBRATION_FIELDS>;

/** A record entered by mistake is voided with a reason, never deleted; it then counts for nothing. */
export const VOID_INPUT = z.object({ id: z.number().int().positive(), reason: z.string().trim().min(1, '请填写作废原因').max(500, '作废原因最多 500 字') });

/** Who voided a record, when and why; null while it counts. */
export interface VoidMark {
  voidedAt: string | null;
  voidedBy: string | null;
  voidReason: string | null;
}

export type DisposalStatus = 'requested' | 'approved' | 'scrapped' | 'rejected';

export interface DisposalRow {
  id: number;
  assetId: number;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  agencyName: string;
  status: DisposalStatus;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  approvalRef: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  disposedDate: string | null;
  residualValueFen: number | null;
}

export interface MaintenanceLogRow {
  date: string;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  agencyName: string;
  kind: 'repair' | 'service' | 'inspection';
  description: string;
  costFen: number | null;
  vendor: string | null;
  odometerKm: number | null;
  nextDueDate: string | null;
}

export interface CalibrationLogRow {
  date: string;
  validUntil: string;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  agencyName: string;
  certificateNo: string | null;
  institution: string | null;
  result: 'pass' | 'fail';
  notes: string | null;
}
