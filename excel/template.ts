import type { IsoDate } from '../lib/dates';
import type { Problem } from '../lib/problems';
import { LEVEL_RANK, type AgencyInput, type ExistingAgency, type Level } from '../lib/domain/agencies';
import type { AssetInput, AssetStatus } from '../lib/domain/assets';
import { cellText, isBlankWord, MAX_CELL_TEXT, normalizeText, parseChoice, parseCount, parseDate, parseNumber, parseYuanToFen, truncate, type Cell, type Parsed } from './cells';
import { ProblemList } from './problems';
import { ITEM_NAME_HEADER, IMPORT_STATUS_LABELS, type ImportStatus } from './fields';
import { columnLetter } from '../lib/problems';
import { readWorkbook, type Sheet, type Workbook } from './workbook';

export const AGENCY_SHEET = '机构';
export const ASSET_SHEET = '装备';

export const AGENCY_HEADERS = ['机构编码', '机构名称', '层级', '上级机构编码', '执法人员数', '编制数', '办公室数', '经度', '纬度'] as const;
export const ASSET_HEADERS = [
  '资产编号', '装备代码', '规格型号', '所属机构编码', '购置日期', '购置金额(元)', '状态', '责任人', '车牌号', '行驶里程(公里)', '检定有效期至', '备注',
] as const;

export const LEVEL_LABELS: Record<Level, string> = { province: '省级', city: '市级', county: '县级' };
export const STATUS_LABELS: Record<AssetStatus, string> = { in_service: '在用', under_repair: '维修', idle: '闲置', scrapped: '报废' };

const LEVEL_WORDS = new Map<string, Level>([
  ['省级', 'province'], ['省', 'province'], ['市级', 'city'], ['市', 'city'], ['县级', 'county'], ['县', 'county'], ['区县', 'county'], ['县区', 'county'],
]);
export const STATUS_WORDS = new Map<string, AssetStatus>([
  ['在用', 'in_service'], ['正常', 'in_service'], ['使用中', 'in_service'], ['在用中', 'in_service'], ['正常使用', 'in_service'], ['完好', 'in_service'], ['良好', 'in_service'],
  ['维修', 'under_repair'], ['待修', 'under_repair'], ['维修中', 'under_repair'], ['送修', 'under_repair'], ['故障', 'under_repair'],
  ['闲置', 'idle'], ['备用', 'idle'], ['封存', 'idle'], ['未使用', 'idle'],
  ['报废', 'scrapped'], ['已报废', 'scrapped'],
]);

/** The words of agencies' own ledgers, IMPORT_STATUSES' meanings included. */
export const IMPORT_STATUS_WORDS = new Map<string, ImportStatus>([
  ...STATUS_WORDS, ['待报废', 'to_scrap'], ['拟报废', 'to_scrap'], ['申请报废', 'to_scrap'], ['丢失', 'lost'], ['盘亏', 'lost'], ['丢失/盘亏', 'lost'], ['遗失', 'lost'],
]);
/** A status word as compared: no spaces, full-width folded. */
export const statusKey = (s: string) => normalizeText(s).replace(/\s+/g, '');
export const TO_SCRAP_REASON = '导入时台账记为待报废';
export const LOST_REASON = '丢失/盘亏';

/** The most units one row may stand for: more is far likelier a typo than a purchase. */
export const MAX_UNITS_PER_ROW = 1000;
/** The units one file may bring in all, as many as a sheet may have rows: 数量 must not turn a small file into millions of assets. */
export const MAX_IMPORT_UNITS = 200_000;

export interface TemplateContext {
  file: string;
  today: IsoDate;
  itemCodes: ReadonlySet<string>;
  existingAgencies: ReadonlyMap<string, ExistingAgency>;
}

export type TemplateResult =
  | { ok: true; agencies: AgencyInput[]; assets: AssetInput[] }
  | { ok: false; problems: Problem[] };

const MAX_TEXT = 200;
const MAX_NOTES = 2000;

function firstNonBlankRow(sheet: Sheet): number {
  for (let r = 0; r < sheet.rows.length; r++) if (sheet.rows[r]?.some((c) => cellText(c) !== null)) return r;
  return -1;
}

/** Finds each expected header's column in the header row; reports missing and repeated ones. */
export function locateHeaders(sheet: Sheet, expected: readonly string[], problems: ProblemList): { headerRow: number; cols: Map<string, number> } | null {
  const headerRow = firstNonBlankRow(sheet);
  if (headerRow < 0) {
    problems.add({ sheet: sheet.name, message: '工作表为空' });
    return null;
  }
  const cols = new Map<string, number>();
  const found: string[] = [];
  (sheet.rows[headerRow] ?? []).forEach((cell, c) => {
    const h = cellText(cell);
    if (h === null) return;
    const name = normalizeText(h).replace(/\s+/g, '');
    found.push(h);
    if (!expected.includes(name)) return;
    if (cols.has(name)) problems.at(sheet.name, headerRow, c, name, `表头「${name}」重复出现`);
    else cols.set(name, c);
  });
  const missing = expected.filter((h) => !cols.has(h));
  if (missing.length) {
    problems.at(sheet.name, headerRow, undefined, undefined,
      `缺少列${missing.map((h) => `「${h}」`).join('、')};表头应为:${expected.join('、')};文件中为:${found.map((h) => truncate(h, 20)).join('、') || '(空)'}`);
    return null;
  }
  return { headerRow, cols };
}

/** Reads one data row through per-field parsers, reporting each bad cell at its place. */
export class RowReader {
  /** What is wrong with the row, one entry per bad cell. */
  readonly reasons: CellProblem[] = [];
  constructor(
    private readonly sheet: string,
    private readonly cols: ReadonlyMap<string, number>,
    private readonly cells: (Cell | undefined)[],
    readonly row: number,
    private readonly problems: ProblemList,
    private readonly blankWords = false,
  ) {}

  get bad(): boolean {
    return this.reasons.length > 0;
  }

  cell(header: string): Cell | undefined {
    const c = this.cols.get(header);
    const cell = c === undefined ? undefined : this.cells[c];
    if (this.blankWords && cell && typeof cell.v === 'string' && isBlankWord(cell.v)) return undefined;
    return cell;
  }

  fail(header: string | undefined, message: string): void {
    const col = header === undefined ? undefined : this.cols.get(header);
    this.reasons.push({ column: col === undefined ? undefined : columnLetter(col), field: header, message });
    this.problems.at(this.sheet, this.row, col, header, message);
  }

  take<T>(header: string, parsed: Parsed<T | null>, required: boolean): T | null {
    if (!parsed.ok) {
      this.fail(header, parsed.message);
      return null;
    }
    if (parsed.value === null && required) this.fail(header, '必填,不能为空');
    return parsed.value;
  }

  text(header: string, required = false, max = MAX_TEXT): string | null {
    const s = cellText(this.cell(header));
    if (s !== null && s.length > max) {
      this.fail(header, `内容过长(${s.length >= MAX_CELL_TEXT ? `${MAX_CELL_TEXT} 字以上` : `${s.length} 字`},最多 ${max} 字)`);
      return null;
    }
    return this.take(header, { ok: true, value: s }, required);
  }

  code(header: string, required = false): string | null {
    const s = this.text(header, required, 50);
    return s === null ? null : normalizeText(s).toUpperCase();
  }

  coordinate(header: string, limit: number): number | null {
    const n = this.take(header, parseNumber(this.cell(header)), false);
    if (n !== null && Math.abs(n) > limit) {
      this.fail(header, `${n} 超出范围(-${limit} 至 ${limit})`);
      return null;
    }
    return n;
  }
}

/** 合计 lines, whatever follows the word. */
const TOTAL_ROW = /^(合计|小计|总计|共计|累计)/;
/** The lines around a table saying who filled, made and checked it (制表, 审核 alone only before a colon). */
const SIGNATURE_ROW = /^(填报单位|填报日期|填报人|填表人|填表日期|制表人|制表日期|审核人|审批人|复核人|负责人|单位负责人|部门负责人|联系人|联系电话|当前日期|打印日期|打印时间|统计日期|盘点人|监盘人|(制表|填表|审核|审批)[:：])/;

/** A line of the sheet that is not an asset, with why it was passed over. */
export interface SkippedRow {
  /** 0-based row in the sheet. */
  row: number;
  reason: string;
}

/** The characters those lines begin with; a text beginning with another plain character (ASCII or a common hanzi, which normalising leaves alone) is no such line. */
const ROW_WORD_START = new Set([...`${TOTAL_ROW.source}|${SIGNATURE_ROW.source}`.matchAll(/(?:^|[|(])\(*([\u4e00-\u9fff])/g)].map((m) => m[1]));
const plainStart = (c: number) => c < 0x7f || (c >= 0x4e00 && c <= 0x9fff);

/** Why a line below the header holds no asset: a 合计 line or a signature line, named by its first text. */
function notData(cells: (Cell | undefined)[]): string | null {
  const first = cells.find((c) => cellText(c) !== null);
  if (!first) return null;
  const raw = cellText(first)!;
  if (plainStart(raw.charCodeAt(0)) && !ROW_WORD_START.has(raw[0])) return null;
  const text = normalizeText(raw).replace(/\s+/g, '');
  if (TOTAL_ROW.test(text)) return `合计行「${truncate(text, 20)}」,不是装备`;
  if (SIGNATURE_ROW.test(text)) return `签署行「${truncate(text, 20)}」,不是装备`;
  return null;
}

/** The rows below the header that hold data: blank rows are passed over, 合计 lines and footers too and listed in `skipped`. */
export function* dataRows(
  sheet: Sheet, dataStart: number, cols: ReadonlyMap<string, number>, problems: ProblemList, opts: { skipped?: SkippedRow[]; blankWords?: boolean } = {},
): Generator<RowReader> {
  const used = [...cols.values()];
  for (let r = dataStart; r < sheet.rows.length; r++) {
    const cells = sheet.rows[r];
    if (!cells || used.every((c) => cellText(cells[c]) === null)) continue;
    const reason = notData(cells);
    if (reason) {
      opts.skipped?.push({ row: r, reason });
      continue;
    }
    yield new RowReader(sheet.name, cols, cells, r, problems, opts.blankWords);
  }
}

/** Valid agency rows, and every code the sheet names (valid row or not). */
function readAgencies(sheet: Sheet, problems: ProblemList): { agencies: AgencyInput[]; codes: Set<string> } {
  const located = locateHeaders(sheet, AGENCY_HEADERS, problems);
  if (!located) return { agencies: [], codes: new Set() };
  const out: AgencyInput[] = [];
  const seen = new Map<string, number>();
  for (const r of dataRows(sheet, located.headerRow + 1, located.cols, problems)) {
    const code = r.code('机构编码', true);
    const name = r.text('机构名称', true);
    const level = r.take('层级', parseChoice(r.cell('层级'), LEVEL_WORDS, Object.values(LEVEL_LABELS)), true);
    const parentCode = r.code('上级机构编码');
    const staff = r.take('执法人员数', parseCount(r.cell('执法人员数'), '执法人员数'), true);
    const authorizedPosts = r.take('编制数', parseCount(r.cell('编制数'), '编制数'), false);
    const offices = r.take('办公室数', parseCount(r.cell('办公室数'), '办公室数'), false);
    const longitude = r.coordinate('经度', 180);
    const latitude = r.coordinate('纬度', 90);
    if (code !== null) {
      const first = seen.get(code);
      if (first !== undefined) r.fail('机构编码', `机构编码「${code}」与第 ${first + 1} 行重复`);
      else seen.set(code, r.row);
      if (parentCode === code) r.fail('上级机构编码', '上级机构不能是机构自身');
    }
    if (r.bad) continue;
    out.push({ row: r.row, code: code!, name: name!, level: level!, parentCode, staff: staff!, authorizedPosts, offices: offices ?? 1, longitude, latitude });
  }
  return { agencies: out, codes: new Set(seen.keys()) };
}

/** Where a sheet's asset columns are, and how its names become codes. */
export interface AssetLayout {
  /** First data row, 0-based. */
  dataStart: number;
  /** Column of each canonical header (ASSET_HEADERS, or ITEM_NAME_HEADER for a column of equipment names). */
  cols: ReadonlyMap<string, number>;
  /** The catalog code for a name the file uses for its equipment; null when it has none yet. */
  item?: (name: string) => string | null;
  /** The agency code for what the file writes in its agency column; null when unknown. */
  agency?: (text: string) => string | null;
  /** The agency of rows that name none. */
  defaultAgency?: string | null;
  /** What a price in the file is worth in yuan (10,000 for a column in 万元). */
  priceScale?: number;
  /** The status of rows whose status is blank; absent: a status is required. */
  defaultStatus?: AssetStatus;
  /** The status words read without asking; absent: STATUS_WORDS. */
  statusWords?: ReadonlyMap<string, ImportStatus>;
  /** What a word beyond those means, as the user said; null when nobody did (the row is rejected until then). */
  status?: (word: string) => ImportStatus | null;
  /** The price is the row's total: each of its 数量 units is worth its share. */
  priceIsTotal?: boolean;
  /** 无, / and - mean blank. */
  blankWords?: boolean;
}

export interface CellProblem {
  column?: string;
  field?: string;
  message: string;
}

export interface RejectedRow {
  /** 0-based row in the sheet. */
  row: number;
  reasons: CellProblem[];
}

export interface AssetRead {
  /** One per unit: a row with 数量 3 gives three. */
  assets: AssetInput[];
  rejected: RejectedRow[];
  /** 合计 and signature lines. */
  skipped: SkippedRow[];
}

/** How many units a row stands for: blank is one; anything but a whole number from 1 to MAX_UNITS_PER_ROW rejects the row. */
function unitsOf(r: RowReader): number {
  const cell = r.cell('数量');
  const n = parseNumber(cell);
  if (!n.ok) return (r.fail('数量', `数量应为正整数,文件中为「${truncate(cellText(cell) ?? '')}」`), 0);
  if (n.value === null) return 1;
  if (!Number.isInteger(n.value) || n.value < 1) return (r.fail('数量', `数量应为正整数,文件中为 ${n.value}`), 0);
  if (n.value > MAX_UNITS_PER_ROW) return (r.fail('数量', `数量 ${n.value} 超过每行 ${MAX_UNITS_PER_ROW} 件的上限;请核对,或拆成多行`), 0);
  return n.value;
}

/** The tags of a row's units: the tag itself for one, TAG-1 … TAG-n for n, so a re-import finds the same units. */
export const unitTags = (tag: string, units: number) => (units === 1 ? [tag] : Array.from({ length: units }, (_, i) => `${tag}-${i + 1}`));

function statusOf(r: RowReader, layout: AssetLayout): ImportStatus | null {
  const s = r.text('状态', !layout.defaultStatus, 50);
  if (s === null) return layout.defaultStatus ?? null;
  const key = statusKey(s);
  const status = (layout.statusWords ?? STATUS_WORDS).get(key) ?? layout.status?.(key) ?? null;
  if (status === null) {
    r.fail('状态', layout.status
      ? `状态「${truncate(s)}」尚未对应,请在导入向导中指定它的含义(${Object.values(IMPORT_STATUS_LABELS).join('/')})`
      : `「${truncate(s)}」不是有效取值(应为 ${Object.values(STATUS_LABELS).join('/')})`);
  }
  return status;
}

export function readAssets(sheet: Sheet, layout: AssetLayout, ctx: Pick<TemplateContext, 'today' | 'itemCodes'>, date1904: boolean, problems: ProblemList): AssetRead {
  const out: AssetInput[] = [];
  const rejected: RejectedRow[] = [];
  const skipped: SkippedRow[] = [];
  const seen = new Map<string, number>();
  let unitCount = 0;
  const { cols } = layout;
  const itemHeader = cols.has('装备代码') ? '装备代码' : ITEM_NAME_HEADER;
  const agencyRequired = !layout.defaultAgency;
  for (const r of dataRows(sheet, layout.dataStart, cols, problems, { skipped, blankWords: layout.blankWords })) {
    const tag = r.text('资产编号', true, 64);
    const assetTag = tag === null ? null : normalizeText(tag);
    const itemCode = resolved(r, itemHeader, (s) => (ctx.itemCodes.has(s.toUpperCase()) ? s.toUpperCase() : layout.item?.(s) ?? null), true, (s) =>
      layout.item ? `装备名称「${truncate(s)}」尚未对应装备代码,请在导入向导中指定` : `未知装备代码「${truncate(s)}」(应为 S01–S28 或 O01–O28)`);
    const model = r.text('规格型号');
    const agencyCode = resolved(r, '所属机构编码', (s) => (layout.agency ? layout.agency(s) : s.toUpperCase()), agencyRequired, (s) => `机构「${truncate(s)}」在台账中不存在`) ?? layout.defaultAgency ?? null;
    const units = unitsOf(r);
    const purchaseDate = r.take('购置日期', parseDate(r.cell('购置日期'), date1904), false);
    const price = r.take('购置金额(元)', parseYuanToFen(r.cell('购置金额(元)')), false);
    const status = statusOf(r, layout);
    const custodian = r.text('责任人');
    const plateNumber = r.text('车牌号', false, 20);
    const odometer = r.take('行驶里程(公里)', parseNumber(r.cell('行驶里程(公里)')), false);
    const calibrationValidUntil = r.take('检定有效期至', parseDate(r.cell('检定有效期至'), date1904), false);
    const notes = r.text('备注', false, MAX_NOTES);
    const over = assetTag !== null && unitCount + units > MAX_IMPORT_UNITS;
    if (over) r.fail('数量', `本文件的装备合计超过 ${MAX_IMPORT_UNITS.toLocaleString('en-US')} 件,此行起不再导入;请拆分后导入`);
    const tags = assetTag === null || units === 0 || over ? [] : unitTags(assetTag, units);
    unitCount += tags.length;
    const repeated = tags.find((t) => seen.has(t));
    if (repeated !== undefined) r.fail('资产编号', `资产编号「${repeated}」与第 ${seen.get(repeated)! + 1} 行重复`);
    else for (const t of tags) seen.set(t, r.row);
    if (purchaseDate !== null && purchaseDate > ctx.today) r.fail('购置日期', `购置日期 ${purchaseDate} 晚于今天`);
    if (odometer !== null && (odometer < 0 || odometer > 5_000_000)) r.fail('行驶里程(公里)', `行驶里程 ${odometer} 不在 0 至 5,000,000 公里之间`);
    if (r.bad) {
      rejected.push({ row: r.row, reasons: r.reasons });
      continue;
    }
    const perUnit = price === null ? null : Math.round((price * (layout.priceScale ?? 1)) / (layout.priceIsTotal ? units : 1));
    const held: AssetStatus = status === 'to_scrap' || status === 'lost' ? 'in_service' : status!;
    const disposalReason = status === 'to_scrap' ? TO_SCRAP_REASON : status === 'lost' ? LOST_REASON : null;
    for (const t of tags) {
      out.push({
        row: r.row, assetTag: t, itemCode: itemCode!, model, agencyCode: agencyCode!, purchaseDate, priceFen: perUnit, status: held,
        custodian, plateNumber: plateNumber === null ? null : normalizeText(plateNumber).toUpperCase(),
        odometerKm: odometer === null ? null : Math.round(odometer), calibrationValidUntil, notes,
        ...(disposalReason ? { disposalReason } : {}), ...(status === 'lost' ? { lost: true } : {}),
      });
    }
  }
  return { assets: out, rejected, skipped };
}

/** A code read from a cell through `resolve`; reports `unknown` at the cell when it gives none. */
function resolved(r: RowReader, header: string, resolve: (s: string) => string | null, required: boolean, unknown: (s: string) => string): string | null {
  const s = r.text(header, required, 200);
  if (s === null) return null;
  const code = resolve(normalizeText(s));
  if (code === null) r.fail(header, unknown(s));
  return code;
}

/** Checks parents and owners against the file and the ledger: they exist, form no cycle, and rank above. */
function checkAgencyReferences(
  agencies: AgencyInput[],
  namedCodes: ReadonlySet<string>,
  assets: AssetInput[],
  ctx: TemplateContext,
  problems: ProblemList,
): void {
  const merged = new Map<string, ExistingAgency>(ctx.existingAgencies);
  for (const a of agencies) merged.set(a.code, { level: a.level, parentCode: a.parentCode });
  const fileRow = new Map(agencies.map((a) => [a.code, a.row]));

  for (const a of agencies) {
    if (a.parentCode === null) continue;
    const parent = merged.get(a.parentCode);
    if (!parent) {
      if (namedCodes.has(a.parentCode)) continue;
      problems.at(AGENCY_SHEET, a.row, AGENCY_HEADERS.indexOf('上级机构编码'), '上级机构编码', `上级机构「${a.parentCode}」在文件和台账中都不存在`);
      continue;
    }
    const trail = [a.code];
    for (let p: string | null = a.parentCode; p !== null; p = merged.get(p)?.parentCode ?? null) {
      if (p === a.code) {
        problems.at(AGENCY_SHEET, a.row, AGENCY_HEADERS.indexOf('上级机构编码'), '上级机构编码', `上级关系形成循环:${[...trail, p].join(' → ')}`);
        break;
      }
      if (trail.length > merged.size) break;
      trail.push(p);
    }
    if (LEVEL_RANK[parent.level] >= LEVEL_RANK[a.level]) {
      problems.at(AGENCY_SHEET, a.row, AGENCY_HEADERS.indexOf('上级机构编码'), '上级机构编码',
        `上级机构「${a.parentCode}」为${LEVEL_LABELS[parent.level]},应高于本机构的${LEVEL_LABELS[a.level]}`);
    }
  }
  // A ledger agency under a re-imported parent whose level no longer ranks above it.
  for (const [code, e] of ctx.existingAgencies) {
    if (fileRow.has(code) || e.parentCode === null || !fileRow.has(e.parentCode)) continue;
    const parent = merged.get(e.parentCode)!;
    if (LEVEL_RANK[parent.level] >= LEVEL_RANK[e.level]) {
      problems.at(AGENCY_SHEET, fileRow.get(e.parentCode)!, AGENCY_HEADERS.indexOf('层级'), '层级',
        `台账中的下级机构「${code}」为${LEVEL_LABELS[e.level]},本机构层级须高于它`);
    }
  }
  const ownerCol = ASSET_HEADERS.indexOf('所属机构编码');
  for (const a of assets) {
    if (!merged.has(a.agencyCode) && !namedCodes.has(a.agencyCode)) problems.at(ASSET_SHEET, a.row, ownerCol, '所属机构编码', `机构「${truncate(a.agencyCode)}」在文件和台账中都不存在`);
  }
}

/**
 * Reads the canonical template (sheets 机构 and 装备, either may be absent but not both) and
 * validates it completely against the ledger's agencies and catalog. Every problem is reported.
 */
export async function parseTemplate(buf: Uint8Array, ctx: TemplateContext): Promise<TemplateResult> {
  const read = await readWorkbook(buf, ctx.file);
  return read.ok ? checkTemplate(read.workbook, ctx) : read;
}

/** The template's rows from a workbook already read, validated as `parseTemplate` does. */
export function checkTemplate(workbook: Workbook, ctx: TemplateContext): TemplateResult {
  const problems = new ProblemList(ctx.file);
  const agencySheet = workbook.sheets.find((s) => s.name.trim() === AGENCY_SHEET);
  const assetSheet = workbook.sheets.find((s) => s.name.trim() === ASSET_SHEET);
  if (!agencySheet && !assetSheet) {
    problems.add({ message: `找不到工作表「${AGENCY_SHEET}」或「${ASSET_SHEET}」;文件中的工作表为:${workbook.sheets.map((s) => s.name).join('、')}` });
    return { ok: false, problems: problems.all() };
  }
  const { agencies, codes } = agencySheet ? readAgencies(agencySheet, problems) : { agencies: [], codes: new Set<string>() };
  let assets: AssetInput[] = [];
  if (assetSheet) {
    const located = locateHeaders(assetSheet, ASSET_HEADERS, problems);
    if (located) assets = readAssets(assetSheet, { dataStart: located.headerRow + 1, cols: located.cols }, ctx, workbook.date1904, problems).assets;
  }
  checkAgencyReferences(agencies, codes, assets, ctx, problems);
  if (!problems.empty) return { ok: false, problems: problems.all() };
  if (agencies.length === 0 && assets.length === 0) {
    return { ok: false, problems: [{ file: ctx.file, message: '文件中没有数据行' }] };
  }
  return { ok: true, agencies, assets };
}
