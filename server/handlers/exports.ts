import type { exportOps } from '../../api/exports';
import { CSV_SHAPES, type AssetQuery, type ExportFormat, type FileOut } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { complianceWorkbook } from '../../excel/exports/compliance';
import { ledgerWorkbook } from '../../excel/exports/ledger';
import { calibrationWorkbook, maintenanceWorkbook } from '../../excel/exports/records';
import { blankTemplateWorkbook } from '../../excel/exports/template';
import type { Db } from '../../db/types';
import { listAgenciesSync } from '../../db/queries/agencies';
import { allAssets, type AssetPage } from '../../db/queries/assets';
import { calibrationLog, maintenanceLog } from '../../db/queries/maintenance';
import { loadCatalogSync, loadRuleSetSync } from '../../db/queries/reference';
import { inScope, readScope, scopedAgency } from '../scope';
import type { HandlersFor } from './handler';
import { measureShortfall } from './quotas';

export function exportLedger(db: Db, query: AssetQuery, sort: AssetPage['sort'], today: IsoDate, format?: ExportFormat): FileOut {
  return ledgerWorkbook(allAssets(db, query, sort), today, format);
}

export function exportCompliance(db: Db, input: { ruleSet?: string; agency?: string; date?: IsoDate; within?: { codes: ReadonlySet<string> } | null }, today: IsoDate, format?: ExportFormat): FileOut {
  const measured = measureShortfall(db, input, today);
  return complianceWorkbook({
    own: measured.view(false), rolled: measured.view(true), date: measured.date, ruleName: loadRuleSetSync(db, measured.ruleSet)?.name ?? measured.ruleSet,
    agencies: listAgenciesSync(db), catalog: loadCatalogSync(db),
  }, format, CSV_SHAPES['quotas/export']);
}

export function exportMaintenance(db: Db, from: IsoDate, to: IsoDate, visible: (agency: string) => boolean, format?: ExportFormat): FileOut {
  return maintenanceWorkbook(maintenanceLog(db, from, to).filter((m) => visible(m.agencyCode)), from, to, format);
}

export function exportCalibrations(db: Db, from: IsoDate, to: IsoDate, visible: (agency: string) => boolean, format?: ExportFormat): FileOut {
  return calibrationWorkbook(calibrationLog(db, from, to).filter((c) => visible(c.agencyCode)), from, to, format);
}

export function blankTemplate(db: Db, format?: ExportFormat): FileOut {
  return blankTemplateWorkbook(loadCatalogSync(db), format, CSV_SHAPES['imports/blankTemplate']);
}

/** Exports of what the caller may read. */
export const exportHandlers: HandlersFor<typeof exportOps> = {
  'assets/export': (ctx, { query, sort, format }) => exportLedger(ctx.db, { ...query, agency: scopedAgency(ctx, query.agency) }, sort, ctx.today(), format),
  'quotas/export': (ctx, input) => exportCompliance(ctx.db, { ...input, ...readScope(ctx, input.agency) }, ctx.today(), input.format),
  'maintenance/export': (ctx, { from, to, format }) => exportMaintenance(ctx.db, from, to, (a) => inScope(ctx, a), format),
  'calibrations/export': (ctx, { from, to, format }) => exportCalibrations(ctx.db, from, to, (a) => inScope(ctx, a), format),
  'imports/blankTemplate': (ctx, { format }) => blankTemplate(ctx.db, format),
};
