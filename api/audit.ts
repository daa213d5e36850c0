import { z } from 'zod';
import { AUDIT_QUERY, type AuditRow, type UndoableBatch } from '../lib/domain/audit';
import { exportOp, none, op } from './op';

export * from '../lib/domain/audit';

/** The audit log, and undo of the last bulk edit or import. */
export const auditOps = {
  'audit/list': op(z.object({ query: AUDIT_QUERY, startRow: z.number().int().min(0), endRow: z.number().int().min(1) }).refine((v) => v.endRow > v.startRow && v.endRow - v.startRow <= 1000, '每页最多 1000 行'), 'audit').returns<{ rows: AuditRow[]; total: number; people: Record<string, string> }>(),
  'audit/export': exportOp(z.object({ query: AUDIT_QUERY }), 'audit'),
  'undo/last': op(none, 'edit').returns<UndoableBatch | null>(),
  'undo/apply': op(z.object({ batch: z.string().min(1).max(64) }), 'edit', true).returns<{ undone: number }>(),
} as const;
