import { randomUUID } from 'node:crypto';
import type { IsoDate } from '../../lib/dates';
import { UserError, type Problem } from '../../lib/problems';
import { AGENCY_SHEET, ASSET_SHEET, parseTemplate, type AgencyInput, type AssetInput } from '../../excel/template';
import type { Db } from '../../db/open';
import { existingAgencies } from '../../db/queries/agencies';
import type { Actor } from '../../db/queries/audit';
import { applyTemplateImport, type ImportSummary } from '../../db/queries/imports';
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
export function importTemplate(db: Db, buf: Uint8Array, opts: ImportOptions): ImportSummary {
  const parsed = parseTemplate(buf, {
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
