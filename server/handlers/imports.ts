import { randomUUID } from 'node:crypto';
import type { ImportAnalysis, ImportFileInfo, ImportPreview, LedgerImportOutcome, NameChoice, PreviewRow } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { UserError, type Problem } from '../../lib/problems';
import { cellText, parseDate, truncate } from '../../excel/cells';
import { ITEM_NAME_HEADER, LEDGER_FIELDS, type LedgerField } from '../../excel/fields';
import {
  confident, distinctValues, guessHeader, layoutOf, mapColumns, makeAgencyMatcher, makeItemMatcher, resolveColumns, type LedgerMapping,
} from '../../excel/ledger';
import { ProblemList } from '../../excel/problems';
import { AGENCY_SHEET, ASSET_SHEET, checkTemplate, readAssets, type AgencyInput, type AssetInput, type RejectedRow } from '../../excel/template';
import { readWorkbook, type Sheet, type Workbook } from '../../excel/workbook';
import { workbookBuffer, type OutValue } from '../../excel/write';
import type { Db } from '../../db/open';
import { existingAgencies, listAgencies } from '../../db/queries/agencies';
import type { Actor } from '../../db/queries/audit';
import { applyTemplateImport, importNames, type ImportSummary } from '../../db/queries/imports';
import { loadCatalog } from '../../db/queries/reference';

export interface ImportOptions {
  file: string;
  who: Actor;
  today: IsoDate;
  /** The agencies the importing user may change; null or absent: the whole ledger. */
  scope?: Set<string> | null;
}

/**
 * Rows that reach outside the user's agencies: an agency not in scope (a new one must sit under one
 * that is), an asset of such an agency, or an existing asset tag held by one.
 */
function outsideScope(db: Db, file: string, scope: Set<string>, agencies: AgencyInput[], assets: AssetInput[]): Problem[] {
  const existing = existingAgencies(db);
  const allowed = new Set(scope);
  for (let grew = true; grew; ) {
    grew = false;
    for (const a of agencies) {
      if (!existing.has(a.code) && !allowed.has(a.code) && a.parentCode && allowed.has(a.parentCode)) (allowed.add(a.code), (grew = true));
    }
  }
  const message = (code: string) => `机构「${code}」不在您的管辖范围内`;
  const problems: Problem[] = agencies
    .filter((a) => !allowed.has(a.code))
    .map((a) => ({ file, sheet: AGENCY_SHEET, row: a.row + 1, column: 'A', field: '机构编码', message: message(a.code) }));
  const holders = new Map<string, string>();
  const lookup = db.$client.prepare(`select s.asset_tag, a.code from assets s join agencies a on a.id = s.agency_id where s.asset_tag in (select value from json_each(?))`).raw();
  for (let i = 0; i < assets.length; i += 1000) {
    for (const [tag, code] of lookup.all(JSON.stringify(assets.slice(i, i + 1000).map((a) => a.assetTag))) as [string, string][]) holders.set(tag, code);
  }
  for (const a of assets) {
    const held = holders.get(a.assetTag);
    if (!allowed.has(a.agencyCode)) problems.push({ file, sheet: ASSET_SHEET, row: a.row + 1, field: '所属机构编码', message: message(a.agencyCode) });
    else if (held !== undefined && !allowed.has(held)) problems.push({ file, sheet: ASSET_SHEET, row: a.row + 1, field: '资产编号', message: `资产编号「${a.assetTag}」属于${message(held).slice(0, -1)}` });
  }
  return problems;
}

/** Imports the canonical template: every row is stored, or none and every problem is reported. */
export async function importTemplate(db: Db, buf: Uint8Array, opts: ImportOptions): Promise<ImportSummary> {
  const read = await readWorkbook(buf, opts.file);
  if (!read.ok) throw new UserError(read.problems);
  return importTemplateWorkbook(db, read.workbook, opts);
}

/** The template import of a workbook already read (the parse happens in a worker, see readWorkbook). */
export function importTemplateWorkbook(db: Db, workbook: Workbook, opts: ImportOptions): ImportSummary {
  const parsed = checkTemplate(workbook, {
    file: opts.file,
    today: opts.today,
    itemCodes: new Set(loadCatalog(db).map((i) => i.code)),
    existingAgencies: existingAgencies(db),
  });
  if (!parsed.ok) throw new UserError(parsed.problems);
  if (opts.scope) {
    const problems = outsideScope(db, opts.file, opts.scope, parsed.agencies, parsed.assets);
    if (problems.length) throw new UserError(problems.slice(0, 1000));
  }
  try {
    return applyTemplateImport(db, opts.who, randomUUID(), opts.file, parsed.agencies, parsed.assets);
  } catch (e) {
    if (String((e as { code?: unknown }).code ?? '').startsWith('SQLITE_')) throw e; // disk full, read-only: the dispatcher explains
    throw new UserError([{ file: opts.file, message: `写入数据库失败,未导入任何数据:${(e as Error).message}` }]);
  }
}

/** Files opened in the import wizard, kept while the user maps them; a parsed 100,000-row workbook is large, so only a few. */
const opened = new Map<string, { owner: number | null; file: string; workbook: Workbook }>();
const KEEP_OPEN = 2;

export async function openLedgerFile(owner: number | null, file: string, buf: Uint8Array): Promise<ImportFileInfo> {
  const read = await readWorkbook(buf, file);
  if (!read.ok) throw new UserError(read.problems);
  const token = randomUUID();
  opened.set(token, { owner, file, workbook: read.workbook });
  while (opened.size > KEEP_OPEN) opened.delete(opened.keys().next().value!);
  const { sheets } = read.workbook;
  const scored = sheets.map((sh) => ({ sh, guess: guessHeader(sh) })).filter((x) => x.guess);
  return {
    token,
    fileName: file,
    sheets: sheets.map((sh) => ({ name: sh.name, rows: sh.rows.length, head: sh.rows.slice(0, 8).map((r) => (r ?? []).slice(0, 16).map((c) => (cellText(c) === null ? null : truncate(cellText(c)!, 30)))) })),
    suggestedSheet: scored.sort((a, b) => Object.keys(b.guess!.fields).length - Object.keys(a.guess!.fields).length)[0]?.sh.name ?? null,
    template: isTemplateWorkbook(read.workbook),
  };
}

/** The canonical template: a sheet named 机构 or 装备 whose first row is the template's header. */
export function isTemplateWorkbook(workbook: Workbook): boolean {
  return workbook.sheets.some((sh) => {
    const first = new Set((sh.rows.find((r) => r?.some((c) => cellText(c) !== null)) ?? []).map((c) => cellText(c)));
    return (sh.name.trim() === AGENCY_SHEET && first.has('机构编码')) || (sh.name.trim() === ASSET_SHEET && first.has('装备代码') && first.has('所属机构编码'));
  });
}

function openedFile(owner: number | null, token: string): { file: string; workbook: Workbook } {
  const f = opened.get(token);
  if (!f || f.owner !== owner) throw new UserError([{ message: '文件已关闭(已经导入,或此后又打开了其他文件);请重新选择文件' }]);
  return f;
}

function sheetOf(file: string, workbook: Workbook, mapping: LedgerMapping): Sheet {
  const name = mapping.sheet;
  const sheet = name === undefined ? workbook.sheets.find((sh) => mapColumns(sh, mapping).ok) : workbook.sheets.find((sh) => sh.name === name);
  if (!sheet) {
    throw new UserError([{ file, message: name === undefined ? '文件中没有哪张工作表带有可识别的台账表头' : `找不到工作表「${name}」;文件中的工作表为:${workbook.sheets.map((s) => s.name).join('、')}` }]);
  }
  return sheet;
}

/** The automatic side of name mapping: what users chose in earlier imports, else a sure match. */
function matchers(db: Db) {
  const catalog = loadCatalog(db);
  const agencies = listAgencies(db);
  const itemCandidates = makeItemMatcher(catalog);
  const agencyMatch = makeAgencyMatcher(agencies);
  const rememberedItems = importNames(db, 'item');
  const rememberedAgencies = importNames(db, 'agency');
  return {
    itemCodes: new Set(catalog.map((i) => i.code)),
    agencyCodes: new Set(agencies.map((a) => a.code)),
    itemCandidates,
    rememberedItems,
    rememberedAgencies,
    agencyMatch,
    auto: {
      item: (name: string) => rememberedItems.get(name) ?? confident(itemCandidates(name)),
      agency: (text: string) => rememberedAgencies.get(text) ?? agencyMatch(text),
    },
  };
}

function resolve(file: string, sheet: Sheet, mapping: LedgerMapping) {
  const r = resolveColumns(sheet, mapping);
  if (!r.ok) throw new UserError([{ file, sheet: sheet.name, message: r.message }]);
  return r;
}

export function analyseLedger(db: Db, owner: number | null, token: string, mapping: LedgerMapping): ImportAnalysis {
  const { file, workbook } = openedFile(owner, token);
  const sheet = sheetOf(file, workbook, mapping);
  const mapped = mapColumns(sheet, mapping);
  if (!mapped.ok) throw new UserError([{ file, sheet: sheet.name, message: mapped.message }]);
  const { guess, fields } = mapped;
  const m = matchers(db);
  const dataStart = guess.headerRow + guess.headerRows;
  const itemCol = fields['装备代码'] ?? fields[ITEM_NAME_HEADER];
  const choice = (text: string, count: number, given: string | undefined, remembered: string | undefined, auto: string | null, candidates: NameChoice['candidates']): NameChoice => ({
    text, count, candidates,
    code: given ?? remembered ?? auto,
    source: given ? 'mapping' : remembered ? 'remembered' : auto ? 'auto' : null,
  });
  const items = distinctValues(sheet, itemCol, dataStart)
    .filter((v) => !m.itemCodes.has(v.text.toUpperCase()))
    .map((v) => {
      const candidates = m.itemCandidates(v.text);
      return choice(v.text, v.count, mapping.items?.[v.text], m.rememberedItems.get(v.text), confident(candidates), candidates);
    });
  const agencies = distinctValues(sheet, fields['所属机构编码'], dataStart).map((v) => choice(v.text, v.count, mapping.agencies?.[v.text], m.rememberedAgencies.get(v.text), m.agencyMatch(v.text), []));
  const letters: ImportAnalysis['fields'] = {};
  for (const f of LEDGER_FIELDS) if (fields[f] !== undefined) letters[f] = guess.columns.find((c) => c.index === fields[f])?.letter;
  return {
    sheet: sheet.name, headerRow: guess.headerRow + 1, headerRows: guess.headerRows, columns: guess.columns, fields: letters,
    priceUnit: mapping.priceUnit ?? (guess.priceInWan ? 'wan' : 'yuan'), items, agencies,
  };
}

interface LedgerRead {
  file: string;
  sheet: Sheet;
  fields: Partial<Record<LedgerField, number>>;
  labels: Map<number, string>;
  assets: AssetInput[];
  rejected: RejectedRow[];
  problems: ProblemList;
}

/** Reads and checks every row of an agency's ledger under a mapping; rows outside the caller's scope are rejected too. */
function readLedger(db: Db, file: string, workbook: Workbook, mapping: LedgerMapping, today: IsoDate, scope: Set<string> | null): LedgerRead {
  const sheet = sheetOf(file, workbook, mapping);
  const resolved = resolve(file, sheet, mapping);
  const m = matchers(db);
  if (mapping.defaultAgency && !m.agencyCodes.has(mapping.defaultAgency)) {
    throw new UserError([{ file, field: 'defaultAgency', message: `机构「${mapping.defaultAgency}」在台账中不存在` }]);
  }
  const layout = layoutOf(resolved, mapping, m.auto);
  const problems = new ProblemList(file);
  const read = readAssets(sheet, layout, { today, itemCodes: m.itemCodes }, workbook.date1904, problems);
  let { assets } = read;
  const rejected = [...read.rejected];
  if (scope) {
    const outside = outsideScope(db, file, scope, [], assets);
    if (outside.length) {
      const rows = new Map<number, Problem[]>();
      for (const p of outside) rows.set(p.row! - 1, [...(rows.get(p.row! - 1) ?? []), p]);
      for (const [row, ps] of rows) {
        const col = resolved.fields['所属机构编码'];
        rejected.push({ row, reasons: ps.map((p) => ({ field: p.field, message: p.message })) });
        for (const p of ps) problems.at(sheet.name, row, col, p.field, p.message);
      }
      assets = assets.filter((a) => !rows.has(a.row));
      rejected.sort((a, b) => a.row - b.row);
    }
  }
  return { file, sheet, fields: resolved.fields, labels: new Map(resolved.guess.columns.map((c) => [c.index, c.label])), assets, rejected, problems };
}

const PREVIEW_ROWS = 300;

export function previewLedger(db: Db, owner: number | null, token: string, mapping: LedgerMapping, today: IsoDate, scope: Set<string> | null): ImportPreview {
  const { file, workbook } = openedFile(owner, token);
  const r = readLedger(db, file, workbook, mapping, today, scope);
  const lookup = db.$client.prepare(`select count(*) from assets where asset_tag in (select value from json_each(?))`).pluck();
  let update = 0;
  for (let i = 0; i < r.assets.length; i += 1000) update += lookup.get(JSON.stringify(r.assets.slice(i, i + 1000).map((a) => a.assetTag))) as number;
  const rowOf = (row: number, reasons: RejectedRow['reasons']): PreviewRow => {
    const cells: PreviewRow['cells'] = {};
    for (const [f, c] of Object.entries(r.fields) as [LedgerField, number][]) cells[f] = cellText(r.sheet.rows[row]?.[c]);
    const problems: Record<string, string> = {};
    for (const p of reasons) {
      const field = p.field ?? '';
      problems[field] = problems[field] ? `${problems[field]};${p.message}` : p.message;
    }
    return { row: row + 1, cells, problems };
  };
  const rows = r.rejected.slice(0, PREVIEW_ROWS - 50).map((x) => rowOf(x.row, x.reasons));
  for (const a of r.assets.slice(0, PREVIEW_ROWS - rows.length)) rows.push(rowOf(a.row, []));
  return {
    total: r.assets.length + r.rejected.length, valid: r.assets.length, rejected: r.rejected.length,
    create: r.assets.length - update, update, problems: r.problems.all(), rows,
  };
}

/** The rejected rows as the file had them, with a last column saying why, so they can be fixed and imported again. */
function errorWorkbook(r: LedgerRead, date1904: boolean): Buffer {
  const width = Math.max(0, ...r.labels.keys()) + 1;
  const dateCols = new Set([r.fields['购置日期'], r.fields['检定有效期至']].filter((c) => c !== undefined));
  const header: OutValue[] = [...Array.from({ length: width }, (_, c) => r.labels.get(c) ?? ''), '原行号', '未导入原因'];
  const rows: OutValue[][] = [header];
  for (const x of r.rejected) {
    const cells = r.sheet.rows[x.row] ?? [];
    const line: OutValue[] = Array.from({ length: width }, (_, c) => {
      const cell = cells[c];
      if (!cell || cellText(cell) === null) return null;
      if (dateCols.has(c)) {
        const d = parseDate(cell, date1904);
        if (d.ok && d.value) return { date: d.value };
      }
      return typeof cell.v === 'number' ? cell.v : cellText(cell);
    });
    line.push(x.row + 1, x.reasons.map((p) => (p.column ? `${p.column} 列(${p.field}):${p.message}` : p.message)).join(';'));
    rows.push(line);
  }
  return workbookBuffer([{ name: '未导入的行', rows, widths: [...Array.from({ length: width }, () => 14), 8, 60] }]);
}

/**
 * Imports an agency's own ledger under a mapping. 'all': every row or none; 'valid': the valid rows,
 * with an error workbook of the rest. The mapping's names are remembered for the next file.
 */
export function importLedger(db: Db, file: string, workbook: Workbook, mapping: LedgerMapping, mode: 'all' | 'valid', opts: Omit<ImportOptions, 'file'>): LedgerImportOutcome {
  const r = readLedger(db, file, workbook, mapping, opts.today, opts.scope ?? null);
  if (mode === 'all' && r.rejected.length) throw new UserError(r.problems.all());
  if (r.assets.length === 0) throw new UserError([{ file, sheet: r.sheet.name, message: r.rejected.length ? '没有可导入的有效行' : '文件中没有数据行' }]);
  const used = new Set(r.assets.map((a) => a.agencyCode));
  const remember = {
    items: Object.fromEntries(Object.entries(mapping.items ?? {}).filter(([, code]) => r.assets.some((a) => a.itemCode === code))),
    agencies: Object.fromEntries(Object.entries(mapping.agencies ?? {}).filter(([, code]) => used.has(code))),
  };
  const { batch: _batch, ...summary } = applyTemplateImport(db, opts.who, randomUUID(), file, [], r.assets, remember);
  const base = file.replace(/\.xlsx$/i, '');
  return {
    ...summary,
    rejected: r.rejected.length,
    errors: r.rejected.length ? { fileName: `${base}-未导入的行.xlsx`, base64: errorWorkbook(r, workbook.date1904).toString('base64') } : null,
  };
}

export function importOpenedLedger(db: Db, owner: number | null, token: string, mapping: LedgerMapping, mode: 'all' | 'valid', opts: Omit<ImportOptions, 'file'>): LedgerImportOutcome {
  const { file, workbook } = openedFile(owner, token);
  const out = importLedger(db, file, workbook, mapping, mode, opts);
  opened.delete(token);
  return out;
}
