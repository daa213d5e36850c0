import type { Fen } from '../lib/money';
import type { CatalogItem } from './types';

/**
 * The Zhejiang equipment capability score (温环龙〔2022〕99号 附件1, 100 points), item by item,
 * and the pass line of 附件2. `shared/standard.md` transcribes both.
 */
export interface ScoreItemDef {
  no: number;
  category: number;
  title: string;
  max: number;
}

export const SCORE_CATEGORIES = [
  { no: 1, name: '执法装备方案', max: 15 },
  { no: 2, name: '执法装备配备', max: 55 },
  { no: 3, name: '设备管理使用', max: 30 },
] as const;

export const SCORE_ITEMS: readonly ScoreItemDef[] = [
  { no: 1, category: 1, title: '制定本地区执法装备建设方案', max: 5 },
  { no: 2, category: 1, title: '与同级财政部门沟通协调,落实执法装备资金保障', max: 5 },
  { no: 3, category: 1, title: '将执法装备经费纳入财政预算', max: 5 },
  { no: 4, category: 2, title: '执法车辆(至少 5 人 1 辆)', max: 10 },
  { no: 5, category: 2, title: '个人移动执法设备(4 项)', max: 10 },
  { no: 6, category: 2, title: '现场执法辅助设备(14 项)', max: 10 },
  { no: 7, category: 2, title: '通讯与办公设备(8 项)', max: 10 },
  { no: 8, category: 2, title: '选配执法设备', max: 15 },
  { no: 9, category: 3, title: '建立本区域执法装备数据库', max: 5 },
  { no: 10, category: 3, title: '重点执法任务统筹调度制度', max: 10 },
  { no: 11, category: 3, title: '开展执法装备使用、维护培训', max: 5 },
  { no: 12, category: 3, title: '建立使用台账,指定专人负责', max: 5 },
  { no: 13, category: 3, title: '建立报废、补充和更新制度', max: 5 },
];

const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `${prefix}${String(from + k).padStart(2, '0')}`);

/** Item 4: vehicles. Item 5: S02–S05. Items 6 and 7: all meet → 7, +1 per item above the standard, at most +3. */
export const VEHICLE_ITEM = 'S01';
export const PERSONAL_ITEMS = range('S', 2, 5);
export const FIELD_ITEMS = range('S', 6, 19);
export const OFFICE_ITEMS = range('S', 20, 27);
const MEET_POINTS = 7;
const ABOVE_MAX = 3;

/** Item 8: one point per optional item held, capped per group; local high-yield devices come from the checklist. */
export const OPTIONAL_GROUPS = [
  { name: '交通工具', items: range('O', 1, 4), max: 3 },
  { name: '现场执法辅助设备', items: range('O', 5, 25), max: 5 },
  { name: '通讯办公、个人防护、信息化设备', items: range('O', 26, 28), max: 2 },
] as const;
export const LOCAL_DEVICES_MAX = 5;

/** What the user answers for the items the ledger cannot prove (or to claim what it does not show). */
export interface Checklist {
  /** 1: 建设方案. */
  plan?: boolean;
  /** 2: 落实资金保障. */
  finance?: boolean;
  /** 3: 纳入财政预算. */
  budget?: boolean;
  /** 8: locally chosen high-yield devices, by name. */
  localDevices?: string[];
  /** 9: a complete database kept outside this ledger. */
  database?: boolean;
  /** 10: 统筹调度制度 adopted. */
  dispatchSystem?: boolean;
  /** 11: own training held; higher-level training attended. */
  trainingOwn?: boolean;
  trainingHigher?: boolean;
  /** 12: usage records kept; a named person responsible. */
  usageLedger?: boolean;
  custodian?: boolean;
  /** 13: 报废、补充和更新制度 set up and applied. */
  disposalRules?: boolean;
}

export interface Holding {
  item: string;
  required: number;
  held: number;
}

/** What the ledger and the dispatch records say of one agency in the scoring year. */
export interface ScoreFacts {
  /** Own holdings (not rolled up) for every catalog item, measured at the agency's level. */
  holdings: readonly Holding[];
  liveUnits: number;
  /** Live units lacking a purchase date or an original value. */
  incompleteUnits: number;
  unitsWithoutCustodian: number;
  /** Custody (use) and maintenance records of the agency's units dated in the year. */
  usageRecords: number;
  /** Dispatched plans of the year the agency took part in, as lead of a task or sending units. */
  dispatchPlans: number;
  /** Unit-times (台次) optional units of the agency were dispatched to key tasks led by a higher-level agency. */
  higherLevelDispatches: number;
  /** Disposals completed in the year: evidence the scrapping rules are applied. */
  disposalsCompleted: number;
  /** Stocktakes approved in the year that counted the agency (its own or one above it): use records and custodian evidence (item 12). */
  approvedStocktakes?: number;
  checklist: Checklist;
}

export type ScoreSource = 'ledger' | 'checklist' | 'ledger+checklist' | 'none';

export interface ScoreLine extends ScoreItemDef {
  points: number;
  why: string;
  source: ScoreSource;
}

export interface ScoreCategory {
  no: number;
  name: string;
  points: number;
  max: number;
  /** 附件2: each category must score above 80% of its points. */
  above80: boolean;
}

export interface ScoreCard {
  total: number;
  items: ScoreLine[];
  categories: ScoreCategory[];
  /** 附件2 as it applies to this table: every category above 80% and the equipment score at least 85. */
  passed: boolean;
  /** 附件2 item 9 (加强装备配备, 20 points) is this score scaled to 20. */
  converted: number;
}

export const PASS_TOTAL = 85;
export const CATEGORY_SHARE = 0.8;

type Names = ReadonlyMap<string, Pick<CatalogItem, 'name' | 'unit'>>;

function shortName(names: Names, code: string): string {
  return (names.get(code)?.name ?? code).split(/[(\uFF08]/)[0];
}

const list = (parts: string[], limit = 4) => (parts.length > limit ? `${parts.slice(0, limit).join('、')} 等 ${parts.length} 项` : parts.join('、'));

/** Points and explanation of one group of basic items: all meet → `meet` points, +1 per item above, at most `aboveMax`. */
function groupScore(codes: readonly string[], holdings: ReadonlyMap<string, Holding>, names: Names, meet: number, aboveMax: number) {
  const short: string[] = [];
  const above: string[] = [];
  for (const code of codes) {
    const h = holdings.get(code) ?? { item: code, required: 0, held: 0 };
    if (h.held < h.required) short.push(`${shortName(names, code)}缺 ${h.required - h.held} ${names.get(code)?.unit ?? ''}`);
    else if (h.held > h.required) above.push(shortName(names, code));
  }
  if (short.length > 0) return { points: 0, why: `${codes.length} 项中 ${short.length} 项未达标:${list(short)}` };
  const bonus = Math.min(aboveMax, above.length);
  const why = aboveMax > 0
    ? `${codes.length} 项均达标,得 ${meet} 分;高于标准 ${above.length} 项${above.length ? `(${list(above)})` : ''},加 ${bonus} 分${above.length > aboveMax ? `(最多加 ${aboveMax} 分)` : ''}`
    : `${codes.length} 项均达标`;
  return { points: meet + bonus, why };
}

/** Scores one agency, item by item, from its facts and checklist. */
export function scoreAgency(facts: ScoreFacts, catalog: readonly CatalogItem[]): ScoreCard {
  const names: Names = new Map(catalog.map((c) => [c.code, c]));
  const holdings = new Map(facts.holdings.map((h) => [h.item, h]));
  const c = facts.checklist;
  const lines = new Map<number, Omit<ScoreLine, keyof ScoreItemDef>>();
  const fromChecklist = (no: number, answer: boolean | undefined, yes: string, no_: string) =>
    lines.set(no, answer ? { points: SCORE_ITEMS[no - 1].max, why: `自查:${yes}`, source: 'checklist' } : { points: 0, why: `自查未确认:${no_}`, source: 'none' });

  fromChecklist(1, c.plan, '已制定本地区执法装备建设方案', '尚未制定建设方案');
  fromChecklist(2, c.finance, '已与同级财政沟通,落实资金保障', '尚未落实资金保障');
  fromChecklist(3, c.budget, '执法装备经费已纳入财政预算', '经费尚未纳入财政预算');

  const v = holdings.get(VEHICLE_ITEM) ?? { item: VEHICLE_ITEM, required: 0, held: 0 };
  lines.set(4, v.held >= v.required
    ? { points: 10, why: `在册执法车辆 ${v.held} 辆,按 5 人 1 辆需 ${v.required} 辆,达标`, source: 'ledger' }
    : { points: 0, why: `在册执法车辆 ${v.held} 辆,按 5 人 1 辆需 ${v.required} 辆,缺 ${v.required - v.held} 辆`, source: 'ledger' });
  const personal = groupScore(PERSONAL_ITEMS, holdings, names, 10, 0);
  lines.set(5, { ...personal, source: 'ledger' });
  lines.set(6, { ...groupScore(FIELD_ITEMS, holdings, names, MEET_POINTS, ABOVE_MAX), source: 'ledger' });
  lines.set(7, { ...groupScore(OFFICE_ITEMS, holdings, names, MEET_POINTS, ABOVE_MAX), source: 'ledger' });

  const optionalParts: string[] = [];
  let optional = 0;
  for (const g of OPTIONAL_GROUPS) {
    const held = g.items.filter((code) => (holdings.get(code)?.held ?? 0) > 0);
    const points = Math.min(g.max, held.length);
    optional += points;
    optionalParts.push(`${g.name} ${held.length} 项${held.length ? `(${list(held.map((code) => shortName(names, code)), 3)})` : ''}得 ${points} 分${held.length > g.max ? `(上限 ${g.max})` : ''}`);
  }
  const local = (c.localDevices ?? []).map((d) => d.trim()).filter((d, i, all) => d !== '' && all.indexOf(d) === i);
  const localPoints = Math.min(LOCAL_DEVICES_MAX, local.length);
  optional += localPoints;
  optionalParts.push(`本地特色设备 ${local.length} 项${local.length ? `(自查:${list(local, 3)})` : ''}得 ${localPoints} 分${local.length > LOCAL_DEVICES_MAX ? `(上限 ${LOCAL_DEVICES_MAX})` : ''}`);
  lines.set(8, { points: optional, why: optionalParts.join(';'), source: local.length ? 'ledger+checklist' : 'ledger' });

  if (facts.liveUnits > 0 && facts.incompleteUnits === 0) {
    lines.set(9, { points: 5, why: `台账在册 ${facts.liveUnits} 件,品目、购置日期、原值齐全`, source: 'ledger' });
  } else {
    const gap = facts.liveUnits === 0 ? '台账中尚无在册装备' : `台账中 ${facts.incompleteUnits} 件缺购置日期或原值`;
    lines.set(9, c.database ? { points: 5, why: `自查:已建立装备数据库(${gap})`, source: 'checklist' } : { points: 0, why: `${gap},数据库不完整`, source: 'none' });
  }

  const system = facts.dispatchPlans > 0
    ? { points: 5, why: `本年度参加统筹调度 ${facts.dispatchPlans} 次,调度制度已运行`, source: 'ledger' as const }
    : c.dispatchSystem ? { points: 5, why: '自查:已建立统筹调度制度', source: 'checklist' as const } : { points: 0, why: '无调度记录,自查未确认调度制度', source: 'none' as const };
  const dispatched = Math.min(5, facts.higherLevelDispatches);
  lines.set(10, {
    points: system.points + dispatched,
    why: `${system.why};选配设备被上级调度参加重点任务 ${facts.higherLevelDispatches} 台次,得 ${dispatched} 分${facts.higherLevelDispatches > 5 ? '(上限 5)' : ''}`,
    source: system.source === 'checklist' ? 'ledger+checklist' : 'ledger',
  });

  const training = (c.trainingOwn ? 3 : 0) + (c.trainingHigher ? 2 : 0);
  lines.set(11, {
    points: training,
    why: `自查:${c.trainingOwn ? '自行组织培训 3 分' : '未自行组织培训'};${c.trainingHigher ? '参加上级培训 2 分' : '未参加上级培训'}`,
    source: training > 0 ? 'checklist' : 'none',
  });

  const stocktakes = facts.approvedStocktakes ?? 0;
  const counted = stocktakes > 0 ? `本年度已批准盘点 ${stocktakes} 次` : '';
  const usage = facts.usageRecords > 0 || stocktakes > 0
    ? { points: 3, why: [facts.usageRecords > 0 && `本年度使用、保养记录 ${facts.usageRecords} 条`, counted].filter(Boolean).join(','), checklist: false }
    : c.usageLedger ? { points: 3, why: '自查:有使用记录', checklist: true } : { points: 0, why: '本年度无使用或保养记录', checklist: false };
  const custodian = facts.liveUnits > 0 && facts.unitsWithoutCustodian === 0
    ? { points: 2, why: '在册装备均有保管人', checklist: false }
    : stocktakes > 0 ? { points: 2, why: `${counted},装备逐件核实所在机构与保管人${facts.unitsWithoutCustodian ? `(${facts.unitsWithoutCustodian} 件未填保管人)` : ''}`, checklist: false }
    : c.custodian ? { points: 2, why: `自查:已指定专人负责${facts.unitsWithoutCustodian ? `(${facts.unitsWithoutCustodian} 件未填保管人)` : ''}`, checklist: true }
      : { points: 0, why: `${facts.unitsWithoutCustodian} 件在册装备未填保管人`, checklist: false };
  lines.set(12, {
    points: usage.points + custodian.points,
    why: `${usage.why};${custodian.why}`,
    source: usage.checklist || custodian.checklist ? 'ledger+checklist' : 'ledger',
  });

  const evidence = facts.disposalsCompleted > 0 ? `;本年度完成报废 ${facts.disposalsCompleted} 件` : '';
  lines.set(13, c.disposalRules
    ? { points: 5, why: `自查:已建立并执行报废、补充和更新制度${evidence}`, source: 'checklist' }
    : { points: 0, why: `自查未确认制度${evidence}`, source: 'none' });

  const items = SCORE_ITEMS.map((def) => ({ ...def, ...lines.get(def.no)! }));
  const categories = SCORE_CATEGORIES.map((cat) => {
    const points = items.filter((i) => i.category === cat.no).reduce((s, i) => s + i.points, 0);
    return { no: cat.no, name: cat.name, points, max: cat.max, above80: points > CATEGORY_SHARE * cat.max };
  });
  const total = items.reduce((s, i) => s + i.points, 0);
  return { total, items, categories, passed: total >= PASS_TOTAL && categories.every((x) => x.above80), converted: Math.round(total * 20) / 100 };
}

/** One purchase the score-raising plan proposes. */
export interface RaisePurchase {
  item: string;
  quantity: number;
  amountFen: Fen;
  /** The score item it serves. */
  scoreItem: number;
  why: string;
}

/** A choice of purchases for the model: buy all of `units` for `gain` points. */
export interface RaiseOption {
  name: string;
  units: { item: string; quantity: number }[];
  gain: number;
  scoreItem: number;
  why: string;
  /** The option that must be bought too (a bonus unit needs its group met). */
  requires?: string;
  /** A group of options of which at most `limit` may be chosen. */
  group?: string;
}

/** The options that would raise items 4–8, each with its points, for the buying model. */
export function raiseOptions(card: ScoreCard, holdings: readonly Holding[], catalog: readonly CatalogItem[]): { options: RaiseOption[]; limits: Map<string, number> } {
  const names: Names = new Map(catalog.map((c) => [c.code, c]));
  const byItem = new Map(holdings.map((h) => [h.item, h]));
  const h = (code: string) => byItem.get(code) ?? { item: code, required: 0, held: 0 };
  const short = (codes: readonly string[]) => codes.filter((c) => h(c).held < h(c).required).map((c) => ({ item: c, quantity: h(c).required - h(c).held }));
  const options: RaiseOption[] = [];
  const limits = new Map<string, number>();
  const points = (no: number) => card.items[no - 1].points;

  if (points(4) === 0) options.push({ name: 'm4', units: short([VEHICLE_ITEM]), gain: 10, scoreItem: 4, why: '补齐执法车辆' });
  if (points(5) === 0) options.push({ name: 'm5', units: short(PERSONAL_ITEMS), gain: 10, scoreItem: 5, why: '补齐个人移动执法设备' });
  for (const [no, codes] of [[6, FIELD_ITEMS], [7, OFFICE_ITEMS]] as const) {
    const missing = short(codes);
    const above = codes.filter((c) => h(c).held > h(c).required).length;
    const meet = `m${no}`;
    if (missing.length > 0) options.push({ name: meet, units: missing, gain: MEET_POINTS + Math.min(ABOVE_MAX, above), scoreItem: no, why: `补齐${SCORE_ITEMS[no - 1].title.split(/[(\uFF08]/)[0]}` });
    const room = ABOVE_MAX - Math.min(ABOVE_MAX, above);
    if (room === 0) continue;
    limits.set(`b${no}`, room);
    for (const c of codes) {
      if (h(c).held > h(c).required) continue;
      options.push({
        name: `b${no}_${c}`, units: [{ item: c, quantity: 1 }], gain: 1, scoreItem: no, group: `b${no}`,
        requires: missing.length > 0 ? meet : undefined, why: `${shortName(names, c)}高于标准 1 ${names.get(c)?.unit ?? ''}`,
      });
    }
  }
  OPTIONAL_GROUPS.forEach((g, k) => {
    const held = g.items.filter((c) => h(c).held > 0).length;
    const room = g.max - Math.min(g.max, held);
    if (room === 0) return;
    limits.set(`o${k}`, room);
    for (const c of g.items) {
      if (h(c).held === 0) options.push({ name: `o${k}_${c}`, units: [{ item: c, quantity: 1 }], gain: 1, scoreItem: 8, group: `o${k}`, why: `选配${shortName(names, c)}` });
    }
  });
  return { options: options.filter((o) => o.units.length > 0), limits };
}

/**
 * The model for "what would raise the score most for a budget": choose options (binary) to
 * maximise points within the budget; among equal points, the cheaper choice (the cost term is
 * worth less than one point in total). CPLEX LP format for HiGHS.
 */
export function raiseModel(options: readonly RaiseOption[], limits: ReadonlyMap<string, number>, prices: ReadonlyMap<string, Fen>, budgetFen: Fen): string {
  const cost = (o: RaiseOption) => optionCost(o, prices);
  const eps = 0.5 / (budgetFen + 1);
  const obj = options.map((o) => `${o.gain - eps * cost(o)} ${o.name}`).join(' + ');
  const rows = [`budget: ${options.map((o) => `${cost(o)} ${o.name}`).join(' + ')} <= ${budgetFen}`];
  for (const o of options) if (o.requires) rows.push(`r_${o.name}: ${o.name} - ${o.requires} <= 0`);
  for (const [group, limit] of limits) {
    const members = options.filter((o) => o.group === group);
    if (members.length > limit) rows.push(`g_${group}: ${members.map((o) => o.name).join(' + ')} <= ${limit}`);
  }
  return ['Maximize', ` obj: ${obj.replace(/\+ -/g, '- ')}`, 'Subject To', ...rows.map((r) => ` ${r}`), 'Binary', ...options.map((o) => ` ${o.name}`), 'End'].join('\n');
}

/** The options within the budget whose prerequisite is within it too. */
export function affordableOptions(options: readonly RaiseOption[], prices: ReadonlyMap<string, Fen>, budgetFen: Fen): RaiseOption[] {
  const affordable = options.filter((o) => optionCost(o, prices) <= budgetFen);
  return affordable.filter((o) => !o.requires || affordable.some((x) => x.name === o.requires));
}

export function optionCost(o: RaiseOption, prices: ReadonlyMap<string, Fen>): Fen {
  return o.units.reduce((s, u) => s + u.quantity * (prices.get(u.item) ?? 0), 0);
}
