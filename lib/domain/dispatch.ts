import { z } from 'zod';
import { code, countOf, dateOf, itemCode, latitude, longitude } from './values';

export const TASK_TYPES = { special: '专项行动', cross: '交叉检查', assist: '监督帮扶', emergency: '应急' } as const;
export type TaskType = keyof typeof TASK_TYPES;

/** A key enforcement task as the user edits it; demand lines are item x quantity. */
export const TASK_FIELDS = z
  .object({
    /** The task's number (任务编号); left empty, one is given. */
    code: z.string().trim().min(1).max(50).nullable(),
    name: z.string().trim().min(1, '任务名称必填').max(100),
    type: z.enum(Object.keys(TASK_TYPES) as [TaskType, ...TaskType[]]),
    leadAgency: code,
    /** Where the task takes place when it is not the lead agency's site: another agency, or coordinates. */
    locationAgency: code.nullable(),
    latitude: latitude.nullable(),
    longitude: longitude.nullable(),
    startDate: dateOf('开始日期'),
    endDate: dateOf('结束日期'),
    priority: z.number().int().min(1, '优先级为 1–5').max(5, '优先级为 1–5'),
    teamSize: z.number().int().min(1, '人数至少为 1').max(10_000).nullable(),
    notes: z.string().max(2000).nullable(),
    demand: z.array(z.object({ item: itemCode, quantity: z.number().int().min(1, '数量至少为 1').max(10_000) })).max(56),
  })
  .refine((t) => t.endDate >= t.startDate, { path: ['endDate'], message: '结束日期不能早于开始日期' })
  .refine((t) => (t.latitude === null) === (t.longitude === null), { path: ['latitude'], message: '经纬度须同时填写' })
  .refine((t) => new Set(t.demand.map((d) => d.item)).size === t.demand.length, { path: ['demand'], message: '同一装备品目只能填一行' });
export type TaskFields = z.infer<typeof TASK_FIELDS>;

export type PlanStatus = 'draft' | 'approved' | 'dispatched' | 'returned' | 'cancelled';

export interface TaskRow extends Omit<TaskFields, 'code'> {
  id: number;
  code: string;
  leadAgencyName: string;
  createdBy: string;
  createdAt: string;
  /** The plan that holds its units now (approved or dispatched), if any. */
  livePlan: { code: string; status: PlanStatus } | null;
}

export interface DispatchSettings {
  /** Share of its own requirement of each basic item an agency keeps at home during any task. */
  reserveRatio: number;
  /** Units of optional items each agency keeps at home; optional items have no reserve unless set here. */
  optionalReserve: Record<string, number>;
}

export const DISPATCH_SETTINGS = z.object({
  reserveRatio: z.number().min(0, '留守比例应在 0–1 之间').max(1, '留守比例应在 0–1 之间'),
  /** By the code of an optional item (the standard's O01–O28, or one an edition added); checked against the catalog where stored. */
  optionalReserve: z.record(itemCode, countOf('留守数量', 1000)),
});

export interface PlanAssignmentRow {
  id: number;
  taskCode: string;
  taskName: string;
  itemCode: string;
  itemName: string;
  assetId: number;
  assetTag: string;
  model: string | null;
  plateNumber: string | null;
  fromCode: string;
  fromName: string;
  km: number;
  returnedAt: string | null;
  returnOdometerKm: number | null;
  damageNote: string | null;
}

export type UnmetReason = 'none' | 'reserve' | 'unusable' | 'committed';

export const UNMET_REASONS: Record<UnmetReason, string> = {
  none: '可调度范围内没有此装备',
  reserve: '其余可用装备须留守本单位(留守比例)',
  unusable: '其余装备在维修、已过检定有效期或所在机构无坐标',
  committed: '其余可用装备已承诺给日期重叠的其他任务',
};

export interface PlanUnmetRow {
  taskCode: string;
  taskName: string;
  itemCode: string;
  itemName: string;
  quantity: number;
  reason: UnmetReason;
  detail: string;
}

/** A ledger change that breaks an approved plan: the unit can no longer go as planned. */
export interface PlanFlag {
  assetTag: string;
  taskCode: string;
  message: string;
}

export interface PlanSummary {
  id: number;
  code: string;
  status: PlanStatus;
  tasks: string[];
  units: number;
  unmet: number;
  objective: number;
  solverStatus: string;
  createdBy: string;
  createdAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  flags: number;
}

export interface PlanDetail extends PlanSummary {
  reserveRatio: number;
  approvalRef: string | null;
  dispatchedAt: string | null;
  taskRows: TaskRow[];
  assignments: PlanAssignmentRow[];
  unmetRows: PlanUnmetRow[];
  flagRows: PlanFlag[];
}

/** One unit's commitment to a task, for the timeline. */
export interface CommitmentRow {
  assetId: number;
  assetTag: string;
  itemCode: string;
  itemName: string;
  agencyCode: string;
  taskCode: string;
  taskName: string;
  planCode: string;
  planStatus: PlanStatus;
  start: string;
  end: string;
  returnedAt: string | null;
}

/** Units sent to key tasks (台次), per source agency and item: the Zhejiang score's item 10. */
export interface DispatchCount {
  agencyCode: string;
  agencyName: string;
  itemCode: string;
  itemName: string;
  kind: 'basic' | 'optional';
  units: number;
}

export const RETURN_INPUT = z.object({
  id: z.number().int().positive(),
  date: dateOf('归还日期'),
  units: z.array(z.object({
    assignmentId: z.number().int().positive(),
    odometerKm: countOf('归还里程', 5_000_000).nullable(),
    damageNote: z.string().trim().max(1000).nullable(),
    /** Opens a repair record and sends the unit to repair. */
    toRepair: z.boolean(),
  })).min(1).max(10_000),
});
export type ReturnInput = z.infer<typeof RETURN_INPUT>;
