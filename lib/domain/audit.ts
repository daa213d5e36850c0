import { z } from 'zod';
import { dateOf } from './values';

export interface AuditItem {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  before: unknown;
  after: unknown;
}

export const AUDIT_QUERY = z.object({
  actor: z.string().trim().max(50).optional(),
  entity: z.string().trim().max(30).optional(),
  /** Contains, on the entity's key (asset tag, agency code, user name). */
  key: z.string().trim().max(100).optional(),
  from: dateOf('起始日期').optional(),
  to: dateOf('截止日期').optional(),
  batch: z.string().max(64).optional(),
});
export type AuditQuery = z.infer<typeof AUDIT_QUERY>;

export interface AuditRow extends AuditItem {
  entityKey: string;
  batch: string | null;
}

/** The last bulk edit or import, which can be taken back as one step. */
export interface UndoableBatch {
  batch: string;
  kind: 'bulk' | 'import';
  at: string;
  actor: string;
  entries: number;
}
