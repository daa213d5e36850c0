import type { ExportFormat, FileOut } from '../lib/domain/files';
import type { Problem } from '../lib/problems';
import type { IsoDate } from '../lib/dates';
import { ITEM_CODE } from '../lib/domain/values';
import { LEVELS, type Basis, type CatalogItem, type Level, type QuotaRule, type RuleSet } from '../quotas/types';
import { cellText, isBlankWord, normalizeText, parseChoice, parseDate, truncate, type Cell, type Parsed } from './cells';
import { exportFile } from './export';
import { ProblemList } from './problems';
import { dataRows, LEVEL_LABELS, type RowReader } from './template';
import { readWorkbook, type Sheet } from './workbook';
import type { OutSheet, OutValue } from './write';

export const RULE_SET_SHEET = '配备标准';
const TABLE_HEADERS = ['类别', '代码', '名称', '单位', '省级', '市级', '县级'] as const;
/** Columns after the table's own, for the items an edition adds: read where present, written always. */
const ITEM_HEADERS = ['计量器具', '技术参数', '替代品目', '可购买服务'] as const;
const YES_NO = new Map<string, boolean>([['是', true], ['√', true], ['✓', true], ['Y', true], ['否', false], ['×', false], ['N', false]]);

const LEVEL_HEADERS: Record<Level, string> = LEVEL_LABELS;

/** The lines above the table: what each says, as the export writes it. */
const HEAD_LABELS = { name: '标准名称', source: '发布文件', effectiveDate: '施行日期', basedOn: '依据' } as const;
type HeadField = keyof typeof HEAD_LABELS;
const HEAD_WORDS = new Map<string, HeadField>(Object.entries(HEAD_LABELS).map(([k, v]) => [v, k as HeadField]));

const MAX_QUANTITY = 1000;
const MAX_PER = 1000;
const MAX_SOURCE = 500;
const MAX_NAME = 100;

const PER_WORD: Record<Exclude<Basis, 'per_staff'>, string> = { per_agency: '机构', per_office: '办公室' };

/** What a level's cell says of an item: 选配, or a quota as the standard's table writes it: 1辆/5人, 1台/人, 2/机构, ≥1/机构, 1/办公室. */
export function quotaText(rule: Pick<QuotaRule, 'basis' | 'quantity' | 'per' | 'atLeast' | 'optional'>, unit: string): string {
  if (rule.optional) return OPTIONAL_WORD;
  const min = rule.atLeast ? '≥' : '';
  if (rule.basis === 'per_staff') return `${min}${rule.quantity}${unit}/${rule.per === 1 ? '' : rule.per}人`;
  return `${min}${rule.quantity}/${PER_WORD[rule.basis]}`;
}

const OPTIONAL_WORD = '选配';
const EXAMPLES = `应写作如「1辆/5人」「1/人」「2/机构」「≥1/机构」「1/办公室」,该级选配写「${OPTIONAL_WORD}」,不配请留空`;
/** After NFKC (full-width digits and ／ become ASCII) and with spaces taken out. */
const QUOTA = /^(≥|≧|>=|至少)?(\d+)([^\d/]*)\/(\d*)(人|个?机构|个?办公室|个?办公点)$/;

/**
 * A level's cell typed as the standard writes it, by hand too: full-width characters, spaces, ≥ or 至少 (a minimum
 * a locality may raise: kept, measured the same), the unit after the number or not; or 选配, the item optional at
 * that level. `unit` is the item's own.
 */
export function parseQuota(cell: Cell | undefined, unit: string): Parsed<Omit<QuotaRule, 'item' | 'level' | 'service'> | null> {
  const text = cellText(cell);
  if (text === null || isBlankWord(text)) return { ok: true, value: null };
  const shown = truncate(text);
  if (cell!.t === 'n') return { ok: false, message: `「${shown}」只有数量,没有写明按人数、按机构还是按办公室配备;${EXAMPLES}` };
  const typed = normalizeText(text).replace(/\s+/g, '');
  if (typed === OPTIONAL_WORD) return { ok: true, value: { basis: 'per_agency', quantity: 0, per: 1, optional: true } };
  const m = QUOTA.exec(typed);
  if (!m) return { ok: false, message: `「${shown}」不是配备数量;${EXAMPLES}` };
  const [, min, q, writtenUnit, perText, base] = m;
  const atLeast = min ? { atLeast: true } : {};
  const quantity = Number(q);
  if (quantity < 1 || quantity > MAX_QUANTITY) return { ok: false, message: `「${shown}」的数量应为 1–${MAX_QUANTITY};不配请留空` };
  if (writtenUnit !== '' && writtenUnit !== unit) return { ok: false, message: `「${shown}」的单位「${writtenUnit}」与该品目的计量单位「${unit}」不符` };
  if (base !== '人') {
    if (perText !== '') return { ok: false, message: `「${shown}」:按机构或办公室配备时「/」后不写数字;${EXAMPLES}` };
    return { ok: true, value: { basis: base.endsWith('机构') ? 'per_agency' : 'per_office', quantity, per: 1, ...atLeast } };
  }
  const per = perText === '' ? 1 : Number(perText);
  if (per < 1 || per > MAX_PER) return { ok: false, message: `「${shown}」的人数应为 1–${MAX_PER}` };
  return { ok: true, value: { basis: 'per_staff', quantity, per, ...atLeast } };
}

/** The columns of an edition's table, as its file and the editor lay them out. */
export const EDITION_COLUMNS: readonly string[] = [...TABLE_HEADERS, ...ITEM_HEADERS];

/**
 * An edition's table: one row per item that has a quota or that the edition added, in `EDITION_COLUMNS` order, with
 * whether it is a measuring instrument, its parameters, the item it succeeds and whether a service may meet it.
 */
export function editionRows(set: RuleSet, catalog: readonly CatalogItem[]): (string | null)[][] {
  const rules = new Map(set.rules.map((r) => [`${r.item}/${r.level}`, r]));
  const items = catalog.filter((c) => c.addedBy === set.id || LEVELS.some((l) => rules.has(`${c.code}/${l}`)));
  return items.map((c) => [c.category, c.code, c.name, c.unit, ...LEVELS.map((l) => {
    const r = rules.get(`${c.code}/${l}`);
    return r ? quotaText(r, c.unit) : null;
  }), c.needsCalibration ? '是' : '否', c.parameters ?? null, c.succeeds ?? null, LEVELS.some((l) => rules.get(`${c.code}/${l}`)?.service) ? '是' : null]);
}

/** A rule set as one sheet in the layout of the standard's table: its heading lines, then its table (`editionRows`). */
export function ruleSetSheet(set: RuleSet, catalog: readonly CatalogItem[]): OutSheet {
  const head: OutValue[][] = [
    [HEAD_LABELS.name, set.name],
    [HEAD_LABELS.source, set.source],
    [HEAD_LABELS.effectiveDate, set.effectiveDate ? { date: set.effectiveDate } : null],
    [HEAD_LABELS.basedOn, set.basedOn],
    [],
  ];
  return { name: RULE_SET_SHEET, rows: [...head, [...EDITION_COLUMNS], ...editionRows(set, catalog)], widths: [18, 8, 50, 6, 12, 12, 12, 8, 40, 8, 10], frozen: head.length + 1 };
}

/** The rule set as a file named after its id. */
export function ruleSetWorkbook(set: RuleSet, catalog: readonly CatalogItem[], format?: ExportFormat): FileOut {
  return exportFile(`配备标准-${set.id}`, [ruleSetSheet(set, catalog)], format);
}

/** What an edition's file holds: its heading lines and its quotas. */
export interface EditionRead {
  name: string | null;
  source: string;
  effectiveDate: IsoDate | null;
  basedOn: string | null;
  rules: QuotaRule[];
  /** Items the file adds to the catalog, or changes where the edition being replaced added them. */
  items: CatalogItem[];
}

export type EditionResult = { ok: true; edition: EditionRead } | { ok: false; problems: Problem[] };

const headerName = (cell: Cell | undefined) => {
  const t = cellText(cell);
  return t === null ? null : normalizeText(t).replace(/\s+/g, '').replace(/[:：]$/, '');
};

/** The first row naming every column of the table. */
function tableHeader(sheet: Sheet): { row: number; cols: Map<string, number> } | null {
  for (let r = 0; r < sheet.rows.length; r++) {
    const cols = new Map<string, number>();
    (sheet.rows[r] ?? []).forEach((cell, c) => {
      const h = headerName(cell);
      if (h !== null && ([...TABLE_HEADERS, ...ITEM_HEADERS] as readonly string[]).includes(h) && !cols.has(h)) cols.set(h, c);
    });
    if (TABLE_HEADERS.every((h) => cols.has(h))) return { row: r, cols };
  }
  return null;
}

/**
 * Reads an edition of the standard from a workbook in the layout `ruleSetSheet` writes (or typed so by hand):
 * every quota cell must read as a quota, and every code be a catalog item's, once, or a new item's with its
 * 类别, 名称 and 单位 (and, where it takes over from a retired item, that item in 替代品目). `id` is the edition's
 * own: the items an earlier import of it added may be changed. All or nothing: any bad cell refuses the file,
 * each problem named at its sheet, row and column.
 */
export async function readRuleSet(buf: Uint8Array, file: string, catalog: readonly CatalogItem[], ruleSetIds: ReadonlySet<string>, id: string): Promise<EditionResult> {
  const read = await readWorkbook(buf, file);
  if (!read.ok) return read;
  const visible = read.workbook.sheets.filter((s) => !s.hidden);
  const sheet = visible.find((s) => s.name.trim() === RULE_SET_SHEET) ?? visible[0];
  if (!sheet) return { ok: false, problems: [{ file, message: '文件中没有可读的工作表' }] };
  return readEditionSheet(sheet, file, read.workbook.date1904, catalog, ruleSetIds, id);
}

/** An edition as the editor sends it: its heading fields, and its table's rows in `EDITION_COLUMNS` order. */
export interface EditionDraft {
  name: string;
  source: string;
  effectiveDate: string | null;
  basedOn: string | null;
  rows: readonly (readonly (string | null)[])[];
}

/**
 * Reads an edition typed in the editor exactly as one typed in Excel, by laying it out as the sheet `ruleSetSheet` writes.
 * Problems name the table's row (1 for its first) and column by its header, or the heading field.
 */
export function readEditionDraft(d: EditionDraft, catalog: readonly CatalogItem[], ruleSetIds: ReadonlySet<string>, id: string): EditionResult {
  const text = (v: string | null): Cell | undefined => (v === null || v.trim() === '' ? undefined : { t: 's', v });
  const head = [[HEAD_LABELS.name, d.name], [HEAD_LABELS.source, d.source], [HEAD_LABELS.effectiveDate, d.effectiveDate], [HEAD_LABELS.basedOn, d.basedOn]];
  const rows = [...head.map((r) => r.map(text)), [], EDITION_COLUMNS.map(text), ...d.rows.map((r) => r.map(text))];
  const first = head.length + 2;
  const read = readEditionSheet({ name: RULE_SET_SHEET, rows, merges: [], hidden: false }, '', false, catalog, ruleSetIds, id, (r) => r + 1 - first);
  if (read.ok) return read;
  return {
    ok: false,
    problems: read.problems.map(({ file: _f, sheet: _s, column: _c, row, ...p }) => (row !== undefined && row > first ? { ...p, row: row - first } : p)),
  };
}

/** `rowNumber` gives a 0-based row of the sheet as messages name it (Excel's number unless the table is the editor's). */
function readEditionSheet(sheet: Sheet, file: string, date1904: boolean, catalog: readonly CatalogItem[], ruleSetIds: ReadonlySet<string>, id: string,
  rowNumber = (r: number) => r + 1): EditionResult {
  const problems = new ProblemList(file);
  const header = tableHeader(sheet);
  if (!header) {
    return { ok: false, problems: [{ file, sheet: sheet.name, message: `找不到表头行;表头应为:${TABLE_HEADERS.join('、')}` }] };
  }

  const head: Partial<Record<HeadField, { row: number; col: number; cell: Cell }>> = {};
  for (let r = 0; r < header.row; r++) {
    const cells = sheet.rows[r] ?? [];
    const at = cells.findIndex((c) => cellText(c) !== null);
    const field = at < 0 ? undefined : HEAD_WORDS.get(headerName(cells[at])!);
    if (!field) continue;
    const col = cells.findIndex((c, i) => i > at && cellText(c) !== null);
    if (col >= 0) head[field] = { row: r, col, cell: cells[col]! };
  }
  const headText = (field: HeadField, max: number): string | null => {
    const h = head[field];
    if (!h) return null;
    const s = cellText(h.cell)!;
    if (s.length > max) return (problems.at(sheet.name, h.row, h.col, HEAD_LABELS[field], `内容过长(最多 ${max} 字)`), null);
    return s;
  };
  const name = headText('name', MAX_NAME);
  const source = headText('source', MAX_SOURCE);
  if (!head.source) problems.add({ sheet: sheet.name, field: HEAD_LABELS.source, message: `表头之上缺少「${HEAD_LABELS.source}」一行(如「${HEAD_LABELS.source} | 环办执法〔2024〕27号」)` });
  let effectiveDate: IsoDate | null = null;
  if (head.effectiveDate) {
    const d = parseDate(head.effectiveDate.cell, date1904);
    if (d.ok) effectiveDate = d.value;
    else problems.at(sheet.name, head.effectiveDate.row, head.effectiveDate.col, HEAD_LABELS.effectiveDate, d.message);
  }
  const basedOn = headText('basedOn', 50);
  if (basedOn !== null && !ruleSetIds.has(basedOn)) {
    problems.at(sheet.name, head.basedOn!.row, head.basedOn!.col, HEAD_LABELS.basedOn, `「${truncate(basedOn)}」不是台账中的配备标准;应为 eql rules list 所列的编号,或留空`);
  }

  const items = new Map(catalog.map((c) => [c.code, c]));
  const names = new Map(catalog.map((c) => [c.name, c.code]));
  const seen = new Map<string, number>();
  const rules: QuotaRule[] = [];
  const added: CatalogItem[] = [];
  for (const r of dataRows(sheet, header.row + 1, header.cols, problems)) {
    const code = r.code('代码', true);
    if (code !== null && seen.has(code)) r.fail('代码', `品目代码「${code}」与第 ${rowNumber(seen.get(code)!)} 行重复`);
    else if (code !== null) seen.set(code, r.row);
    const known = code === null ? undefined : items.get(code);
    const item = code === null ? undefined : known && known.addedBy !== id ? known : newItem(r, code, id, known, items, names);
    if (!item) continue;
    const succeeds = item === known ? r.code('替代品目') : null;
    if (succeeds !== null && succeeds !== (known!.succeeds ?? null)) {
      r.fail('替代品目', `「${item.code} ${truncate(item.name, 20)}」是目录中已有的品目${known!.succeeds ? `(替代 ${known!.succeeds})` : ''};只有本标准新增的品目可以填写或改变替代品目`);
    }
    const service = r.take('可购买服务', parseChoice(r.cell('可购买服务'), YES_NO, ['是', '否']), false) === true;
    const own: QuotaRule[] = [];
    for (const level of LEVELS) {
      const q = r.take(LEVEL_HEADERS[level], parseQuota(r.cell(LEVEL_HEADERS[level]), item.unit), false);
      if (q) own.push({ item: item.code, level, ...q, ...(service && !q.optional && { service: true }) });
    }
    const counted = own.filter((q) => !q.optional);
    if (item === known && counted.length && item.kind === 'optional') {
      r.fail(LEVEL_HEADERS[counted[0].level], `「${item.code} ${truncate(item.name, 20)}」是选配品目(根据执法工作需要配备),不设配备数量;请清空该行的省级、市级、县级,或写「${OPTIONAL_WORD}」`);
    }
    if (service && !counted.length) r.fail('可购买服务', `「${item.code} ${truncate(item.name, 20)}」在本标准中没有配备数量;只有设了配备数量的品目才能以购买服务满足`);
    if (r.bad) continue;
    rules.push(...own);
    if (item !== known || known.addedBy === id) {
      added.push({ ...item, kind: counted.length ? 'basic' : 'optional' });
      names.set(item.name, item.code);
    }
  }
  if (!problems.empty) return { ok: false, problems: problems.all() };
  if (rules.every((q) => q.optional)) return { ok: false, problems: [{ file, sheet: sheet.name, message: '表中没有任何配备数量' }] };
  return { ok: true, edition: { name, source: source!, effectiveDate, basedOn, rules, items: added } };
}

/**
 * A row's item that the catalog does not hold (or that this edition added before): its code, 类别, 名称 and 单位, whether it
 * is a measuring instrument, its parameters, and the catalog item it takes over from. Undefined where the row is bad.
 */
function newItem(r: RowReader, code: string, id: string, before: CatalogItem | undefined, items: ReadonlyMap<string, CatalogItem>, names: ReadonlyMap<string, string>): CatalogItem | undefined {
  if (!ITEM_CODE.test(code)) {
    r.fail('代码', `品目代码「${truncate(code)}」不在装备目录中;新增品目的代码应以字母开头,由 2–12 个字母、数字或「-」组成(如 N01)`);
    return undefined;
  }
  const category = r.text('类别', true, 50);
  const name = r.text('名称', true, MAX_NAME);
  const unit = r.text('单位', true, 10);
  const measuring = r.take('计量器具', parseChoice(r.cell('计量器具'), YES_NO, ['是', '否']), false);
  const parameters = r.text('技术参数', false, 1000);
  const succeeds = r.code('替代品目');
  const same = name === null ? undefined : names.get(name);
  if (same !== undefined && same !== code) r.fail('名称', `新增品目「${code}」的名称与「${same} ${truncate(name!, 20)}」相同;同一名称只能对应一个品目`);
  if (succeeds !== null && (succeeds === code || !items.has(succeeds) || items.get(succeeds)!.addedBy === id)) {
    r.fail('替代品目', `「${truncate(succeeds)}」不是目录中已有的其他品目;替代品目应填写被本品目取代的原品目代码(如 S09),或留空`);
  }
  if (r.bad) return undefined;
  return {
    code, category: category!, name: name!, unit: unit!, kind: 'basic', needsCalibration: measuring ?? false, aliases: before?.aliases ?? [],
    parameters, succeeds, addedBy: id,
  };
}
