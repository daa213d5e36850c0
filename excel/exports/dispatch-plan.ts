import { TASK_TYPES, UNMET_REASONS, type PlanDetail } from '../../lib/domain/dispatch';
import type { CsvShape, ExportFormat, FileOut } from '../../lib/domain/files';
import { formatInstant } from '../../lib/clock';
import { exportFile } from '../export';
import type { OutValue } from '../write';

const PLAN_STATUS_WORDS = { draft: '草稿(待批准)', approved: '已批准', dispatched: '已出发', returned: '已归还', cancelled: '已取消' } as const;

/** 调度单: the plan's header, one row per unit sent, and the demand left unmet with its reasons. */
export function dispatchPlanWorkbook(plan: PlanDetail, timeZone: string, format: ExportFormat | undefined, csv: CsvShape): FileOut {
  const d = (s: string | null) => (s ? { date: s.slice(0, 10) } : null);
  const tasks: OutValue[][] = [
    ['任务编号', '任务名称', '类型', '牵头单位', '开始日期', '结束日期', '优先级', '需求'],
    ...plan.taskRows.map((t) => [t.code, t.name, TASK_TYPES[t.type], t.leadAgencyName, d(t.startDate), d(t.endDate), t.priority, t.demand.map((x) => `${x.item}×${x.quantity}`).join('、')]),
  ];
  const units: OutValue[][] = [
    ['序号', '任务编号', '任务名称', '装备代码', '装备名称', '资产编号', '型号', '车牌号', '调出单位编码', '调出单位', '距离(km)', '归还日期', '归还里程(km)', '损坏情况'],
    ...plan.assignments.map((a, i) => [
      i + 1, a.taskCode, a.taskName, a.itemCode, a.itemName, a.assetTag, a.model, a.plateNumber, a.fromCode, a.fromName, a.km, d(a.returnedAt), a.returnOdometerKm, a.damageNote,
    ]),
  ];
  const unmet: OutValue[][] = [
    ['任务编号', '任务名称', '装备代码', '装备名称', '缺口数量', '原因', '说明'],
    ...plan.unmetRows.map((u) => [u.taskCode, u.taskName, u.itemCode, u.itemName, u.quantity, UNMET_REASONS[u.reason], u.detail]),
  ];
  const header: OutValue[][] = [
    ['调度单编号', plan.code], ['状态', PLAN_STATUS_WORDS[plan.status]], ['编制人', plan.createdBy], ['编制时间', formatInstant(plan.createdAt, timeZone).slice(0, 16)],
    ['批准人', plan.approvedBy], ['批准文号', plan.approvalRef], ['调出装备(台次)', plan.units], ['未满足需求(件)', plan.unmet],
    ['总里程(km)', plan.assignments.reduce((s, a) => s + a.km, 0)], ['求解状态', plan.solverStatus], ['留守比例', plan.reserveRatio],
  ];
  return exportFile(`调度单-${plan.code}`, [
    { name: '调度单', rows: header, widths: [16, 40] },
    { name: '任务', rows: tasks, widths: [14, 28, 10, 36, 12, 12, 8, 40] },
    { name: '调出装备', rows: units, widths: [6, 14, 24, 8, 24, 20, 22, 12, 12, 36, 10, 12, 12, 30] },
    { name: '未满足需求', rows: unmet, widths: [14, 24, 8, 24, 10, 36, 70] },
  ], format, csv);
}
