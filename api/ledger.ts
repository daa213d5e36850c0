import { z } from 'zod';
import type { CatalogItem } from '../quotas/types';
import { exportOp, none, op, UPLOAD } from './op';

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

/** A rule set as listed: its name, issuing document, effective date and the set it was based on. */
export interface RuleSetHead {
  id: string;
  name: string;
  source: string;
  effectiveDate: string | null;
  basedOn: string | null;
}

export interface RuleSetImported {
  id: string;
  name: string;
  /** Quotas stored, one per item and level. */
  rules: number;
  /** Items the edition added to the catalog (or changed, where it added them before). */
  items: number;
  /** An edition stored earlier under the same id was replaced. */
  replaced: boolean;
}

/** An edition as the editor shows it: its heading and its table, in the columns of the standard's table (`columns`). */
export interface EditionTable extends RuleSetHead {
  columns: readonly string[];
  rows: (string | null)[][];
  /** Shipped with the app: kept as shipped, so an edit is saved as a new edition. */
  shipped: boolean;
}

/** The id an imported edition is stored under: what `--rules` and the screens name it by. */
const RULE_SET_ID = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, '编号应为 1–50 位字母、数字、点、下划线或连字符,以字母或数字开头,如 national-2024');

/** The ledger as a whole: its counts, its clock, the demo data, the catalog and the rule sets. */
export const ledgerOps = {
  'ledger/status': op(none, 'read').returns<LedgerStatus>(),
  'clock/now': op(none, 'read').returns<ClockNow>(),
  'ledger/loadDemo': op(none, 'admin', true).returns<{ agencies: number; assets: number }>(),
  'catalog/list': op(none, 'read').returns<CatalogItem[]>(),
  'ruleSets/list': op(none, 'read').returns<RuleSetHead[]>(),
  'ruleSets/export': exportOp(z.object({ id: z.string().min(1).max(50) }).strict(), 'read'),
  'ruleSets/import': op(UPLOAD.extend({
    id: RULE_SET_ID,
    name: z.string().trim().min(1, '名称不能为空').max(100, '名称最多 100 字').optional(),
    replace: z.boolean().optional(),
  }).strict(), 'budget', true).returns<RuleSetImported>(),
  'ruleSets/table': op(z.object({ id: z.string().min(1).max(50) }).strict(), 'read').returns<EditionTable>(),
  'ruleSets/save': op(z.object({
    id: RULE_SET_ID,
    name: z.string().trim().min(1, '名称不能为空').max(100, '名称最多 100 字'),
    source: z.string().trim().max(500, '发布文件最多 500 字'),
    effectiveDate: z.string().max(30).nullable(),
    basedOn: z.string().max(50).nullable(),
    rows: z.array(z.array(z.string().max(2000).nullable()).max(20)).max(1000, '一个配备标准最多 1000 行'),
    replace: z.boolean().optional(),
  }).strict(), 'budget', true).returns<RuleSetImported>(),
} as const;
