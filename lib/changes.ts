export const AUDIT_ACTIONS: Record<string, string> = { create: '新增', update: '修改', delete: '删除', bulk: '批量', undo: '撤销' };
export const AUDIT_ENTITIES: Record<string, string> = {
  asset: '装备', agency: '机构', maintenance: '维护', calibration: '检定', disposal: '报废', user: '用户', import: '导入', 'bulk-edit': '批量修改',
  undo: '撤销', restore: '恢复备份', ledger: '台账', task: '任务', plan: '调度方案', dispatch: '装备调度', settings: '设置', sign_in: '登录',
};

/** Only the fields that differ, as `field: before → after`; the whole value where there is no pair to compare. */
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
