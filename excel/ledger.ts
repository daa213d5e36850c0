import { columnLetter } from '../lib/problems';
import { nameKey } from './item-matcher';
import { cellText, isBlankWord, normalizeText, looksLikeDate, parseNumber, truncate, type Cell } from './cells';
import { ITEM_NAME_HEADER, LEDGER_FIELDS, type ColumnInfo, type LedgerField, type ImportStatus } from './fields';
import { IMPORT_STATUS_WORDS, statusKey, type AssetLayout } from './template';
import type { Sheet } from './workbook';

/** The words agencies write above each column; the first is the canonical one, earlier words win a tie. */
const SYNONYMS: Record<LedgerField, string[]> = {
  资产编号: ['资产编号', '资产编码', '编号', '设备编号', '装备编号', '资产号', '固定资产编号', '资产代码', '卡片编号', '资产卡片号', '物资编号'],
  装备代码: ['装备代码', '品目代码', '标准代码', '目录代码', '装备品目代码'],
  [ITEM_NAME_HEADER]: [
    '装备名称', '设备名称', '资产名称', '固定资产名称', '名称', '品名', '物品名称', '装备品目', '品目', '设备类型', '装备类型', '品目名称', '装备', '车辆类型',
    '类型', '车型', '资产类型',
  ],
  资产分类: ['资产分类', '类别名称', '资产大类', '资产类别', '分类', '类别', '大类', '分类名称', '资产小类', '小类', '资产分类名称'],
  规格型号: ['规格型号', '型号', '规格', '品牌型号', '型号规格', '品牌及型号', '资产型号'],
  所属机构编码: [
    '所属机构编码', '机构编码', '单位编码', '所属机构', '使用单位', '所属单位', '部门名称', '使用部门', '单位名称', '机构', '机构名称', '管理单位', '管理部门',
    '配备单位', '所属部门', '部门', '使用科室', '单位',
  ],
  数量: ['数量', '台数', '件数', '实有数量', '账面数量', '数量(台)'],
  计量单位: ['计量单位', '单位'],
  购置日期: ['购置日期', '购买日期', '购入日期', '采购日期', '取得日期', '启用日期', '购置时间', '入账日期', '购置年月', '开始使用日期', '投入使用日期'],
  // A unit price before a total: with 数量 the price is per unit.
  '购置金额(元)': ['购置金额', '单价', '物品单价', '购置单价', '采购价', '购置价', '购置价格', '价格', '金额', '原值', '资产原值', '原价', '价值', '总价'],
  状态: ['状态', '使用状态', '设备状态', '资产状态', '使用情况', '状况', '使用状况'],
  责任人: ['责任人', '使用人', '保管人', '管理人', '领用人', '负责人', '资产管理员'],
  车牌号: ['车牌号', '车牌', '号牌', '车牌号码', '号牌号码'],
  '行驶里程(公里)': ['行驶里程', '里程', '公里数', '累计里程', '里程数', '已行驶里程'],
  检定有效期至: ['检定有效期至', '检定有效期', '校准有效期', '检定到期日', '下次检定日期', '有效期至', '检定有效期截止', '校准有效期至'],
  备注: ['备注', '说明', '附注'],
  序号: ['序号', '行号', '顺序号', '编序'],
};

/**
 * Headers of systems that export in English (Snipe-IT's CSVs, GLPI), as headerKey writes them: matched
 * whole only, since an English word inside another (name in username) says nothing.
 */
const ENGLISH: Partial<Record<LedgerField, string[]>> = {
  资产编号: ['assettag', 'assetnumber', 'assetid', 'inventorynumber'],
  [ITEM_NAME_HEADER]: ['name', 'assetname', 'itemname', 'equipment'],
  资产分类: ['category', 'type', 'assettype'],
  规格型号: ['model', 'modelname', 'modelnumber'],
  所属机构编码: ['company', 'department', 'entity'],
  数量: ['quantity', 'qty'],
  购置日期: ['purchasedate', 'dateofpurchase'],
  '购置金额(元)': ['purchasecost', 'cost', 'price', 'unitprice'],
  状态: ['status'],
  责任人: ['assignedto', 'checkedoutto', 'user'],
  备注: ['notes', 'assetnotes', 'comment', 'comments'],
};

/** A header's words without spaces, units in brackets, or marks such as * for required. */
export function headerKey(s: string): string {
  return normalizeText(s).replace(/\s+/g, '').replace(/[*※]/g, '').replace(/\([^)]*\)|（[^）]*）|【[^】]*】|\[[^\]]*\]/g, '').toLowerCase();
}

/** Passwords and keys: never a field, and their values are never shown back. */
const SECRET = /密[码碼钥鑰]|口令|password|passwd|passcode|pwd|secret|token|credential|pin码|^pin$/i;
/** Spaces anywhere (密 码, Pass word) and any length of header: a column that may hold a password is never read. */
export const isSecretHeader = (label: string | null) => label !== null && SECRET.test(normalizeText(label).replace(/\s+/g, ''));

const EXACT = new Map<string, { field: LedgerField; rank: number }[]>();
for (const f of LEDGER_FIELDS) SYNONYMS[f].forEach((w, rank) => EXACT.set(w, [...(EXACT.get(w) ?? []), { field: f, rank }]));
const BY_LENGTH = [...EXACT.entries()].sort((a, b) => b[0].length - a[0].length);
for (const [f, words] of Object.entries(ENGLISH) as [LedgerField, string[]][]) words.forEach((w, rank) => EXACT.set(w, [...(EXACT.get(w) ?? []), { field: f, rank }]));

interface FieldGuess {
  field: LedgerField;
  /** 2 for a known word, 1 for a header that contains one. */
  score: number;
  /** The word's place among the field's synonyms. */
  rank: number;
  word: string;
}

/** The fields a header may name: every field of its word, else of the longest known word it contains. */
export function fieldsOf(header: string): FieldGuess[] {
  const key = headerKey(header);
  if (!key) return [];
  const exact = EXACT.get(key);
  if (exact) return exact.map((e) => ({ ...e, score: 2, word: key }));
  const hit = BY_LENGTH.find(([word]) => word.length >= 2 && key.includes(word));
  return hit ? hit[1].map((e) => ({ ...e, score: 1, word: hit[0] })) : [];
}

/** What a column's first values look like, to overrule a header that says otherwise. */
interface ValueProfile {
  n: number;
  units: number;
  numbers: number;
  dates: number;
  agencies: number;
}

const UNIT_WORDS = new Set([
  '台', '辆', '套', '个', '件', '部', '只', '把', '块', '张', '支', '副', '组', '架', '艘', '批', '项', '本', '册', '根', '条', '盒', '箱', '瓶', '米',
  '平方米', 'm2', '㎡', '间', '座', '栋', '千克', 'kg', '吨', '升', 'l', '双', '顶', '面', '具', '枚', '颗', '头', '匹', '对', '付', '卷', '包', '桶', '辆次',
]);
/** How the names of departments and agencies end. */
const AGENCY_END = /(局|分局|大队|支队|中队|执法队|科|处|室|办公室|中心|车间|部|部门|单位|委员会|政府|公司)$/;
const PROFILE_VALUES = 50;

function profileOf(sheet: Sheet, col: number, dataStart: number): ValueProfile {
  const p: ValueProfile = { n: 0, units: 0, numbers: 0, dates: 0, agencies: 0 };
  for (let r = dataStart; r < sheet.rows.length && p.n < PROFILE_VALUES; r++) {
    const cell = sheet.rows[r]?.[col];
    const text = cellText(cell);
    if (text === null || isBlankWord(text)) continue;
    const key = normalizeText(text).replace(/\s+/g, '').toLowerCase();
    p.n++;
    if (UNIT_WORDS.has(key)) p.units++;
    if (parseNumber(cell).ok) p.numbers++;
    if (looksLikeDate(cell) && !(cell?.t === 'n' && (cell.v as number) < 3000)) p.dates++;
    if (key.length >= 2 && AGENCY_END.test(key)) p.agencies++;
  }
  return p;
}

/** A column whose values contradict the field its header names: units of measure are no agency, a text is no price. */
function contradicts(g: FieldGuess, p: ValueProfile): boolean {
  const share = (k: Exclude<keyof ValueProfile, 'n'>) => (p.n === 0 ? 0 : p[k] / p.n);
  switch (g.field) {
    case '所属机构编码': return share('units') >= 0.5;
    // 单位 alone names a unit of measure only when its values are 台, 辆, 套 ….
    case '计量单位': return g.word !== '计量单位' && share('units') < 0.5;
    case ITEM_NAME_HEADER: return p.n > 0 && (share('agencies') >= 0.5 || share('numbers') >= 0.8 || share('units') >= 0.5);
    case '购置日期': case '检定有效期至': return p.n > 0 && share('dates') < 0.5;
    // Not 数量: a count of text must reject its row, never leave it counted as one.
    case '购置金额(元)': case '行驶里程(公里)': return p.n > 0 && share('numbers') < 0.5;
    default: return false;
  }
}

export interface HeaderGuess {
  /** 0-based first header row. */
  headerRow: number;
  headerRows: 1 | 2;
  columns: ColumnInfo[];
  /** Field → column index, as matched. */
  fields: Partial<Record<LedgerField, number>>;
  /** The price column is in 万元. */
  priceInWan: boolean;
}

const SCAN_ROWS = 30;
const MAX_COLUMNS = 16_384;

interface HeaderCells {
  texts: (string | null)[][];
  /** The cell lies in a merged range. */
  merged: boolean[][];
}

/** Each cell's text with merged ranges filled from their top-left cell, for rows [from, to). */
function headerCells(sheet: Sheet, from: number, to: number): HeaderCells {
  const texts: (string | null)[][] = [];
  const merged: boolean[][] = [];
  for (let r = from; r < to; r++) {
    texts.push((sheet.rows[r] ?? []).slice(0, MAX_COLUMNS).map((c) => cellText(c)));
    merged.push([]);
  }
  for (const m of sheet.merges) {
    if (m.e.r < from || m.s.r >= to) continue;
    const v = cellText(sheet.rows[m.s.r]?.[m.s.c]);
    for (let r = Math.max(m.s.r, from); r <= Math.min(m.e.r, to - 1); r++) {
      for (let c = m.s.c; c <= Math.min(m.e.c, MAX_COLUMNS - 1); c++) {
        texts[r - from][c] = v;
        merged[r - from][c] = true;
      }
    }
  }
  return { texts, merged };
}

/**
 * Column labels for a header of one or two rows: a group header merged over its children gives
 * "购置信息/日期". An upper cell that is not merged only names a column whose lower cell is blank.
 */
function labelsOf({ texts, merged }: HeaderCells): (string | null)[] {
  const width = Math.max(0, ...texts.map((r) => r.length));
  return Array.from({ length: width }, (_, c) => {
    let parts = texts.map((r) => r[c] ?? null);
    if (parts.length === 2 && parts[1] !== null && !merged[0][c]) parts = [parts[1]];
    const present = parts.filter((t): t is string => t !== null);
    const unique = present.filter((t, i) => present.indexOf(t) === i);
    return unique.length ? unique.join('/') : null;
  });
}

/**
 * Matches labels to fields: each field takes its surest column (a known word over a contained one, then the
 * earlier synonym, then the leftmost), each column serves one field, and a column whose values contradict a
 * field is not taken for it. Password columns serve none.
 */
function matchFields(labels: (string | null)[], profile?: (col: number) => ValueProfile): Partial<Record<LedgerField, number>> {
  const candidates: (FieldGuess & { col: number })[] = [];
  labels.forEach((label, col) => {
    if (label === null || isSecretHeader(label)) return;
    const parts = label.split('/');
    // The child alone, parent and child together (a group's 信息 dropped: 购置信息/日期 is 购置日期), then the parent.
    const child = parts[parts.length - 1];
    const tries = [child, parts[0].replace(/(信息|情况)$/, '') + (parts.length > 1 ? child : ''), parts.join(''), parts[0]];
    const guesses = tries.flatMap(fieldsOf);
    const values = profile?.(col);
    const fitting = values ? guesses.filter((g) => !contradicts(g, values)) : guesses;
    const top = Math.max(0, ...fitting.map((g) => g.score));
    for (const g of fitting) if (g.score === top) candidates.push({ ...g, col });
  });
  candidates.sort((a, b) => b.score - a.score || a.rank - b.rank || a.col - b.col);
  const fields: Partial<Record<LedgerField, number>> = {};
  const taken = new Set<number>();
  for (const c of candidates) {
    if (fields[c.field] !== undefined || taken.has(c.col)) continue;
    fields[c.field] = c.col;
    taken.add(c.col);
  }
  return fields;
}

const scoreOf = (fields: Partial<Record<LedgerField, number>>) =>
  Object.keys(fields).length + (fields['资产编号'] !== undefined ? 1 : 0) + (fields[ITEM_NAME_HEADER] !== undefined || fields['装备代码'] !== undefined ? 1 : 0);

/**
 * A row of labels and values side by side (编号 | 4 | 固定资产名称 | 造粒机房, as depreciation sheets lay out one
 * asset) or a row of numbers is no header: a header is text.
 */
const numericShare = (row: (Cell | undefined)[]) => {
  const present = row.filter((c) => cellText(c) !== null);
  return present.length ? present.filter((c) => c!.t === 'n').length / present.length : 0;
};

/**
 * Finds the header among the first rows: the row (or pair of rows, for merged group headers) whose
 * cells name the most ledger fields. Title rows above it name none. `at` fixes the row. The columns are
 * then matched again with their values in view.
 */
export function guessHeader(sheet: Sheet, at?: { headerRow: number; headerRows: 1 | 2 }): HeaderGuess | null {
  let best: { headerRow: number; headerRows: 1 | 2; labels: (string | null)[]; score: number } | null = null;
  const tries = at ? [at] : Array.from({ length: Math.min(SCAN_ROWS, sheet.rows.length) }, (_, r) => [{ headerRow: r, headerRows: 1 as const }, { headerRow: r, headerRows: 2 as const }]).flat();
  for (const t of tries) {
    const cells = headerCells(sheet, t.headerRow, t.headerRow + t.headerRows);
    // A title row (one text, often merged across the sheet) is never part of the header.
    if (!at && cells.texts.some((row) => new Set(row.filter((x) => x !== null)).size < 2)) continue;
    if (!at && sheet.rows.slice(t.headerRow, t.headerRow + t.headerRows).some((row) => numericShare(row ?? []) >= 0.25)) continue;
    const labels = labelsOf(cells);
    const score = scoreOf(matchFields(labels));
    // A second header row must add a field; otherwise it is the first data row.
    if (!best || score > best.score) best = { ...t, labels, score };
  }
  if (!best || (!at && best.score < 3)) return null;
  const dataStart = best.headerRow + best.headerRows;
  const fields = matchFields(best.labels, (col) => profileOf(sheet, col, dataStart));
  const columns: ColumnInfo[] = [];
  best.labels.forEach((label, index) => {
    const secret = isSecretHeader(label);
    const samples: string[] = [];
    for (let r = dataStart; r < sheet.rows.length && samples.length < 3; r++) {
      const t = cellText(sheet.rows[r]?.[index]);
      if (t !== null) samples.push(secret ? SECRET_MASK : truncate(t, 40));
    }
    if (label !== null || samples.length) columns.push({ index, letter: columnLetter(index), label: label === null ? '' : truncate(label, 60), samples, ...(secret ? { secret } : {}) });
  });
  const price = fields['购置金额(元)'];
  return {
    headerRow: best.headerRow,
    headerRows: best.headerRows,
    columns,
    fields,
    priceInWan: price !== undefined && /万元/.test(best.labels[price] ?? ''),
  };
}

export const SECRET_MASK = '******';

/** The first rows of a sheet as shown to choose it, with every value under a password header masked. */
export function maskSecrets(head: (string | null)[][]): (string | null)[][] {
  const from = new Map<number, number>();
  head.forEach((row, r) => row.forEach((t, c) => {
    if (!from.has(c) && isSecretHeader(t)) from.set(c, r);
  }));
  return head.map((row, r) => row.map((t, c) => (t !== null && from.has(c) && r > from.get(c)! ? SECRET_MASK : t)));
}

/** The mapping the import wizard saves, and `eql import --mapping` reads. */
export interface LedgerMapping {
  sheet?: string;
  /** 1-based, as Excel numbers rows; absent: found automatically. */
  headerRow?: number;
  headerRows?: 1 | 2;
  /** Field → the column's header text as the file writes it, or its letter. */
  columns?: Partial<Record<LedgerField, string | null>>;
  priceUnit?: 'yuan' | 'wan';
  /** The agency of rows that name none (a county's own ledger rarely names the county). */
  defaultAgency?: string | null;
  /** What the file calls an item → catalog code. */
  items?: Record<string, string>;
  /** What the file writes for an agency → agency code. */
  agencies?: Record<string, string>;
  /** A status word the file uses beyond the usual ones (⑤ writes 3) → what it means. */
  statuses?: Record<string, ImportStatus>;
}

export type Resolved = { ok: true; guess: HeaderGuess; fields: Partial<Record<LedgerField, number>> } | { ok: false; message: string };

/** The header, and the columns the mapping names over those matched automatically. */
export function mapColumns(sheet: Sheet, mapping: LedgerMapping): Resolved {
  const guess = guessHeader(sheet, mapping.headerRow ? { headerRow: mapping.headerRow - 1, headerRows: mapping.headerRows ?? 1 } : undefined);
  if (!guess) return { ok: false, message: `在前 ${SCAN_ROWS} 行中找不到表头(应有「资产编号」「装备名称」等列);请在导入向导中指定表头所在行` };
  const fields = { ...guess.fields };
  for (const [field, ref] of Object.entries(mapping.columns ?? {}) as [LedgerField, string | null][]) {
    if (!LEDGER_FIELDS.includes(field)) continue;
    if (ref === null || ref === '') {
      delete fields[field];
      continue;
    }
    const byLabel = guess.columns.find((c) => c.label === ref || headerKey(c.label) === headerKey(ref));
    const byLetter = /^[A-Z]{1,3}$/.test(ref) ? guess.columns.find((c) => c.letter === ref) ?? { index: letterIndex(ref) } : undefined;
    const col = byLabel ?? byLetter;
    if (!col) return { ok: false, message: `找不到映射中「${field}」对应的列「${truncate(ref)}」` };
    const label = guess.columns.find((c) => c.index === col.index)?.label ?? null;
    if (isSecretHeader(label)) return { ok: false, message: `「${truncate(label!)}」列是密码,不能导入到「${field}」` };
    if (field === '资产编号' && SYNONYMS['序号'].includes(headerKey(label ?? ''))) {
      return { ok: false, message: `「${truncate(label!)}」列只是行的顺序号,不能作为资产编号;请选择资产编号所在的列` };
    }
    for (const [other, c] of Object.entries(fields)) if (c === col.index && other !== field) delete fields[other as LedgerField];
    fields[field] = col.index;
  }
  return { ok: true, guess, fields };
}

/** As mapColumns, and refused unless the columns an import needs are there. */
export function resolveColumns(sheet: Sheet, mapping: LedgerMapping): Resolved {
  const r = mapColumns(sheet, mapping);
  if (!r.ok) return r;
  const { fields } = r;
  if (fields['资产编号'] === undefined) return { ok: false, message: '没有对应「资产编号」的列;资产编号用于识别装备,重复导入时据此更新' };
  if (fields['装备代码'] === undefined && fields[ITEM_NAME_HEADER] === undefined) return { ok: false, message: '没有对应「装备名称」或「装备代码」的列' };
  if (fields['所属机构编码'] === undefined && !mapping.defaultAgency) return { ok: false, message: '没有对应「所属机构」的列;请指定这些装备所属的机构' };
  return r;
}

function letterIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + ch.charCodeAt(0) - 64;
  return n - 1;
}

/** Every distinct text of a column below the header, with how many rows use it. */
export function distinctValues(sheet: Sheet, col: number | undefined, dataStart: number): { text: string; count: number }[] {
  if (col === undefined) return [];
  const counts = new Map<string, number>();
  for (let r = dataStart; r < sheet.rows.length; r++) {
    const t = cellText(sheet.rows[r]?.[col]);
    if (t !== null) {
      const k = normalizeText(t);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return [...counts].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
}

/**
 * The class (资产分类) each item name is filed under, where all its rows agree: a hint for the name
 * matcher, the same for every row of the name, so what the wizard shows is what the import does.
 */
export function nameClasses(sheet: Sheet, itemCol: number | undefined, classCol: number | undefined, dataStart: number): Map<string, string> {
  const classes = new Map<string, string | null>();
  if (itemCol === undefined || classCol === undefined) return new Map();
  for (let r = dataStart; r < sheet.rows.length; r++) {
    const name = cellText(sheet.rows[r]?.[itemCol]);
    if (name === null) continue;
    const key = normalizeText(name);
    const cls = cellText(sheet.rows[r]?.[classCol]);
    const c = cls === null ? null : normalizeText(cls);
    const before = classes.get(key);
    classes.set(key, before === undefined ? c : before === c ? c : null);
  }
  return new Map([...classes].filter((e): e is [string, string] => e[1] !== null));
}

export interface AgencyRef {
  code: string;
  name: string;
}

/** An agency written by code, by full name, or by a name one contains the other of (西湖分局 ↔ 杭州市生态环境局西湖分局). */
export function makeAgencyMatcher(agencies: readonly AgencyRef[]): (text: string) => string | null {
  const byCode = new Map(agencies.map((a) => [a.code.toUpperCase(), a.code]));
  const keyed = agencies.map((a) => ({ code: a.code, key: nameKey(a.name) }));
  const byName = new Map(keyed.map((a) => [a.key, a.code]));
  return (text) => {
    const key = nameKey(text);
    const direct = byCode.get(key.toUpperCase()) ?? byName.get(key);
    if (direct) return direct;
    if (key.length < 2) return null;
    const hits = keyed.filter((a) => a.key.includes(key) || key.includes(a.key));
    return hits.length === 1 ? hits[0].code : null;
  };
}

/** A lookup that asks `f` once per distinct text: a ledger repeats the same few names on every row. */
function memo(f: (text: string) => string | null): (text: string) => string | null {
  const seen = new Map<string, string | null>();
  return (text) => {
    let v = seen.get(text);
    if (v === undefined) seen.set(text, (v = f(text)));
    return v;
  };
}

/** The layout for reading the sheet's assets with the mapping's names; unresolved names stay null and are reported per row. */
export function layoutOf(
  resolved: { guess: HeaderGuess; fields: Partial<Record<LedgerField, number>> },
  mapping: LedgerMapping,
  auto: { item: (name: string) => string | null; agency: (text: string) => string | null; status: (word: string) => ImportStatus | null },
): AssetLayout {
  const items = new Map(Object.entries(mapping.items ?? {}).map(([k, v]) => [normalizeText(k), v.toUpperCase()]));
  const agencies = new Map(Object.entries(mapping.agencies ?? {}).map(([k, v]) => [normalizeText(k), v]));
  const statuses = new Map(Object.entries(mapping.statuses ?? {}).map(([k, v]) => [statusKey(k), v]));
  const priceInWan = mapping.priceUnit ? mapping.priceUnit === 'wan' : resolved.guess.priceInWan;
  const price = resolved.fields['购置金额(元)'];
  const priceLabel = resolved.guess.columns.find((c) => c.index === price)?.label ?? '';
  return {
    dataStart: resolved.guess.headerRow + resolved.guess.headerRows,
    cols: new Map(Object.entries(resolved.fields) as [string, number][]),
    item: memo((name) => items.get(name) ?? auto.item(name)),
    agency: memo((text) => agencies.get(text) ?? auto.agency(text)),
    status: (word) => statuses.get(word) ?? auto.status(word),
    statusWords: IMPORT_STATUS_WORDS,
    defaultAgency: mapping.defaultAgency ?? null,
    priceScale: priceInWan ? 10_000 : 1,
    priceIsTotal: resolved.fields['数量'] !== undefined && price !== undefined && !/单价/.test(headerKey(priceLabel)) && /原值|原价|总价|金额|价值/.test(headerKey(priceLabel)),
    defaultStatus: 'in_service',
    blankWords: true,
  };
}
