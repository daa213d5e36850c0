import type { OpName, Output, ParsedInput } from '../../api/contract';
import type { Context } from '../context';
import { randomUUID } from 'node:crypto';
import { createAgency, listAgencies, updateAgency } from '../../db/queries/agencies';
import { listAssets } from '../../db/queries/assets';
import { loadCatalog, listRuleSets } from '../../db/queries/reference';
import {
  addCalibration, addMaintenance, approveDisposal, assetHistory, bulkUpdateAssets, completeDisposal, createAsset, listDisposals, rejectDisposal, requestDisposal, updateAsset,
} from '../../db/queries/records';
import { loadDemo } from './demo';
import { importTemplate } from './imports';
import { shortfall } from './quotas';
import { overview } from './overview';

type Handlers = { [N in OpName]: (ctx: Context, input: ParsedInput<N>) => Output<N> | Promise<Output<N>> };

const count = (ctx: Context, table: 'agencies' | 'assets') => ctx.db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;

/** Every operation of the contract, implemented once for every transport. */
export const handlers: Handlers = {
  'ledger/status': (ctx) => ({ file: ctx.file, agencies: count(ctx, 'agencies'), assets: count(ctx, 'assets') }),
  'ledger/loadDemo': (ctx) => loadDemo(ctx.db, ctx.who(), ctx.today()),
  'catalog/list': (ctx) => loadCatalog(ctx.db),
  'ruleSets/list': (ctx) => listRuleSets(ctx.db).map(({ id, name, source }) => ({ id, name, source })),
  'agencies/list': (ctx) => listAgencies(ctx.db),
  'agencies/create': (ctx, input) => createAgency(ctx.db, ctx.who(), input),
  'agencies/update': (ctx, { code, fields }) => updateAgency(ctx.db, ctx.who(), code, fields),
  'quotas/shortfall': (ctx, input) => shortfall(ctx.db, input, ctx.today()),
  'overview/summary': (ctx, input) => overview(ctx.db, input, ctx.today()),
  'assets/list': (ctx, input) => listAssets(ctx.db, input),
  'assets/get': (ctx, { id }) => assetHistory(ctx.db, id),
  'assets/create': (ctx, fields) => createAsset(ctx.db, ctx.who(), fields),
  'assets/update': (ctx, { id, fields }) => updateAsset(ctx.db, ctx.who(), id, fields),
  'assets/bulkUpdate': (ctx, { ids, change }) => {
    const batch = randomUUID();
    return { updated: bulkUpdateAssets(ctx.db, ctx.who(), batch, ids, change), batch };
  },
  'maintenance/create': (ctx, input) => ({ id: addMaintenance(ctx.db, ctx.who(), input) }),
  'calibrations/create': (ctx, input) => ({ id: addCalibration(ctx.db, ctx.who(), input) }),
  'disposals/list': (ctx, { status }) => listDisposals(ctx.db, status),
  'disposals/request': (ctx, { assetId, reason }) => requestDisposal(ctx.db, ctx.who(), assetId, reason),
  'disposals/approve': (ctx, { id, approvalRef }) => approveDisposal(ctx.db, ctx.who(), id, approvalRef),
  'disposals/reject': (ctx, { id, note }) => rejectDisposal(ctx.db, ctx.who(), id, note),
  'disposals/complete': (ctx, { id, disposedDate, residualValueFen }) => completeDisposal(ctx.db, ctx.who(), id, disposedDate, residualValueFen),
  'imports/template': (ctx, input) => {
    const { batch: _batch, ...outcome } = importTemplate(ctx.db, Buffer.from(input.base64, 'base64'), { file: input.fileName, who: ctx.who(), today: ctx.today() });
    return outcome;
  },
};
