import type { exportOps } from '../../api/exports';
import { CSV_SHAPES, type AssetQuery, type ExportFormat, type FileOut } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { complianceWorkbook, editionDiffWorkbook } from '../../excel/exports/compliance';
import { ledgerWorkbook, MAX_EXPORT_ROWS } from '../../excel/exports/ledger';
import { calibrationWorkbook, maintenanceWorkbook } from '../../excel/exports/records';
import { blankTemplateWorkbook } from '../../excel/exports/template';
import type { Tx } from '../../db/store';
import { listAgencies } from '../../db/queries/agencies';
import { allAssets, type AssetPage } from '../../db/queries/assets';
import { calibrationLog, maintenanceLog } from '../../db/queries/maintenance';
import { loadCatalog, loadRuleSet } from '../../db/queries/reference';
import { inScope, readScope, scopedAgency } from '../scope';
import type { HandlersFor } from './handler';
import { compareRuleSets, measureShortfall } from './quotas';
import type { CompareInput } from '../../api/quotas';

/** The ledger as filtered and sorted; one past the most a sheet holds is read, for the writer to refuse. */
export async function exportLedger(tx: Tx, query: AssetQuery, sort: AssetPage['sort'], today: IsoDate, format?: ExportFormat): Promise<FileOut> {
  return ledgerWorkbook(await allAssets(tx, query, sort, MAX_EXPORT_ROWS + 1), today, format);
}

export async function exportCompliance(tx: Tx, input: { ruleSet?: string; agency?: string; date?: IsoDate; within?: { codes: ReadonlySet<string> } | null }, today: IsoDate, format?: ExportFormat): Promise<FileOut> {
  const measured = await measureShortfall(tx, input, today);
  return complianceWorkbook({
    own: measured.view(false), rolled: measured.view(true), date: measured.date, ruleName: (await loadRuleSet(tx, measured.ruleSet))?.name ?? measured.ruleSet,
    agencies: await listAgencies(tx), catalog: await loadCatalog(tx),
  }, format, CSV_SHAPES['quotas/export']);
}

export async function exportEditionDiff(tx: Tx, input: CompareInput & { within?: { codes: ReadonlySet<string> } | null }, today: IsoDate, format?: ExportFormat): Promise<FileOut> {
  const { base, other, date, ...comparison } = await compareRuleSets(tx, input, today);
  return editionDiffWorkbook({ comparison, base, other, date, agencies: await listAgencies(tx), catalog: await loadCatalog(tx) }, format, CSV_SHAPES['quotas/exportCompare']);
}

export async function exportMaintenance(tx: Tx, from: IsoDate, to: IsoDate, visible: (agency: string) => boolean, format?: ExportFormat): Promise<FileOut> {
  return maintenanceWorkbook((await maintenanceLog(tx, from, to)).filter((m) => visible(m.agencyCode)), from, to, format);
}

export async function exportCalibrations(tx: Tx, from: IsoDate, to: IsoDate, visible: (agency: string) => boolean, format?: ExportFormat): Promise<FileOut> {
  return calibrationWorkbook((await calibrationLog(tx, from, to)).filter((c) => visible(c.agencyCode)), from, to, format);
}

export async function blankTemplate(tx: Tx, format?: ExportFormat): Promise<FileOut> {
  return blankTemplateWorkbook(await loadCatalog(tx), format, CSV_SHAPES['imports/blankTemplate']);
}

/** Exports of what the caller may read, each read on one snapshot. */
export const exportHandlers: HandlersFor<typeof exportOps> = {
  'assets/export': (ctx, { query, sort, format }) => ctx.store.read((tx) => exportLedger(tx, { ...query, agency: scopedAgency(ctx, query.agency) }, sort, ctx.today(), format)),
  'quotas/export': (ctx, input) => ctx.store.read((tx) => exportCompliance(tx, { ...input, ...readScope(ctx, input.agency) }, ctx.today(), input.format)),
  'quotas/exportCompare': (ctx, { format, ...input }) => ctx.store.read((tx) => exportEditionDiff(tx, { ...input, ...readScope(ctx, input.agency) }, ctx.today(), format)),
  'maintenance/export': (ctx, { from, to, format }) => exportMaintenance(ctx.store, from, to, (a) => inScope(ctx, a), format),
  'calibrations/export': (ctx, { from, to, format }) => exportCalibrations(ctx.store, from, to, (a) => inScope(ctx, a), format),
  'imports/blankTemplate': (ctx, { format }) => blankTemplate(ctx.store, format),
};
