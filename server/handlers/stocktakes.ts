import { randomUUID } from 'node:crypto';
import type { stocktakeOps } from '../../api/stocktakes';
import type { HandlersFor } from './handler';
import type { Context } from '../context';
import type { Tx } from '../../db/store';
import { CSV_SHAPES } from '../../api/contract';
import { UserError } from '../../lib/problems';
import { normaliseScanCode } from '../../lib/scan-code';
import { stocktakeReportWorkbook } from '../../excel/exports/stocktake';
import { stocktakeReport } from '../../lib/domain/stocktake-report';
import { stocktakeReportPdf } from '../../print/stocktake-report';
import {
  ancestorsOf, approveStocktake, cancelStocktake, closeStocktake, differenceStocktake, linkScannedLabel, listStocktakes, proposeStocktake, recordScans,
  rejectStocktake, scanOf, settleDifference, startStocktake, stocktakeAgency, stocktakeDetail,
  type StocktakePart,
} from '../../db/queries/stocktakes';
import { assetOfTag, inScope, requireAgency, requireLabel, scopeCodes, scopeRoot } from '../scope';
import { chineseFont } from '../fonts';

/**
 * Who sees a stocktake: anyone whose scope holds its agency, and anyone inside its subtree (a county's manager
 * scans at the county in the province's stocktake). Changing it (close, settle, propose, cancel, approve, reject)
 * needs its agency in scope; a scan needs the agency where the units were found in scope.
 */
async function visibleCodes(ctx: Context, tx: Tx): Promise<Set<string> | null> {
  const codes = scopeCodes(ctx);
  const root = scopeRoot(ctx);
  if (codes === null || root === null) return null;
  return new Set([...codes, ...(await ancestorsOf(tx, root))]);
}

async function requireVisible(ctx: Context, tx: Tx, id: number): Promise<string> {
  const agency = await stocktakeAgency(tx, id);
  const visible = await visibleCodes(ctx, tx);
  // Answered as one that does not exist, so that nobody learns which agencies are counting.
  if (visible !== null && !visible.has(agency)) throw new UserError([{ field: 'id', message: `盘点 #${id} 不存在` }]);
  return agency;
}

/** The part of a stocktake the caller sees: all of it when its agency is in their scope, else their own subtree's part. */
async function viewOf(ctx: Context, tx: Tx, id: number): Promise<StocktakePart | null> {
  const agency = await requireVisible(ctx, tx, id);
  return partOf(ctx, agency);
}

/** The caller's subtree, as the part they see of a stocktake of `agency` (null: of one organised above them); null: all of it. */
function partOf(ctx: Context, agency: string | null): StocktakePart | null {
  const codes = scopeCodes(ctx);
  const root = scopeRoot(ctx);
  return codes === null || root === null || (agency !== null && codes.has(agency)) ? null : { root, codes };
}

async function requireChange(ctx: Context, tx: Tx, id: number): Promise<string> {
  const agency = await requireVisible(ctx, tx, id);
  if (!inScope(ctx, agency)) throw new UserError([{ field: 'id', message: `盘点 #${id} 由机构「${agency}」组织,只能由管辖该机构的用户办理` }]);
  return agency;
}

/** Scans sent one or a few at a time (a scanner's, a phone's), which many people send at once: they may share a commit. */
const BRIEF_SCANS = 20;

export const stocktakeHandlers: HandlersFor<typeof stocktakeOps> = {
  'stocktakes/list': (ctx, { status }) => ctx.store.read(async (tx) => listStocktakes(tx, status, await visibleCodes(ctx, tx), partOf(ctx, null))),
  'stocktakes/get': (ctx, { id }) => ctx.store.read(async (tx) => stocktakeDetail(tx, id, await viewOf(ctx, tx, id))),
  'stocktakes/start': (ctx, { agencyCode, ...fields }) => ctx.store.write(async (tx) => {
    requireAgency(ctx, agencyCode);
    return startStocktake(tx, ctx.who(), agencyCode, fields);
  }),
  'stocktakes/scan': (ctx, { id, scans, atAgency, custodian, source }) => ctx.store.write(async (tx) => {
    const agency = await requireVisible(ctx, tx, id);
    // Where none is named: the stocktake's agency, or, for someone counting their part of one organised above them, their own.
    const at = atAgency ?? (inScope(ctx, agency) ? agency : scopeRoot(ctx)!);
    requireAgency(ctx, at, 'atAgency');
    return recordScans(tx, ctx.who(), id, { agencyCode: at, custodian: custodian || null, source },
      scans.map((s) => ({ code: normaliseScanCode(s.code), clientId: s.clientId })));
  }, { brief: scans.length <= BRIEF_SCANS }),
  'stocktakes/linkScan': (ctx, { id, tag }) => ctx.store.write(async (tx) => {
    const scan = await scanOf(tx, id, scopeCodes(ctx));
    const assetId = await assetOfTag(ctx, tx, tag);
    // A scan already of an asset is refused by the link, saying so.
    if (!scan.linked) await requireLabel(ctx, tx, scan.code, 'id');
    return linkScannedLabel(tx, ctx.who(), id, assetId);
  }),
  'stocktakes/close': (ctx, { id }) => ctx.store.write(async (tx) => {
    await requireChange(ctx, tx, id);
    return closeStocktake(tx, ctx.who(), id);
  }),
  'stocktakes/settle': (ctx, { id, ...settling }) => ctx.store.write(async (tx) => {
    const stocktake = await differenceStocktake(tx, id);
    await requireChange(ctx, tx, stocktake);
    await settleDifference(tx, ctx.who(), id, settling);
    return stocktakeDetail(tx, stocktake);
  }),
  'stocktakes/propose': (ctx, { id }) => ctx.store.write(async (tx) => {
    await requireChange(ctx, tx, id);
    return proposeStocktake(tx, ctx.who(), id);
  }),
  'stocktakes/approve': (ctx, { id }) => {
    const batch = randomUUID();
    return ctx.store.write(async (tx) => {
      await requireChange(ctx, tx, id);
      return approveStocktake(tx, ctx.who(), id, batch);
    });
  },
  'stocktakes/reject': (ctx, { id, note }) => ctx.store.write(async (tx) => {
    await requireChange(ctx, tx, id);
    return rejectStocktake(tx, ctx.who(), id, note);
  }),
  'stocktakes/cancel': (ctx, { id }) => ctx.store.write(async (tx) => {
    await requireChange(ctx, tx, id);
    return cancelStocktake(tx, ctx.who(), id);
  }),
  'stocktakes/report': async (ctx, { id, format }) => {
    const detail = await ctx.store.read(async (tx) => stocktakeDetail(tx, id, await viewOf(ctx, tx, id)));
    const report = stocktakeReport(detail, ctx.clock.timeZone);
    if (format !== 'pdf') return stocktakeReportWorkbook(report, format, CSV_SHAPES['stocktakes/report']);
    return { fileName: `盘点报告-${id}.pdf`, base64: (await stocktakeReportPdf(report, chineseFont())).toString('base64') };
  },
};
