import type { AuditQuery, FileOut } from '../../api/contract';
import { auditEntries } from '../../db/queries/audit';
import type { Db } from '../../db/open';
import { workbookBuffer, type OutValue } from '../../excel/write';

const ACTIONS: Record<string, string> = { create: '新增', update: '修改', delete: '删除', bulk: '批量', undo: '撤销' };
const ENTITIES: Record<string, string> = {
  asset: '装备', agency: '机构', maintenance: '维护', calibration: '检定', disposal: '报废', user: '用户', import: '导入', 'bulk-edit': '批量修改',
  undo: '撤销', restore: '恢复备份', ledger: '台账',
};

/** Only the fields that differ, as `field: before → after`; the whole value where there is no pair. */
export function describeChange(before: unknown, after: unknown): string {
  const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : null);
  const b = obj(before);
  const a = obj(after);
  if (b && a) {
    return Object.keys({ ...b, ...a })
      .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => `${k}: ${JSON.stringify(b[k] ?? null)} → ${JSON.stringify(a[k] ?? null)}`)
      .join('; ');
  }
  return JSON.stringify(after ?? before ?? null);
}

/** The audit log as filtered, as a workbook: one row per entry, newest first. */
export function exportAudit(db: Db, query: AuditQuery, today: string): FileOut {
  const rows: OutValue[][] = [['序号', '时间', '操作人', '操作', '对象', '对象标识', '变更内容', '批次']];
  for (const e of auditEntries(db, query)) {
    rows.push([e.id, e.at.replace('T', ' ').slice(0, 19), e.actor, ACTIONS[e.action] ?? e.action, ENTITIES[e.entity] ?? e.entity, e.entityKey, describeChange(e.before, e.after).slice(0, 32_000), e.batch]);
  }
  return { fileName: `审计日志-${today}.xlsx`, base64: workbookBuffer([{ name: '审计日志', rows, widths: [8, 20, 14, 8, 10, 22, 80, 38] }]).toString('base64') };
}
