import type { OpName, Output, ParsedInput } from '../../api/contract';
import type { Context } from '../context';
import { randomUUID } from 'node:crypto';
import { UserError } from '../../lib/problems';
import { listBackups } from '../../db/backup';
import { createAgency, ledgerCounts, listAgencies, updateAgency } from '../../db/queries/agencies';
import { listAssets } from '../../db/queries/assets';
import { listAudit } from '../../db/queries/audit';
import { loadCatalog, listRuleSets } from '../../db/queries/reference';
import { bulkUpdateAssets, createAsset, updateAsset } from '../../db/queries/asset-writes';
import { assetHistory } from '../../db/queries/asset-history';
import { addCalibration, addMaintenance, recordAssetId, updateCalibration, updateMaintenance, voidCalibration, voidMaintenance } from '../../db/queries/maintenance';
import { approveDisposal, completeDisposal, listDisposals, rejectDisposal, requestDisposal } from '../../db/queries/disposals';
import { approvePlan, cancelPlan, commitments, dispatchCounts, dispatchPlan, listPlans, planDetail, returnUnits } from '../../db/queries/plans';
import { deleteTask, dispatchSettings, listTasks, saveDispatchSettings, saveTask, taskById, tasksByIds } from '../../db/queries/tasks';
import { lastUndoable, undoBatch } from '../../db/queries/undo';
import { countUsers, displayNames, listUsers } from '../../db/queries/users';
import { mentionedPeople } from '../../lib/changes';
import { inScope, readScope, requireAgency, requireAssets, requireDisposal, requirePlan, scopeCodes, scopedAgency, scopeRoot } from '../scope';
import { exportAudit } from './audit';
import { changePassword, createUserAccount, login, setup, updateUserAccount } from './auth';
import { backupPreview, createManualBackup, downloadBackup, restoreBackup, uploadBackup } from './backups';
import { loadDemo } from './demo';
import { createPlan, exportPlan, teamDemandFor } from './dispatch';
import { analyseLedger, importOpenedLedger, importTemplate, openLedgerFile, previewLedger } from './imports';
import { blankTemplate, exportCalibrations, exportCompliance, exportLedger, exportMaintenance } from './exports';
import { shortfall } from './quotas';
import { budgetRequest, exportBudget, exportPurchasePlan, exportTerms, importTerms, purchasePlan, saveTermsChecked, termsRows } from './budget';
import { chartData, exportChart } from './charts';
import { exportScore, raiseScore, saveScoreChecklist, scoreCard } from './score';
import { overview } from './overview';

type Handlers = { [N in OpName]: (ctx: Context, input: ParsedInput<N>) => Output<N> | Promise<Output<N>> };

/** Every operation of the contract, implemented once for every transport; the dispatcher has checked the right, these check the agency scope. */
export const handlers: Handlers = {
  'auth/status': (ctx) => ({ hasUsers: countUsers(ctx.db) > 0, user: ctx.user }),
  'auth/setup': (ctx, input) => setup(ctx, input),
  'auth/login': (ctx, input) => login(ctx, input),
  'auth/logout': (ctx) => (ctx.signIn(null), null),
  'auth/changePassword': (ctx, input) => changePassword(ctx, input),
  'users/list': (ctx) => listUsers(ctx.db),
  'users/create': (ctx, input) => createUserAccount(ctx, input),
  'users/update': (ctx, input) => updateUserAccount(ctx, input),
  'audit/list': (ctx, { query, startRow, endRow }) => {
    const page = listAudit(ctx.db, query, startRow, endRow, scopeCodes(ctx), ctx.clock.timeZone);
    return { ...page, people: displayNames(ctx.db, mentionedPeople(page.rows)) };
  },
  'audit/export': (ctx, { query, format }) => exportAudit(ctx.db, query, ctx.today(), scopeCodes(ctx), ctx.clock.timeZone, format),
  'undo/last': (ctx) => lastUndoable(ctx.db, ctx.user!.role === 'admin' ? undefined : ctx.user!.username),
  'undo/apply': (ctx, { batch }) => ({ undone: undoBatch(ctx.db, ctx.who(), batch, randomUUID(), ctx.user!.role === 'admin') }),
  'backups/list': (ctx) => listBackups(ctx.file),
  'backups/create': (ctx) => createManualBackup(ctx),
  'backups/download': (ctx, { name }) => downloadBackup(ctx, name),
  'backups/upload': (ctx, { fileName, base64 }) => uploadBackup(ctx, fileName, base64),
  'backups/preview': (ctx, { name }) => backupPreview(ctx, name),
  'backups/restore': (ctx, { name }) => restoreBackup(ctx, name),
  'ledger/status': (ctx) => ({ file: ctx.user?.role === 'admin' ? ctx.file : null, ...ledgerCounts(ctx.db, scopeCodes(ctx)) }),
  'clock/now': (ctx) => ({ now: ctx.now().toISOString(), today: ctx.today(), timeZone: ctx.clock.timeZone }),
  'ledger/loadDemo': (ctx) => loadDemo(ctx.db, ctx.who(), ctx.today()),
  'catalog/list': (ctx) => loadCatalog(ctx.db),
  'ruleSets/list': (ctx) => listRuleSets(ctx.db).map(({ id, name, source }) => ({ id, name, source })),
  'agencies/list': (ctx) => {
    const codes = scopeCodes(ctx);
    const all = listAgencies(ctx.db);
    return codes === null ? all : all.filter((a) => codes.has(a.code));
  },
  'agencies/create': (ctx, input) => {
    if (input.parentCode === null) {
      if (scopeCodes(ctx) !== null) throw new UserError([{ field: 'parentCode', message: '只能在本单位及下级机构中新增机构' }]);
    } else requireAgency(ctx, input.parentCode, 'parentCode');
    return createAgency(ctx.db, ctx.who(), input);
  },
  'agencies/update': (ctx, { code, fields }) => (requireAgency(ctx, code, 'code'), updateAgency(ctx.db, ctx.who(), code, fields)),
  'quotas/shortfall': (ctx, input) => shortfall(ctx.db, { ...input, ...readScope(ctx, input.agency) }, ctx.today()),
  'overview/summary': (ctx, input) => overview(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today()),
  'assets/list': (ctx, input) => listAssets(ctx.db, { ...input, query: { ...input.query, agency: scopedAgency(ctx, input.query.agency) } }),
  'assets/get': (ctx, { id }) => {
    requireAssets(ctx, [id]);
    const h = assetHistory(ctx.db, id);
    return { ...h, people: displayNames(ctx.db, [...mentionedPeople(h.audit), ...h.disposals.flatMap((d) => [d.requestedBy, d.approvedBy ?? '']), ...h.maintenance.map((m) => m.voidedBy ?? ''), ...h.calibrations.map((c) => c.voidedBy ?? '')]) };
  },
  'assets/create': (ctx, fields) => (requireAgency(ctx, fields.agencyCode), createAsset(ctx.db, ctx.who(), fields)),
  'assets/update': (ctx, { id, fields }) => {
    requireAssets(ctx, [id]);
    requireAgency(ctx, fields.agencyCode);
    return updateAsset(ctx.db, ctx.who(), id, fields);
  },
  'assets/bulkUpdate': (ctx, { ids, change }) => {
    requireAssets(ctx, ids);
    if ('agencyCode' in change) requireAgency(ctx, change.agencyCode);
    const batch = randomUUID();
    return { updated: bulkUpdateAssets(ctx.db, ctx.who(), batch, ids, change), batch };
  },
  'maintenance/create': (ctx, input) => (requireAssets(ctx, [input.assetId]), { id: addMaintenance(ctx.db, ctx.who(), input) }),
  'calibrations/create': (ctx, input) => (requireAssets(ctx, [input.assetId]), { id: addCalibration(ctx.db, ctx.who(), input) }),
  'maintenance/update': (ctx, { id, fields }) => (requireAssets(ctx, [recordAssetId(ctx.db, 'maintenance', id)]), { id: updateMaintenance(ctx.db, ctx.who(), id, fields) }),
  'maintenance/void': (ctx, { id, reason }) => (requireAssets(ctx, [recordAssetId(ctx.db, 'maintenance', id)]), { id: voidMaintenance(ctx.db, ctx.who(), id, reason) }),
  'calibrations/update': (ctx, { id, fields }) => (requireAssets(ctx, [recordAssetId(ctx.db, 'calibration', id)]), { id: updateCalibration(ctx.db, ctx.who(), id, fields) }),
  'calibrations/void': (ctx, { id, reason }) => (requireAssets(ctx, [recordAssetId(ctx.db, 'calibration', id)]), { id: voidCalibration(ctx.db, ctx.who(), id, reason) }),
  'disposals/list': (ctx, { status }) => listDisposals(ctx.db, status, scopeCodes(ctx)),
  'disposals/request': (ctx, { assetId, reason }) => (requireAssets(ctx, [assetId]), requestDisposal(ctx.db, ctx.who(), assetId, reason)),
  'disposals/approve': (ctx, { id, approvalRef }) => (requireDisposal(ctx, id), approveDisposal(ctx.db, ctx.who(), id, approvalRef)),
  'disposals/reject': (ctx, { id, note }) => (requireDisposal(ctx, id), rejectDisposal(ctx.db, ctx.who(), id, note)),
  'disposals/complete': (ctx, { id, disposedDate, residualValueFen }) => (requireDisposal(ctx, id), completeDisposal(ctx.db, ctx.who(), id, disposedDate, residualValueFen)),
  'tasks/list': (ctx) => listTasks(ctx.db, scopeCodes(ctx)),
  'tasks/save': (ctx, { id, fields }) => {
    const before = id === null ? null : taskById(ctx.db, id);
    if (before) requireAgency(ctx, before.leadAgency, 'leadAgency');
    requireAgency(ctx, fields.leadAgency, 'leadAgency');
    // A task held outside the caller's agencies gives its place by coordinates, which name no agency
    // (a place a higher level already set stays as it was).
    const location = fields.locationAgency;
    if (location !== null && location !== before?.locationAgency && !inScope(ctx, location)) {
      throw new UserError([{ field: 'locationAgency', message: `机构「${fields.locationAgency}」不在您的管辖范围内;任务地点在辖区外时请填写经纬度` }]);
    }
    return saveTask(ctx.db, ctx.who(), id, fields);
  },
  'tasks/delete': (ctx, { id }) => (requireAgency(ctx, taskById(ctx.db, id).leadAgency, 'leadAgency'), deleteTask(ctx.db, ctx.who(), id), null),
  'tasks/teamDemand': (ctx, { leadAgency, teamSize }) => (requireAgency(ctx, leadAgency, 'leadAgency'), teamDemandFor(ctx.db, leadAgency, teamSize)),
  'dispatch/settings': (ctx) => dispatchSettings(ctx.db),
  'dispatch/saveSettings': (ctx, input) => saveDispatchSettings(ctx.db, ctx.who(), input),
  'dispatch/timeline': (ctx, { from, to }) => commitments(ctx.db, from, to).filter((c) => inScope(ctx, c.agencyCode)),
  'dispatch/counts': (ctx, { from, to }) => dispatchCounts(ctx.db, from, to).filter((c) => inScope(ctx, c.agencyCode)),
  'plans/list': (ctx) => listPlans(ctx.db, scopeCodes(ctx)),
  'plans/get': (ctx, { id }) => (requirePlan(ctx, id), planDetail(ctx.db, id)),
  'plans/create': (ctx, { taskIds, reserveRatio }) => {
    const tasks = tasksByIds(ctx.db, taskIds);
    const missing = taskIds.find((id) => !tasks.some((t) => t.id === id));
    if (missing !== undefined) throw new UserError([{ field: 'taskIds', message: `任务 #${missing} 不存在` }]);
    for (const t of tasks) requireAgency(ctx, t.leadAgency, 'leadAgency');
    return createPlan(ctx.db, ctx.who(), tasks, scopeCodes(ctx), ctx.today(), reserveRatio);
  },
  'plans/approve': (ctx, { id, approvalRef }) => (requirePlan(ctx, id, 'change'), approvePlan(ctx.db, ctx.who(), id, approvalRef), planDetail(ctx.db, id)),
  'plans/dispatch': (ctx, { id, date }) => (requirePlan(ctx, id, 'change'), dispatchPlan(ctx.db, ctx.who(), id, date), planDetail(ctx.db, id)),
  'plans/return': (ctx, input) => (requirePlan(ctx, input.id, 'change'), returnUnits(ctx.db, ctx.who(), input), planDetail(ctx.db, input.id)),
  'plans/cancel': (ctx, { id }) => (requirePlan(ctx, id, 'change'), cancelPlan(ctx.db, ctx.who(), id), planDetail(ctx.db, id)),
  'plans/export': (ctx, { id, format }) => (requirePlan(ctx, id), exportPlan(planDetail(ctx.db, id), ctx.clock.timeZone, format)),
  'assets/export': (ctx, { query, sort, format }) => exportLedger(ctx.db, { ...query, agency: scopedAgency(ctx, query.agency) }, sort, ctx.today(), format),
  'quotas/export': (ctx, input) => exportCompliance(ctx.db, { ...input, ...readScope(ctx, input.agency) }, ctx.today(), input.format),
  'maintenance/export': (ctx, { from, to, format }) => exportMaintenance(ctx.db, from, to, (a) => inScope(ctx, a), format),
  'calibrations/export': (ctx, { from, to, format }) => exportCalibrations(ctx.db, from, to, (a) => inScope(ctx, a), format),
  'imports/open': (ctx, { fileName, base64, encoding, delimiter }) => openLedgerFile(ctx.user!.id, fileName, Buffer.from(base64, 'base64'), { encoding, delimiter }),
  'imports/analyse': (ctx, { token, mapping }) => analyseLedger(ctx.db, ctx.user!.id, token, mapping, scopeCodes(ctx), scopeRoot(ctx)),
  'imports/preview': (ctx, { token, mapping }) => previewLedger(ctx.db, ctx.user!.id, token, mapping, ctx.today(), scopeCodes(ctx), scopeRoot(ctx)),
  'imports/ledger': (ctx, { token, mapping, mode }) =>
    importOpenedLedger(ctx.db, ctx.user!.id, token, mapping, mode, { who: ctx.who(), today: ctx.today(), scope: scopeCodes(ctx), root: scopeRoot(ctx) }),
  'imports/blankTemplate': (ctx, { format }) => blankTemplate(ctx.db, format),
  'budget/terms': (ctx) => termsRows(ctx.db),
  'budget/saveTerms': (ctx, { terms }) => saveTermsChecked(ctx.db, ctx.who(), terms),
  'budget/exportTerms': (ctx, { format }) => exportTerms(ctx.db, ctx.today(), format),
  'budget/importTerms': (ctx, { fileName, base64 }) => importTerms(ctx.db, ctx.who(), fileName, Buffer.from(base64, 'base64')),
  'budget/request': (ctx, input) => budgetRequest(ctx.db, { ...input, ...readScope(ctx, input.agency) }, ctx.today()),
  'budget/export': (ctx, input) => exportBudget(ctx.db, { ...input, ...readScope(ctx, input.agency) }, ctx.today(), input.format),
  'budget/plan': (ctx, input) => purchasePlan(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today()),
  'budget/exportPlan': (ctx, input) => exportPurchasePlan(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today(), input.format),
  'score/card': (ctx, input) => (requireAgency(ctx, input.agency, 'agency'), scoreCard(ctx.db, input, ctx.today())),
  'score/saveChecklist': (ctx, input) => (requireAgency(ctx, input.agency, 'agency'), saveScoreChecklist(ctx.db, ctx.who(), input, ctx.today())),
  'score/raise': (ctx, input) => (requireAgency(ctx, input.agency, 'agency'), raiseScore(ctx.db, input, ctx.today())),
  'score/export': (ctx, input) => (requireAgency(ctx, input.agency, 'agency'), exportScore(ctx.db, input, ctx.today(), input.format)),
  'charts/data': (ctx, input) => chartData(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today()),
  'charts/export': (ctx, input) => exportChart(ctx.db, { ...input, agency: scopedAgency(ctx, input.agency) }, ctx.today(), input.format),
  'imports/template': async (ctx, input) => {
    const { batch: _batch, ...outcome } = await importTemplate(ctx.db, Buffer.from(input.base64, 'base64'), {
      file: input.fileName, who: ctx.who(), today: ctx.today(), scope: scopeCodes(ctx), root: scopeRoot(ctx), text: { encoding: input.encoding, delimiter: input.delimiter },
    });
    return outcome;
  },
};
