import type { AuditQuery, ExportFormat, FileOut } from '../../api/contract';
import { auditEntries, listAudit } from '../../db/queries/audit';
import type { Db } from '../../db/open';
import { exportFile } from '../../excel/export';
import type { OutValue } from '../../excel/write';
import { formatInstant } from '../../lib/clock';
import { displayNames } from '../../db/queries/users';
import { AUDIT_ACTIONS, describeChange, entityLabel, mentionedPeople, personName, type AuditWords } from '../../lib/changes';
import type { auditOps } from '../../api/audit';
import type { HandlersFor } from './handler';
import { randomUUID } from 'node:crypto';
import { lastUndoable, undoBatch } from '../../db/queries/undo';
import { scopeCodes } from '../scope';

/** The audit log as filtered (within a reader's scope; null: all), as a workbook: one row per entry, newest first; times local, as on the screens. */
export function exportAudit(db: Db, query: AuditQuery, today: string, scope: ReadonlySet<string> | null, timeZone: string, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [['序号', '时间', '操作人', '操作', '对象', '对象标识', '变更内容', '批次']];
  const entries = [...auditEntries(db, query, scope, timeZone)];
  const words: AuditWords = { people: displayNames(db, mentionedPeople(entries)) };
  for (const e of entries) {
    rows.push([
      e.id, formatInstant(e.at, timeZone), personName(e.actor, words), AUDIT_ACTIONS[e.action] ?? e.action, entityLabel(e.entity), e.entityKey,
      describeChange(e.entity, e.before, e.after, words).slice(0, 32_000), e.batch,
    ]);
  }
  return exportFile(`审计日志-${today}`, [{ name: '审计日志', rows, widths: [8, 20, 14, 8, 10, 22, 80, 38] }], format);
}

/** The audit log within the caller's scope, and undo of their last batch (an administrator: anyone's). */
export const auditHandlers: HandlersFor<typeof auditOps> = {
  'audit/list': (ctx, { query, startRow, endRow }) => {
    const page = listAudit(ctx.db, query, startRow, endRow, scopeCodes(ctx), ctx.clock.timeZone);
    return { ...page, people: displayNames(ctx.db, mentionedPeople(page.rows)) };
  },
  'audit/export': (ctx, { query, format }) => exportAudit(ctx.db, query, ctx.today(), scopeCodes(ctx), ctx.clock.timeZone, format),
  'undo/last': (ctx) => lastUndoable(ctx.db, ctx.user!.role === 'admin' ? undefined : ctx.user!.username),
  'undo/apply': (ctx, { batch }) => ({ undone: undoBatch(ctx.db, ctx.who(), batch, randomUUID(), ctx.user!.role === 'admin') }),
};
