import type { z } from 'zod';
import type { Problem } from '../lib/problems';
import type { CsvShape } from '../lib/domain/files';
import { can, ROLE_NAMES, type SessionUser } from './roles';
import { authOps } from './auth';
import { auditOps } from './audit';
import { backupOps } from './backups';
import { ledgerOps } from './ledger';
import { agencyOps } from './agencies';
import { quotaOps } from './quotas';
import { overviewOps } from './overview';
import { assetOps } from './assets';
import { recordOps } from './records';
import { disposalOps } from './disposals';
import { exportOps } from './exports';
import { importOps } from './imports';
import { budgetOps } from './budget';
import { scoreOps } from './score';
import { chartOps } from './charts';
import { taskOps } from './tasks';
import { dispatchOps } from './dispatch';
import { planOps } from './plans';
import { stocktakeOps } from './stocktakes';
import { labelOps } from './labels';
import { contractOps } from './contracts';
import { bookValueOps } from './book-value';

export * from './auth';
export * from './audit';
export * from './backups';
export * from './ledger';
export * from './agencies';
export * from './quotas';
export * from './overview';
export * from './assets';
export * from './records';
export * from './disposals';
export * from './exports';
export * from './imports';
export * from './budget';
export * from './score';
export * from './charts';
export * from './tasks';
export * from './dispatch';
export * from './plans';
export * from './stocktakes';
export * from './labels';
export * from './contracts';
export * from './book-value';
export * from '../lib/domain/files';
export { dateOf, isoDate } from '../lib/domain/values';

/** Every operation, declared once in its domain's file. */
export const api = {
  ...authOps,
  ...auditOps,
  ...backupOps,
  ...ledgerOps,
  ...agencyOps,
  ...quotaOps,
  ...overviewOps,
  ...assetOps,
  ...recordOps,
  ...disposalOps,
  ...exportOps,
  ...importOps,
  ...budgetOps,
  ...scoreOps,
  ...chartOps,
  ...taskOps,
  ...dispatchOps,
  ...planOps,
  ...stocktakeOps,
  ...labelOps,
  ...contractOps,
  ...bookValueOps,
} as const;

export type Api = typeof api;
export type OpName = keyof Api;
export type Input<N extends OpName> = z.input<Api[N]['input']>;

/** The operations that export a file in the format the user chooses (declared with exportOp, which keeps their formats). */
export type ExportOp = { [N in OpName]: Api[N] extends { formats: readonly string[] } ? N : never }[OpName];

/**
 * The CSV of each export whose workbook has several sheets, as the export button says: the data sheets
 * together in a .zip, or, where one sheet is the one edited or re-imported, that sheet alone. Every
 * other export has one sheet, so one .csv.
 */
export const CSV_SHAPES = {
  'quotas/export': 'zip',
  'quotas/exportCompare': 'zip',
  'budget/export': 'zip',
  'budget/exportPlan': 'zip',
  'plans/export': 'zip',
  'budget/exportTerms': { sheet: '单价与更新年限' },
  'imports/blankTemplate': { sheet: '装备' },
  'stocktakes/report': 'zip',
} as const satisfies { [N in ExportOp]?: CsvShape };

/** Operations on what every agency shares (prices and replacement rules, the dispatch reserve, the editions of the standard): only an account of the whole ledger calls them, whatever its role's rights. */
const LEDGER_WIDE: ReadonlySet<OpName> = new Set<OpName>(['budget/saveTerms', 'budget/importTerms', 'dispatch/saveSettings', 'ruleSets/import', 'ruleSets/save', 'bookValue/saveLives']);

/**
 * Why a user may not call an operation, or null when they may. The server refuses with it; the
 * renderer hides what it would refuse, so a control is shown exactly when its operation is accepted.
 */
export function refusal(user: SessionUser | null, op: OpName): Problem | null {
  const { right } = api[op];
  if (right === 'public') return null;
  if (!user) return { code: 'unauthenticated', message: '请先登录(或登录已超时)' };
  if (!can(user.role, right)) return { code: 'forbidden', message: `当前角色(${ROLE_NAMES[user.role]})无权执行此操作` };
  if (user.agencyCode === null) return null;
  // Users, backups and restore are the whole ledger's too: an administrator limited to an agency does not hold them.
  if (right === 'admin') return { code: 'forbidden', message: `用户与备份管理涉及全部机构,只能由管辖全部机构的系统管理员办理;您的账号限于机构「${user.agencyCode}」` };
  if (LEDGER_WIDE.has(op)) return { code: 'forbidden', message: `此项为全台账共用的设置,影响所有机构,只能由管辖全部机构的用户修改;您的账号限于机构「${user.agencyCode}」` };
  return null;
}
export type ParsedInput<N extends OpName> = z.output<Api[N]['input']>;
export type Output<N extends OpName> = Api[N]['output'];

/** What every transport carries back: a value, or the problems the user can fix. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };
