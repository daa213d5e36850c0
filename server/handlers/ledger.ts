import type { ledgerOps } from '../../api/ledger';
import type { HandlersFor } from './handler';
import { ledgerCounts } from '../../db/queries/agencies';
import { listRuleSets, loadCatalog, loadRuleSet, saveRuleSet, SHIPPED_RULE_SET_IDS } from '../../db/queries/reference';
import { EDITION_COLUMNS, editionRows, readEditionDraft, readRuleSet, ruleSetWorkbook, type EditionResult } from '../../excel/rule-set';
import { UserError } from '../../lib/problems';
import type { Context } from '../context';
import { scopeCodes } from '../scope';
import { loadDemo } from './demo';

/** What the edition reading needs of the ledger: its catalog and the ids of its rule sets. */
function editionContext(ctx: Context) {
  return ctx.store.read(async (tx) => [await loadCatalog(tx), new Set((await listRuleSets(tx)).map((s) => s.id))] as const);
}

/** Stores an edition read from a file or the editor in one audited write, under `id`, replacing only when asked. */
async function storeEdition(ctx: Context, read: EditionResult, input: { id: string; name?: string; replace?: boolean }, file?: string) {
  if (!read.ok) throw new UserError(read.problems);
  const { edition } = read;
  const name = input.name ?? edition.name;
  if (!name) throw new UserError([{ file, field: 'name', message: '文件中没有「标准名称」一行,请给出名称(命令行用 --name)' }]);
  const set = { id: input.id, name, source: edition.source, effectiveDate: edition.effectiveDate, basedOn: edition.basedOn, rules: edition.rules };
  const { replaced } = await ctx.store.write((tx) => saveRuleSet(tx, ctx.who(), set, input.replace === true, edition.items));
  return { id: set.id, name, rules: set.rules.length, items: edition.items.length, replaced };
}

/** The ledger as a whole, counted within the caller's scope. */
export const ledgerHandlers: HandlersFor<typeof ledgerOps> = {
  'ledger/status': async (ctx) => ({ file: ctx.user?.role === 'admin' ? ctx.file : null, ...(await ledgerCounts(ctx.store, scopeCodes(ctx))) }),
  'clock/now': (ctx) => ({ now: ctx.now().toISOString(), today: ctx.today(), timeZone: ctx.clock.timeZone }),
  'ledger/loadDemo': (ctx) => ctx.store.write((tx) => loadDemo(tx, ctx.who(), ctx.today())),
  'catalog/list': (ctx) => loadCatalog(ctx.store),
  'ruleSets/list': (ctx) => listRuleSets(ctx.store),
  'ruleSets/export': (ctx, { id, format }) => ctx.store.read(async (tx) => {
    const set = await loadRuleSet(tx, id);
    if (!set) throw new UserError([{ field: 'id', message: `未知的配备标准「${id}」` }]);
    return ruleSetWorkbook(set, await loadCatalog(tx), format);
  }),
  // The workbook is read outside any transaction: a workbook takes a while to read.
  'ruleSets/import': async (ctx, input) => {
    const [catalog, ids] = await editionContext(ctx);
    return storeEdition(ctx, await readRuleSet(Buffer.from(input.base64, 'base64'), input.fileName, catalog, ids, input.id), input, input.fileName);
  },
  'ruleSets/table': (ctx, { id }) => ctx.store.read(async (tx) => {
    const set = await loadRuleSet(tx, id);
    if (!set) throw new UserError([{ field: 'id', message: `未知的配备标准「${id}」` }]);
    const { rules: _r, ...head } = set;
    return { ...head, columns: EDITION_COLUMNS, rows: editionRows(set, await loadCatalog(tx)), shipped: SHIPPED_RULE_SET_IDS.has(id) };
  }),
  'ruleSets/save': async (ctx, input) => {
    const [catalog, ids] = await editionContext(ctx);
    return storeEdition(ctx, readEditionDraft(input, catalog, ids, input.id), input);
  },
};
