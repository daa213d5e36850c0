import { randomUUID } from 'node:crypto';
import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { parseTemplate } from '../../excel/template';
import type { Db } from '../../db/open';
import { existingAgencies } from '../../db/queries/agencies';
import type { Actor } from '../../db/queries/audit';
import { applyTemplateImport, type ImportSummary } from '../../db/queries/imports';
import { loadCatalog } from '../../db/queries/reference';

export interface ImportOptions {
  file: string;
  who: Actor;
  today: IsoDate;
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
  try {
    return applyTemplateImport(db, opts.who, randomUUID(), parsed.agencies, parsed.assets);
  } catch (e) {
    throw new UserError([{ file: opts.file, message: `写入数据库失败,未导入任何数据:${(e as Error).message}` }]);
  }
}
