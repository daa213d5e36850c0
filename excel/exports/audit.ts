import type { AuditRow } from '../../lib/domain/audit';
import type { ExportFormat, FileOut } from '../../lib/domain/files';
import { AUDIT_ACTIONS, describeChange, entityLabel, personName, type AuditWords } from '../../lib/changes';
import { formatInstant } from '../../lib/clock';
import { exportFile } from '../export';
import type { OutValue } from '../write';

/** The audit log as a workbook: one row per entry in the order given; times local, as on the screens. */
export function auditWorkbook(entries: readonly AuditRow[], words: AuditWords, today: string, timeZone: string, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [['序号', '时间', '操作人', '操作', '对象', '对象标识', '变更内容', '批次']];
  for (const e of entries) {
    rows.push([
      e.id, formatInstant(e.at, timeZone), personName(e.actor, words), AUDIT_ACTIONS[e.action] ?? e.action, entityLabel(e.entity), e.entityKey,
      describeChange(e.entity, e.before, e.after, words).slice(0, 32_000), e.batch,
    ]);
  }
  return exportFile(`审计日志-${today}`, [{ name: '审计日志', rows, widths: [8, 20, 14, 8, 10, 22, 80, 38] }], format);
}
