import type { CatalogItem } from '../quotas/types';
import { none, op } from './op';

export type { CatalogItem } from '../quotas/types';

/**
 * The ledger's clock as the server reads it. The renderer takes today, default years and date
 * windows from here, and shows stored instants in `timeZone`, never by its own clock or zone.
 */
export interface ClockNow {
  /** The present instant, ISO (UTC). */
  now: string;
  /** The local date in `timeZone`. */
  today: string;
  /** IANA zone of every date shown or stored (Asia/Shanghai unless the machine says otherwise). */
  timeZone: string;
}

export interface LedgerStatus {
  /** The ledger's file, for the administrator; null for everyone else. */
  file: string | null;
  /** Within the caller's scope. */
  agencies: number;
  assets: number;
}

/** The ledger as a whole: its counts, its clock, the demo data, the catalog and the rule sets. */
export const ledgerOps = {
  'ledger/status': op(none, 'read').returns<LedgerStatus>(),
  'clock/now': op(none, 'read').returns<ClockNow>(),
  'ledger/loadDemo': op(none, 'admin', true).returns<{ agencies: number; assets: number }>(),
  'catalog/list': op(none, 'read').returns<CatalogItem[]>(),
  'ruleSets/list': op(none, 'read').returns<{ id: string; name: string; source: string }[]>(),
} as const;
