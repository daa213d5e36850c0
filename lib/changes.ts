import { TASK_TYPES } from './domain/dispatch';
import { ROLE_NAMES } from './domain/users';
import { formatYuan } from './money';

/**
 * The audit log in words a bureau head reads: Chinese names for operations, objects and fields,
 * money in yuan, status words, people by name, one `字段:旧值 → 新值` per changed field. The audit
 * screen, the asset's 变更记录 and the audit .xlsx all use it.
 */

export const AUDIT_ACTIONS: Record<string, string> = { create: '新增', update: '修改', delete: '删除', bulk: '批量', undo: '撤销', void: '作废' };

export const AUDIT_ENTITIES: Record<string, string> = {
  asset: '装备', agency: '机构', maintenance: '维护记录', calibration: '检定记录', disposal: '报废', user: '用户', import: '导入', 'bulk-edit': '批量修改',
  undo: '撤销', restore: '恢复备份', ledger: '台账', task: '重点任务', plan: '调度方案', dispatch: '装备调度', settings: '调度设置',
  item_terms: '单价与更新年限', import_name: '导入名称对照', score_checklist: '评分自查清单', catalog_item: '装备品目', rule_set: '配备标准', sign_in: '登录',
  transfer: '迁入台账',
};

const FIELDS: Record<string, string> = {
  id: '编号', assetId: '装备', assetTag: '资产编号', itemCode: '装备代码', itemName: '装备品目', agencyCode: '所属机构', agencyName: '机构名称', model: '规格型号',
  serialNumber: '出厂编号', purchaseDate: '购置日期', priceFen: '购置金额', fundingSource: '经费来源', status: '状态', custodian: '责任人', location: '存放地点',
  plateNumber: '车牌号', odometerKm: '行驶里程(公里)', calibrationValidUntil: '检定有效期至', notes: '备注',
  date: '日期', kind: '类型', description: '维护内容', costFen: '费用', vendor: '维修单位', nextDueDate: '下次保养日期', setStatus: '装备状态改为',
  voidedAt: '作废时间', voidedBy: '作废人', voidReason: '作废原因',
  validUntil: '有效期至', certificateNo: '证书编号', institution: '检定机构', result: '结论',
  reason: '原因', requestedBy: '申请人', requestedAt: '申请时间', approvalRef: '审批文号', approvedBy: '审批人', approvedAt: '审批时间', disposedDate: '报废日期',
  residualValueFen: '残值',
  code: '编码', name: '名称', level: '层级', parentCode: '上级机构', staff: '执法人员数', authorizedPosts: '编制数', offices: '办公室数', longitude: '经度', latitude: '纬度',
  username: '用户名', displayName: '姓名', role: '角色', active: '启用', password: '密码',
  item: '装备代码', unitPriceFen: '单价', priceNote: '单价说明', serviceYears: '使用年限(年)', serviceKm: '更新里程(公里)', lifeNote: '年限依据',
  type: '任务类型', leadAgency: '牵头机构', locationAgency: '任务地点', startDate: '开始日期', endDate: '结束日期', priority: '优先级', teamSize: '人数',
  demand: '装备需求', quantity: '数量',
  tasks: '任务', units: '装备台次', unmet: '未满足数量', objective: '目标值', start: '开始', end: '结束', state: '状态', task: '任务', damageNote: '损坏情况',
  reserveRatio: '留守比例', optionalReserve: '选配装备留守数量', safetyCopy: '恢复前的备份', agencies: '机构', assets: '装备', created: '新增', updated: '更新', unchanged: '未变',
  records: '装备记录', users: '用户', audit: '审计记录',
  category: '类别', unit: '计量单位', needsCalibration: '需检定', source: '依据', effectiveDate: '生效日期', basedOn: '基于', rules: '配备规则',
  parameters: '技术参数', succeeds: '替代品目', addedBy: '新增于', foreignAssets: '外单位装备',
};

/** Field names that mean something else on one kind of object. */
const ENTITY_FIELDS: Record<string, Record<string, string>> = {
  score_checklist: {
    plan: '已制定本地区执法装备建设方案', finance: '已与同级财政沟通,落实资金保障', budget: '执法装备经费已纳入财政预算', localDevices: '地方特色装备',
    database: '已建立装备数据库(台账外)', dispatchSystem: '已建立重点任务统筹调度制度', trainingOwn: '自行组织了使用、维护培训', trainingHigher: '参加了上级组织的培训',
    usageLedger: '有使用记录(台账外)', custodian: '已指定专人负责日常维护管理', disposalRules: '已建立并执行报废、补充和更新制度',
  },
  dispatch: { plan: '调度方案', date: '日期' },
  agency: { name: '机构名称', code: '机构编码' },
  user: { agencyCode: '所属机构' },
  task: { name: '任务名称', code: '任务编号' },
  maintenance: { date: '维护日期' },
  calibration: { date: '检定日期' },
};

const ASSET_STATUS: Record<string, string> = { in_service: '在用', under_repair: '维修', idle: '闲置', scrapped: '报废' };
const VALUE_WORDS: Record<string, Record<string, string>> = {
  status: ASSET_STATUS,
  setStatus: ASSET_STATUS,
  kind: { repair: '维修', service: '保养', inspection: '检查' },
  result: { pass: '合格', fail: '不合格' },
  level: { province: '省级', city: '市级', county: '县级' },
  role: ROLE_NAMES,
  type: TASK_TYPES,
};
const ENTITY_VALUE_WORDS: Record<string, Record<string, Record<string, string>>> = {
  disposal: { status: { requested: '待审批', approved: '已批准', scrapped: '已报废', rejected: '未批准' } },
  plan: { status: { draft: '草稿', approved: '已批准', dispatched: '已出发', returned: '已归还', cancelled: '已取消' } },
  dispatch: { state: { committed: '已占用', out: '已出发', returned: '已归还' } },
};
/** Fields whose value is a user name. */
const PEOPLE = new Set(['requestedBy', 'approvedBy', 'voidedBy', 'createdBy', 'updatedBy', 'dispatchedBy']);
/** Fields holding a timestamp; shown through `AuditWords.time`. */
const TIMES = new Set(['requestedAt', 'approvedAt', 'voidedAt', 'createdAt', 'updatedAt', 'dispatchedAt']);

/** What the reader's side knows: people's names, and how timestamps are shown (the app's one local-time formatter). */
export interface AuditWords {
  /** User name → 姓名. */
  people?: Record<string, string>;
  /** An ISO timestamp as the user reads it; unchanged by default. */
  time?: (iso: string) => string;
}

/** A user name as people know them: 姓名 (username), or the name alone when no account has it. */
export function personName(username: string, words: AuditWords = {}): string {
  const name = words.people?.[username];
  return name && name !== username ? `${name} (${username})` : username;
}

export function fieldName(entity: string, key: string): string {
  return ENTITY_FIELDS[entity]?.[key] ?? FIELDS[key] ?? key;
}

const EMPTY = '—';

/** One value of a field, in words. */
export function fieldValue(entity: string, key: string, v: unknown, words: AuditWords = {}): string {
  if (v === null || v === undefined || v === '') return EMPTY;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number' && /Fen$/.test(key)) return `${formatYuan(v)} 元`;
  if (typeof v === 'string') {
    if (PEOPLE.has(key)) return personName(v, words);
    if (TIMES.has(key)) return words.time ? words.time(v) : v;
    return ENTITY_VALUE_WORDS[entity]?.[key]?.[v] ?? VALUE_WORDS[key]?.[v] ?? v;
  }
  if (typeof v === 'number') return v.toLocaleString('zh-CN', { maximumFractionDigits: 6 });
  if (Array.isArray(v)) {
    if (v.every((d) => d && typeof d === 'object' && 'item' in d && 'quantity' in d)) return v.map((d) => `${d.item}×${d.quantity}`).join('、') || EMPTY;
    return v.map((x) => fieldValue(entity, key, x, words)).join('、') || EMPTY;
  }
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${fieldName(entity, k)} ${fieldValue(entity, k, x, words)}`);
    return parts.length ? parts.join(',') : EMPTY;
  }
  return String(v);
}

/** Row ids: the entry's key already says which asset or record it is. */
const HIDDEN = new Set(['id', 'assetId']);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const asObject = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** The change one audit entry records, as lines `字段:旧值 → 新值` (or `字段:值` where there is no before). */
export function changeLines(entity: string, before: unknown, after: unknown, words: AuditWords = {}): string[] {
  const b = asObject(before);
  const a = asObject(after);
  if (b && a) {
    return Object.keys({ ...b, ...a })
      .filter((k) => !HIDDEN.has(k) && !same(b[k], a[k]))
      .map((k) => `${fieldName(entity, k)}:${fieldValue(entity, k, b[k], words)} → ${fieldValue(entity, k, a[k], words)}`);
  }
  const only = a ?? b;
  if (only) {
    return Object.entries(only)
      .filter(([k, v]) => !HIDDEN.has(k) && v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${fieldName(entity, k)}:${fieldValue(entity, k, v, words)}`);
  }
  if (before !== null && before !== undefined && after !== null && after !== undefined) return [`${fieldValue(entity, '', before, words)} → ${fieldValue(entity, '', after, words)}`];
  const v = after ?? before;
  return v === null || v === undefined ? [] : [fieldValue(entity, '', v, words)];
}

/** The change as one line of text, fields separated by ;. */
export function describeChange(entity: string, before: unknown, after: unknown, words: AuditWords = {}): string {
  return changeLines(entity, before, after, words).join(';');
}

/** An audit entry's object in words: its kind, and the key it was filed under (import_name keys are kind:name). */
export function entityLabel(entity: string): string {
  return AUDIT_ENTITIES[entity] ?? entity;
}

/** The user names entries mention: who acted, and who requested, approved or voided what they record. */
export function mentionedPeople(entries: Iterable<{ actor: string; before: unknown; after: unknown }>): string[] {
  const out: string[] = [];
  for (const e of entries) {
    out.push(e.actor);
    for (const v of [e.before, e.after]) {
      const o = asObject(v);
      if (o) for (const [k, x] of Object.entries(o)) if (PEOPLE.has(k) && typeof x === 'string') out.push(x);
    }
  }
  return out;
}
