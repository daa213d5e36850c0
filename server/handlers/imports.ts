import { randomUUID } from 'node:crypto';
import type { ImportAnalysis, ImportFileInfo, ImportPreview, LedgerImportOutcome, NameChoice, PreviewRow, StatusChoice } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { internalProblem } from '../internal-error';
import { UserError, type Problem } from '../../lib/problems';
import { cellText, isBlankWord, normalizeText, truncate } from '../../excel/cells';
import { ITEM_NAME_HEADER, LEDGER_FIELDS, type ImportStatus, type LedgerField } from '../../excel/fields';
import {
  distinctValues, guessHeader, nameClasses, layoutOf, mapColumns, makeAgencyMatcher, maskSecrets, resolveColumns, SECRET_MASK, type LedgerMapping,
} from '../../excel/ledger';
import { confident, makeItemMatcher } from '../../excel/item-matcher';
import { ProblemList } from '../../excel/problems';
import {
  AGENCY_SHEET, ASSET_SHEET, checkTemplate, IMPORT_STATUS_WORDS, LEVEL_LABELS, readAssets, statusKey, type RejectedRow, type SkippedRow,
} from '../../excel/template';
import type { AgencyInput } from '../../lib/domain/agencies';
import type { AssetInput } from '../../lib/domain/assets';
import { ENCODING_LABELS, baseName } from '../../excel/formats';
import type { TextChoice } from '../../excel/sheets';
import { readWorkbook, type Sheet, type Workbook } from '../../excel/workbook';
import { rejectedRowsWorkbook } from '../../excel/exports/import-errors';
import type { Store, Tx } from '../../db/store';
import { existingAgencies, listAgencies } from '../../db/queries/agencies';
import { heldTags, holdersOfTags } from '../../db/queries/assets';
import type { Actor } from '../../db/queries/audit';
import {
  applyTemplateImport, closeImportFile, importFile, importFileBytes, importNames, keepImportFile, KEEP_OPEN, WHOLE_LEDGER, type ImportSummary,
} from '../../db/queries/imports';
import { loadCatalog } from '../../db/queries/reference';
import type { importOps } from '../../api/imports';
import type { Context } from '../context';
import type { HandlersFor } from './handler';
import { scopeCodes, scopeRoot } from '../scope';

export interface ImportOptions {
  file: string;
  who: Actor;
  today: IsoDate;
  /** The agencies the importing user may change; null or absent: the whole ledger. */
  scope?: Set<string> | null;
  /** The agency at the top of that scope, under which the names the user maps are remembered; null or absent: the whole ledger. */
  root?: string | null;
}

/** Who is reading a file in the wizard: the agencies they may change and its root (both null: the whole ledger). */
interface ImportScope {
  scope: Set<string> | null;
  root: string | null;
}

/**
 * Rows that reach outside the user's agencies: an agency not in scope (a new one must sit under one
 * that is, never at the top), a change of an existing agency's level or place in the tree (as on
 * 机构, those stay), an asset of an agency out of scope, or an existing asset tag held by one.
 */
async function outsideScope(tx: Tx, file: string, scope: Set<string>, agencies: AgencyInput[], assets: AssetInput[]): Promise<Problem[]> {
  const existing = await existingAgencies(tx);
  const allowed = new Set(scope);
  for (let grew = true; grew; ) {
    grew = false;
    for (const a of agencies) {
      if (!existing.has(a.code) && !allowed.has(a.code) && a.parentCode && allowed.has(a.parentCode)) (allowed.add(a.code), (grew = true));
    }
  }
  const message = (code: string) => `机构「${code}」不在您的管辖范围内`;
  const problems: Problem[] = [];
  for (const a of agencies) {
    const at = { file, sheet: AGENCY_SHEET, row: a.row + 1 };
    const before = existing.get(a.code);
    if (!allowed.has(a.code)) {
      const why = before ? message(a.code) : a.parentCode === null ? `新增机构「${a.code}」须隶属本单位或其下级机构,不能作为顶级机构` : `新增机构「${a.code}」的上级机构「${a.parentCode}」不在您的管辖范围内`;
      problems.push({ ...at, column: before || a.parentCode === null ? 'A' : 'D', field: before || a.parentCode === null ? '机构编码' : '上级机构编码', message: why });
      continue;
    }
    if (!before) continue;
    if (before.level !== a.level) {
      problems.push({ ...at, column: 'C', field: '层级', message: `不能修改机构「${a.code}」的层级(现为${LEVEL_LABELS[before.level]});如需调整请联系管辖全部机构的管理员` });
    }
    if (before.parentCode !== a.parentCode) {
      problems.push({ ...at, column: 'D', field: '上级机构编码', message: `不能修改机构「${a.code}」的上级机构(现为「${before.parentCode ?? '无'}」);如需调整请联系管辖全部机构的管理员` });
    }
  }
  const holders = await holdersOfTags(tx, assets.map((a) => a.assetTag));
  for (const a of assets) {
    const held = holders.get(a.assetTag);
    if (!allowed.has(a.agencyCode)) problems.push({ file, sheet: ASSET_SHEET, row: a.row + 1, field: '所属机构编码', message: message(a.agencyCode) });
    else if (held !== undefined && !allowed.has(held)) problems.push({ file, sheet: ASSET_SHEET, row: a.row + 1, field: '资产编号', message: `资产编号「${a.assetTag}」属于${message(held).slice(0, -1)}` });
  }
  return problems;
}

/** Imports the canonical template: every row is stored, or none and every problem is reported. */
export async function importTemplate(store: Store, buf: Uint8Array, opts: ImportOptions & { text?: TextChoice }): Promise<ImportSummary> {
  const read = await readWorkbook(buf, opts.file, opts.text);
  if (!read.ok) throw new UserError(read.problems);
  return importTemplateWorkbook(store, read.workbook, opts);
}

/**
 * The template import of a workbook already read (the parse happens in a worker, see readWorkbook), as one write:
 * the rows are checked against the ledger (its items, its agencies' tree, the tags other agencies hold) inside
 * the transaction that stores them, so what another user stored meanwhile is seen.
 */
export async function importTemplateWorkbook(store: Store, workbook: Workbook, opts: ImportOptions): Promise<ImportSummary> {
  trustedText(opts.file, workbook);
  // The template's sheets are read only where the user sees them: a hidden 机构 or 装备 would be imported unseen.
  const hidden = workbook.sheets.filter((sh) => sh.hidden && [AGENCY_SHEET, ASSET_SHEET].includes(sh.name.trim()));
  if (hidden.length) {
    throw new UserError(hidden.map((sh) => ({
      file: opts.file, sheet: sh.name,
      message: `工作表「${sh.name}」是隐藏的工作表,隐藏的工作表不导入;请在 Excel 或 WPS 中取消隐藏(右键工作表标签 → 取消隐藏)后再导入,或删除该工作表`,
    })));
  }
  const batch = randomUUID();
  try {
    return await store.write(async (tx) => {
      const parsed = checkTemplate(workbook, {
        file: opts.file,
        today: opts.today,
        itemCodes: new Set((await loadCatalog(tx)).map((i) => i.code)),
        existingAgencies: await existingAgencies(tx),
      });
      if (!parsed.ok) throw new UserError(parsed.problems);
      if (opts.scope) {
        const problems = await outsideScope(tx, opts.file, opts.scope, parsed.agencies, parsed.assets);
        if (problems.length) throw new UserError(problems.slice(0, 1000));
      }
      return applyTemplateImport(tx, opts.who, batch, opts.file, parsed.agencies, parsed.assets);
    });
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (String((e as { code?: unknown }).code ?? '').startsWith('SQLITE_')) throw e; // disk full, read-only: the dispatcher explains
    throw new UserError([{ file: opts.file, ...internalProblem('imports/commit', e, '写入数据库失败,未导入任何数据') }]);
  }
}

interface OpenFile {
  file: string;
  workbook: Workbook;
}

/**
 * Workbooks parsed from the files opened in the import wizard, by ledger store, user and token. Only a cache:
 * the files themselves are in the database (import_files), so any server process serves the wizard's next step,
 * parsing the file again where it has not parsed it. A parsed 100,000-row workbook is large, so only a few a user,
 * and one user's files never push out another's.
 */
const parsed = new WeakMap<Store, Map<number | null, Map<string, OpenFile>>>();

function cached(store: Store, owner: number | null): Map<string, OpenFile> {
  let users = parsed.get(store);
  if (!users) parsed.set(store, (users = new Map()));
  let mine = users.get(owner);
  if (!mine) users.set(owner, (mine = new Map()));
  return mine;
}

function keepParsed(store: Store, owner: number | null, token: string, f: OpenFile): void {
  const mine = cached(store, owner);
  mine.delete(token);
  mine.set(token, f);
  while (mine.size > KEEP_OPEN) mine.delete(mine.keys().next().value!);
}

function forgetParsed(store: Store, owner: number | null, token: string): void {
  const users = parsed.get(store);
  const mine = users?.get(owner);
  mine?.delete(token);
  if (mine?.size === 0) users!.delete(owner);
}

/**
 * Opens a file in the wizard: parsed (in the worker) to describe its sheets, and kept in the database for the
 * steps that follow. `now`: milliseconds, from the ledger's clock.
 */
export async function openLedgerFile(store: Store, now: number, owner: number | null, file: string, buf: Uint8Array, text: TextChoice = {}): Promise<ImportFileInfo> {
  const read = await readWorkbook(buf, file, text);
  if (!read.ok) throw new UserError(read.problems);
  const token = randomUUID();
  await store.write((tx) => keepImportFile(tx, owner, token, { fileName: file, encoding: text.encoding ?? null, delimiter: text.delimiter ?? null, bytes: buf }, now));
  keepParsed(store, owner, token, { file, workbook: read.workbook });
  const { sheets, format, text: reading } = read.workbook;
  return {
    token,
    fileName: file,
    format,
    ...(reading ? { text: reading } : {}),
    sheets: sheets.map((sh) => ({ name: sh.name, rows: sh.rows.length, hidden: sh.hidden, head: maskSecrets(sh.rows.slice(0, 8).map((r) => (r ?? []).slice(0, 16).map((c) => (cellText(c) === null ? null : truncate(cellText(c)!, 30))))) })),
    suggestedSheet: suggestedSheet(sheets),
    template: isTemplateWorkbook(read.workbook),
  };
}

/**
 * The sheet whose header names the most ledger fields among those with rows below it: a form with a header and
 * no rows (⑥'s 固定资产增加单), a lookup list and a depreciation block are not a ledger.
 */
function suggestedSheet(sheets: Sheet[]): string | null {
  const scored = sheets.flatMap((sh) => {
    const guess = sh.hidden ? null : guessHeader(sh);
    if (!guess) return [];
    const start = guess.headerRow + guess.headerRows;
    const rows = sh.rows.slice(start, start + 50).filter((r) => r?.some((c) => cellText(c) !== null)).length;
    return rows ? [{ name: sh.name, fields: Object.keys(guess.fields).length }] : [];
  });
  return scored.sort((a, b) => b.fields - a.fields)[0]?.name ?? null;
}

/** The canonical template: a sheet named 机构 or 装备 whose first row is the template's header. */
export function isTemplateWorkbook(workbook: Workbook): boolean {
  return workbook.sheets.some((sh) => {
    const first = new Set((sh.rows.find((r) => r?.some((c) => cellText(c) !== null)) ?? []).map((c) => cellText(c)));
    return (sh.name.trim() === AGENCY_SHEET && first.has('机构编码')) || (sh.name.trim() === ASSET_SHEET && first.has('装备代码') && first.has('所属机构编码'));
  });
}

const closed = () => new UserError([{ message: '文件已关闭(已经导入,或此后又打开了其他文件);请重新选择文件' }]);

/**
 * A file the user opened, parsed: from this process's cache, else read again from the database (in the worker).
 * Another user's token is refused as if it were closed.
 */
async function openedFile(store: Store, owner: number | null, token: string): Promise<OpenFile> {
  const row = await importFile(store, owner, token);
  if (!row) {
    forgetParsed(store, owner, token);
    throw closed();
  }
  const hit = cached(store, owner).get(token);
  if (hit) return hit;
  const bytes = await importFileBytes(store, owner, token);
  if (!bytes) throw closed();
  const text: TextChoice = { encoding: (row.encoding ?? undefined) as TextChoice['encoding'], delimiter: (row.delimiter ?? undefined) as TextChoice['delimiter'] };
  const read = await readWorkbook(bytes, row.fileName, text);
  if (!read.ok) throw new UserError(read.problems);
  const f = { file: row.fileName, workbook: read.workbook };
  keepParsed(store, owner, token, f);
  return f;
}

/**
 * A text file whose encoding was only guessed is not imported until the user confirms one: its
 * names could be mojibake that looks like text.
 */
function trustedText(file: string, workbook: Workbook): void {
  if (!workbook.text || workbook.text.certain) return;
  throw new UserError([{
    file,
    message: `编码无法确定:文件已按「${ENCODING_LABELS[workbook.text.encoding]}」读取,文字可能是乱码;请确认文件的编码(在导入向导第一步选择,命令行用 --encoding)后再导入`,
  }]);
}

/** The sheet the mapping names, else the one the wizard would suggest, else the first visible one with a header (a hidden sheet is read only when named). */
function sheetOf(file: string, workbook: Workbook, mapping: LedgerMapping): Sheet {
  const name = mapping.sheet;
  const { sheets } = workbook;
  const at = mapping.headerRow ? { headerRow: mapping.headerRow - 1, headerRows: mapping.headerRows ?? 1 } : undefined;
  const suggested = name === undefined && !at ? suggestedSheet(sheets) : null;
  const sheet = name !== undefined ? sheets.find((sh) => sh.name === name) : sheets.find((sh) => sh.name === suggested) ?? sheets.find((sh) => !sh.hidden && guessHeader(sh, at));
  if (!sheet) {
    throw new UserError([{ file, message: name === undefined ? '文件中没有哪张工作表带有可识别的台账表头' : `找不到工作表「${name}」;文件中的工作表为:${sheets.map((s) => s.name).join('、')}` }]);
  }
  return sheet;
}

/**
 * The automatic side of name mapping: what users of the same scope (or of the whole ledger) chose in
 * earlier imports, else a sure match; a remembered agency outside the caller's scope is not offered.
 */
/**
 * More distinct item names than a ledger has: a province's 50,000 units are written a few hundred ways.
 * Matching each costs up to milliseconds, so a column of a hundred thousand different texts is refused
 * (it is rarely the item names) rather than blocking every user for minutes.
 */
export const MAX_ITEM_NAMES = 5000;

async function matchers(tx: Tx, who: ImportScope, classes: ReadonlyMap<string, string>) {
  const catalog = await loadCatalog(tx);
  const agencies = await listAgencies(tx);
  const match = makeItemMatcher(catalog);
  // Each distinct name is matched once per request, however often the analysis, the rows and the check ask.
  const seen = new Map<string, ReturnType<typeof match>>();
  const itemCandidates = (name: string) => {
    let c = seen.get(name);
    if (!c) seen.set(name, (c = match(name, classes.get(name))));
    return c;
  };
  const agencyMatch = makeAgencyMatcher(agencies);
  const rememberedItems = await importNames(tx, 'item', who.root ?? WHOLE_LEDGER);
  const rememberedAgencies = await importNames(tx, 'agency', who.root ?? WHOLE_LEDGER);
  const rememberedStatuses = (await importNames(tx, 'status', who.root ?? WHOLE_LEDGER)) as Map<string, ImportStatus>;
  if (who.scope) for (const [name, code] of rememberedAgencies) if (!who.scope.has(code)) rememberedAgencies.delete(name);
  return {
    itemCodes: new Set(catalog.map((i) => i.code)),
    agencyCodes: new Set(agencies.map((a) => a.code)),
    itemCandidates,
    rememberedItems,
    rememberedAgencies,
    rememberedStatuses,
    agencyMatch,
    auto: {
      item: (name: string) => rememberedItems.get(name) ?? confident(itemCandidates(name)),
      agency: (text: string) => rememberedAgencies.get(text) ?? agencyMatch(text),
      status: (word: string) => rememberedStatuses.get(word) ?? null,
    },
  };
}

function namesWithinLimit(file: string, sheet: Sheet, col: number | undefined, dataStart: number, columns: { index: number; letter: string; label: string }[]): void {
  const n = distinctValues(sheet, col, dataStart).length;
  if (n <= MAX_ITEM_NAMES) return;
  const c = columns.find((x) => x.index === col);
  throw new UserError([{
    file, sheet: sheet.name, column: c?.letter, field: '装备名称',
    message: `「${truncate(c?.label ?? '')}」列有 ${n.toLocaleString('en-US')} 种不同写法,超过 ${MAX_ITEM_NAMES.toLocaleString('en-US')} 种,不像装备名称列;请在「表头与列」中重新指定装备名称列,或拆分文件后导入`,
  }]);
}

function resolve(file: string, sheet: Sheet, mapping: LedgerMapping) {
  const r = resolveColumns(sheet, mapping);
  if (!r.ok) throw new UserError([{ file, sheet: sheet.name, message: r.message }]);
  return r;
}

/** What the mapping names for a wording: own keys only (a cell reading `constructor` is no mapping). */
const given = (names: Record<string, string> | undefined, text: string) => (names && Object.hasOwn(names, text) ? names[text] : undefined);

export async function analyseLedger(
  store: Store, owner: number | null, token: string, mapping: LedgerMapping, scope: Set<string> | null = null, root: string | null = null,
): Promise<ImportAnalysis> {
  const { file, workbook } = await openedFile(store, owner, token);
  const sheet = sheetOf(file, workbook, mapping);
  const mapped = mapColumns(sheet, mapping);
  if (!mapped.ok) throw new UserError([{ file, sheet: sheet.name, message: mapped.message }]);
  const { guess, fields } = mapped;
  const dataStart = guess.headerRow + guess.headerRows;
  const itemCol = fields['装备代码'] ?? fields[ITEM_NAME_HEADER];
  namesWithinLimit(file, sheet, itemCol, dataStart, guess.columns);
  const m = await store.read((tx) => matchers(tx, { scope, root }, nameClasses(sheet, itemCol, fields['资产分类'], dataStart)));
  const choice = (text: string, count: number, given: string | undefined, remembered: string | undefined, auto: string | null, candidates: NameChoice['candidates']): NameChoice => ({
    text, count, candidates,
    code: given ?? remembered ?? auto,
    source: given ? 'mapping' : remembered ? 'remembered' : auto ? 'auto' : candidates.length ? 'likeness' : null,
  });
  const items = distinctValues(sheet, itemCol, dataStart)
    .filter((v) => !m.itemCodes.has(v.text.toUpperCase()))
    .map((v) => {
      const all = m.itemCandidates(v.text);
      const candidates = all.map(({ exact: _exact, ...c }) => c);
      return choice(v.text, v.count, given(mapping.items, v.text), m.rememberedItems.get(v.text), confident(all), candidates);
    });
  const agencies = distinctValues(sheet, fields['所属机构编码'], dataStart).map((v) => choice(v.text, v.count, given(mapping.agencies, v.text), m.rememberedAgencies.get(v.text), m.agencyMatch(v.text), []));
  const statuses = statusWords(sheet, fields['状态'], dataStart).map(({ text, count }): StatusChoice => {
    const mapped = given(mapping.statuses, text) as ImportStatus | undefined;
    const remembered = m.rememberedStatuses.get(text);
    return { text, count, status: mapped ?? remembered ?? null, source: mapped ? 'mapping' : remembered ? 'remembered' : null };
  });
  const letters: ImportAnalysis['fields'] = {};
  for (const f of LEDGER_FIELDS) if (fields[f] !== undefined) letters[f] = guess.columns.find((c) => c.index === fields[f])?.letter;
  return {
    sheet: sheet.name, headerRow: guess.headerRow + 1, headerRows: guess.headerRows, columns: guess.columns, fields: letters,
    priceUnit: mapping.priceUnit ?? (guess.priceInWan ? 'wan' : 'yuan'), items, agencies, statuses,
  };
}

/** The words of the status column that no built-in word covers, so the user says once what each means. */
function statusWords(sheet: Sheet, col: number | undefined, dataStart: number): { text: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of distinctValues(sheet, col, dataStart)) {
    const key = statusKey(v.text);
    if (!IMPORT_STATUS_WORDS.has(key) && !isBlankWord(key)) counts.set(key, (counts.get(key) ?? 0) + v.count);
  }
  return [...counts].map(([text, count]) => ({ text, count }));
}

interface LedgerRead {
  file: string;
  sheet: Sheet;
  fields: Partial<Record<LedgerField, number>>;
  labels: Map<number, string>;
  /** First data row, 0-based. */
  dataStart: number;
  /** One per unit. */
  assets: AssetInput[];
  rejected: RejectedRow[];
  skipped: SkippedRow[];
  /** Password columns: their values are never echoed. */
  secret: Set<number>;
  problems: ProblemList;
  /** Item names that only resemble catalog items and nobody confirmed: one problem each, and nothing is imported while any is left. */
  unconfirmed: Problem[];
}

/** The file's item names that no mapping, earlier import or exact name settles, but that resemble catalog items. */
function unconfirmedNames(m: Awaited<ReturnType<typeof matchers>>, file: string, sheet: Sheet, resolved: ReturnType<typeof resolve>, mapping: LedgerMapping): Problem[] {
  const col = resolved.fields['装备代码'] ?? resolved.fields[ITEM_NAME_HEADER];
  const given = new Set(Object.keys(mapping.items ?? {}).map(normalizeText));
  const out: Problem[] = [];
  for (const v of distinctValues(sheet, col, resolved.guess.headerRow + resolved.guess.headerRows)) {
    if (m.itemCodes.has(v.text.toUpperCase()) || given.has(v.text) || m.auto.item(v.text)) continue;
    const [closest] = m.itemCandidates(v.text);
    if (!closest) continue;
    out.push({
      file, sheet: sheet.name, field: '装备名称',
      message: `装备名称「${v.text}」(${v.count} 行)只是与「${closest.code} ${closest.name}」相近,尚未确认:请在名称对应中确认或改选后再导入`,
    });
  }
  return out;
}

/** Reads and checks every row of an agency's ledger under a mapping; rows outside the caller's scope are rejected too. */
async function readLedger(tx: Tx, file: string, workbook: Workbook, mapping: LedgerMapping, today: IsoDate, who: ImportScope): Promise<LedgerRead> {
  trustedText(file, workbook);
  const { scope } = who;
  const sheet = sheetOf(file, workbook, mapping);
  const resolved = resolve(file, sheet, mapping);
  const { fields, guess } = resolved;
  namesWithinLimit(file, sheet, fields['装备代码'] ?? fields[ITEM_NAME_HEADER], guess.headerRow + guess.headerRows, guess.columns);
  const m = await matchers(tx, who, nameClasses(sheet, fields['装备代码'] ?? fields[ITEM_NAME_HEADER], fields['资产分类'], guess.headerRow + guess.headerRows));
  if (mapping.defaultAgency && !m.agencyCodes.has(mapping.defaultAgency)) {
    throw new UserError([{ file, field: 'defaultAgency', message: `机构「${mapping.defaultAgency}」在台账中不存在` }]);
  }
  const unknownItems = Object.entries(mapping.items ?? {}).filter(([, code]) => !m.itemCodes.has(code));
  if (unknownItems.length) {
    throw new UserError(unknownItems.slice(0, 100).map(([name, code]) => ({ file, field: `items.${name}`, message: `「${name}」对应的装备代码「${code}」不在装备目录中` })));
  }
  const layout = layoutOf(resolved, mapping, m.auto);
  const problems = new ProblemList(file);
  const read = readAssets(sheet, layout, { today, itemCodes: m.itemCodes }, workbook.date1904, problems);
  const rejected = [...read.rejected];
  const skipped = [...read.skipped];
  // 丢失/盘亏 of a tag the ledger does not hold: nothing to store, and nothing wrong with the row.
  const lost = read.assets.filter((a) => a.lost);
  const held = await heldTags(tx, lost.map((a) => a.assetTag));
  const notHeld = new Set(lost.filter((a) => !held.has(a.assetTag)).map((a) => a.row));
  for (const row of notHeld) skipped.push({ row, reason: '丢失/盘亏的装备不入账' });
  skipped.sort((a, b) => a.row - b.row);
  let assets = read.assets.filter((a) => !(a.lost && !held.has(a.assetTag)));
  if (scope) {
    const outside = await outsideScope(tx, file, scope, [], assets);
    if (outside.length) {
      const rows = new Map<number, Problem[]>();
      for (const p of outside) {
        const same = rows.get(p.row! - 1) ?? [];
        // A row of several units is one row refused, for one reason.
        if (!same.some((q) => q.message === p.message)) rows.set(p.row! - 1, [...same, p]);
      }
      for (const [row, ps] of rows) {
        const col = resolved.fields['所属机构编码'];
        rejected.push({ row, reasons: ps.map((p) => ({ field: p.field, message: p.message })) });
        for (const p of ps) problems.at(sheet.name, row, col, p.field, p.message);
      }
      assets = assets.filter((a) => !rows.has(a.row));
      rejected.sort((a, b) => a.row - b.row);
    }
  }
  const unconfirmed = unconfirmedNames(m, file, sheet, resolved, mapping);
  return {
    file, sheet, fields: resolved.fields, labels: new Map(resolved.guess.columns.map((c) => [c.index, c.label])),
    dataStart: resolved.guess.headerRow + resolved.guess.headerRows, assets, rejected, skipped,
    secret: new Set(resolved.guess.columns.filter((c) => c.secret).map((c) => c.index)), problems, unconfirmed,
  };
}

const PREVIEW_ROWS = 300;

export async function previewLedger(
  store: Store, owner: number | null, token: string, mapping: LedgerMapping, today: IsoDate, scope: Set<string> | null, root: string | null = null,
): Promise<ImportPreview> {
  const { file, workbook } = await openedFile(store, owner, token);
  const { r, update } = await store.read(async (tx) => {
    const r = await readLedger(tx, file, workbook, mapping, today, { scope, root });
    return { r, update: (await heldTags(tx, r.assets.map((a) => a.assetTag))).size };
  });
  const rowOf = (row: number, reasons: RejectedRow['reasons']): PreviewRow => {
    const cells: PreviewRow['cells'] = {};
    for (const [f, c] of Object.entries(r.fields) as [LedgerField, number][]) cells[f] = r.secret.has(c) ? SECRET_MASK : cellText(r.sheet.rows[row]?.[c]);
    const problems: Record<string, string> = {};
    for (const p of reasons) {
      const field = p.field ?? '';
      problems[field] = problems[field] ? `${problems[field]};${p.message}` : p.message;
    }
    return { row: row + 1, cells, problems };
  };
  const rows = r.rejected.slice(0, PREVIEW_ROWS - 50).map((x) => rowOf(x.row, x.reasons));
  const validRows = [...new Set(r.assets.map((a) => a.row))];
  for (const row of validRows.slice(0, PREVIEW_ROWS - rows.length)) rows.push(rowOf(row, []));
  return {
    total: validRows.length + r.rejected.length, valid: validRows.length, rejected: r.rejected.length, units: r.assets.length,
    skipped: r.skipped.map((x) => ({ row: x.row + 1, reason: x.reason })),
    create: r.assets.length - update, update, problems: [...r.unconfirmed, ...r.problems.all()], rows,
  };
}

/**
 * Reads, checks and stores an agency's own ledger under a mapping, inside the caller's write transaction (so the
 * tags and agencies it checks against are those it writes beside).
 */
async function storeLedger(
  tx: Tx, batch: string, file: string, workbook: Workbook, mapping: LedgerMapping, mode: 'all' | 'valid', opts: Omit<ImportOptions, 'file'>,
): Promise<{ summary: ImportSummary; read: LedgerRead }> {
  const r = await readLedger(tx, file, workbook, mapping, opts.today, { scope: opts.scope ?? null, root: opts.root ?? null });
  // A name that only resembles an item is never imported on a guess, in either mode.
  if (r.unconfirmed.length) throw new UserError([...r.unconfirmed, ...(mode === 'all' ? r.problems.all() : [])]);
  if (mode === 'all' && r.rejected.length) throw new UserError(r.problems.all());
  if (r.assets.length === 0) throw new UserError([{ file, sheet: r.sheet.name, message: r.rejected.length ? '没有可导入的有效行' : '文件中没有数据行' }]);
  const used = new Set(r.assets.map((a) => a.agencyCode));
  const items = new Set(r.assets.map((a) => a.itemCode));
  const words = new Set(statusWords(r.sheet, r.fields['状态'], r.dataStart).map((w) => w.text));
  const remember = {
    scope: opts.root ?? WHOLE_LEDGER,
    items: new Map(Object.entries(mapping.items ?? {}).filter(([, code]) => items.has(code))),
    agencies: new Map(Object.entries(mapping.agencies ?? {}).filter(([, code]) => used.has(code))),
    statuses: new Map(Object.entries(mapping.statuses ?? {}).map(([w, st]) => [statusKey(w), st] as const).filter(([w]) => words.has(w))),
  };
  return { summary: await applyTemplateImport(tx, opts.who, batch, file, [], r.assets, remember), read: r };
}

function ledgerOutcome(file: string, workbook: Workbook, { summary, read: r }: Awaited<ReturnType<typeof storeLedger>>): LedgerImportOutcome {
  const { batch: _batch, ...counts } = summary;
  return {
    ...counts,
    rejected: r.rejected.length,
    errors: r.rejected.length ? rejectedRowsWorkbook(r, workbook, `${baseName(file)}-未导入的行`) : null,
  };
}

/**
 * Imports an agency's own ledger under a mapping, as one write. 'all': every row or none; 'valid': the valid rows,
 * with an error workbook of the rest. The mapping's names are remembered for the next file.
 */
export async function importLedger(
  store: Store, file: string, workbook: Workbook, mapping: LedgerMapping, mode: 'all' | 'valid', opts: Omit<ImportOptions, 'file'>,
): Promise<LedgerImportOutcome> {
  const batch = randomUUID();
  return ledgerOutcome(file, workbook, await store.write((tx) => storeLedger(tx, batch, file, workbook, mapping, mode, opts)));
}

/** Imports a file the user opened in the wizard, and closes it, in one write: a file imported meanwhile (elsewhere) is not imported twice. */
export async function importOpenedLedger(
  store: Store, owner: number | null, token: string, mapping: LedgerMapping, mode: 'all' | 'valid', opts: Omit<ImportOptions, 'file'>,
): Promise<LedgerImportOutcome> {
  const { file, workbook } = await openedFile(store, owner, token);
  const batch = randomUUID();
  const out = await store.write(async (tx) => {
    if (!(await importFile(tx, owner, token))) throw closed();
    const stored = await storeLedger(tx, batch, file, workbook, mapping, mode, opts);
    await closeImportFile(tx, owner, token);
    return stored;
  });
  forgetParsed(store, owner, token);
  return ledgerOutcome(file, workbook, out);
}

/** Whose files the wizard holds for a caller: their user id; none for the administrator of a ledger without users (id 0). */
const ownerOf = (ctx: Context): number | null => ctx.user?.id || null;

/** Imports into the caller's scope; the wizard's open files are the caller's own. */
export const importHandlers: HandlersFor<typeof importOps> = {
  'imports/open': (ctx, { fileName, base64, encoding, delimiter }) =>
    openLedgerFile(ctx.store, ctx.now().getTime(), ownerOf(ctx), fileName, Buffer.from(base64, 'base64'), { encoding, delimiter }),
  'imports/analyse': (ctx, { token, mapping }) => analyseLedger(ctx.store, ownerOf(ctx), token, mapping, scopeCodes(ctx), scopeRoot(ctx)),
  'imports/preview': (ctx, { token, mapping }) => previewLedger(ctx.store, ownerOf(ctx), token, mapping, ctx.today(), scopeCodes(ctx), scopeRoot(ctx)),
  'imports/ledger': (ctx, { token, mapping, mode }) =>
    importOpenedLedger(ctx.store, ownerOf(ctx), token, mapping, mode, { who: ctx.who(), today: ctx.today(), scope: scopeCodes(ctx), root: scopeRoot(ctx) }),
  'imports/template': async (ctx, input) => {
    const { batch: _batch, ...outcome } = await importTemplate(ctx.store, Buffer.from(input.base64, 'base64'), {
      file: input.fileName, who: ctx.who(), today: ctx.today(), scope: scopeCodes(ctx), root: scopeRoot(ctx), text: { encoding: input.encoding, delimiter: input.delimiter },
    });
    return outcome;
  },
};
