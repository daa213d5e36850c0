import type { AuditQuery, ExportFormat, FileOut } from '../../api/contract';
import { auditEntries } from '../../db/queries/audit';
import type { Db } from '../../db/types';
import { exportFile } from '../../excel/export';
import type { OutValue } from '../../excel/write';
import { formatInstant } from '../../lib/clock';
import { displayNames } from '../../db/queries/users';
import { AUDIT_ACTIONS, describeChange, entityLabel, mentionedPeople, personName, type AuditWords } from '../../lib/changes';

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
