import type { ExportFormat, FileOut, RaiseResult, ScoreResult } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { solveLp } from '../../lib/solver';
import { scoreWorkbook } from '../../excel/exports/score';
import type { Store, Tx } from '../../db/store';
import type { Actor } from '../../db/queries/audit';
import { agencyByCode } from '../../db/queries/agencies';
import { loadTerms } from '../../db/queries/budget';
import { loadChecklist, saveChecklist, scoreEvidence } from '../../db/queries/score';
import { cellValue } from '../../quotas/engine';
import { affordableOptions, raiseModel, raiseOptions, scoreAgency, type Checklist, type Holding } from '../../quotas/score';
import { measureAll } from './quotas';
import { ruleSetName } from '../../db/queries/reference';
import type { scoreOps } from '../../api/score';
import type { HandlersFor } from './handler';
import { requireAgency } from '../scope';

/** The Zhejiang score is read against the Zhejiang variant of the standard unless another is chosen. */
export const SCORE_RULE_SET = 'zhejiang-2022';

export interface ScoreInput {
  agency: string;
  year?: number;
  ruleSet?: string;
}

/** What an agency's score is read from, on one snapshot. */
async function scoreBasis(tx: Tx, input: ScoreInput, today: IsoDate, timeZone: string) {
  const year = input.year ?? Number(today.slice(0, 4));
  const { ruleSet, agencies, matrix } = await measureAll(tx, { ruleSet: input.ruleSet ?? SCORE_RULE_SET, agency: input.agency }, today);
  const a = agencies.findIndex((x) => x.code === input.agency);
  const holdings: Holding[] = matrix.catalog.map((c, i) => ({ item: c.code, required: cellValue(matrix, a, i, 'required'), held: cellValue(matrix, a, i, 'held') }));
  const agency = agencies[a];
  const checklist = await loadChecklist(tx, agency.id, year);
  const card = scoreAgency({ ...(await scoreEvidence(tx, agency.id, year, timeZone)), holdings, checklist: checklist.answers }, matrix.catalog);
  return { year, ruleSet: ruleSet.id, agency, catalog: matrix.catalog, holdings, checklist, card };
}

/** One agency's score card for a year: each item's points and why, the categories, and the pass line. */
export async function scoreCard(tx: Tx, input: ScoreInput, today: IsoDate, timeZone: string): Promise<ScoreResult> {
  const { year, ruleSet, agency, checklist, card } = await scoreBasis(tx, input, today, timeZone);
  return { ...card, agency: agency.code, agencyName: agency.name, year, ruleSet, checklist: checklist.answers, checklistBy: checklist.by };
}

/** Stores an agency's checklist and answers its card with it; call inside a write transaction. */
export async function saveScoreChecklist(tx: Tx, who: Actor, input: ScoreInput & { year: number; answers: Checklist }, today: IsoDate, timeZone: string): Promise<ScoreResult> {
  const agency = await agencyByCode(tx, input.agency);
  if (!agency) throw new UserError([{ field: 'agency', message: `机构「${input.agency}」不存在` }]);
  await saveChecklist(tx, who, agency, input.year, input.answers);
  return scoreCard(tx, input, today, timeZone);
}

/**
 * What would raise the score most for a budget: the purchases (closing a group's shortfall, one
 * unit above the standard, a first optional item) that add the most points within it, chosen
 * exactly with HiGHS; among equal points, the cheaper. The ledger is read on one snapshot, and the choice solved
 * after it with no transaction held open.
 */
export async function raiseScore(store: Pick<Store, 'read'>, input: ScoreInput & { budgetFen: number }, today: IsoDate, timeZone: string): Promise<RaiseResult> {
  const { catalog, holdings, card, terms } = await store.read(async (tx) => ({ ...(await scoreBasis(tx, input, today, timeZone)), terms: await loadTerms(tx) }));
  const prices = new Map([...terms].map(([item, t]) => [item, t.unitPriceFen]));
  const { options, limits } = raiseOptions(card, holdings, catalog);
  const usable = affordableOptions(options, prices, input.budgetFen);
  let chosen: typeof usable = [];
  let status = 'Optimal';
  if (usable.length) {
    const solution = await solveLp(raiseModel(usable, limits, prices, input.budgetFen), 30);
    if (solution.status !== 'Optimal') throw new UserError([{ message: `求解失败(${solution.status})` }]);
    status = solution.status;
    chosen = usable.filter((o) => solution.values(o.name) > 0.5);
  }
  const items = new Map(catalog.map((c) => [c.code, c]));
  const purchases = new Map<string, RaiseResult['purchases'][number]>();
  for (const o of chosen) {
    for (const u of o.units) {
      const price = prices.get(u.item) ?? 0;
      const p = purchases.get(u.item);
      if (p) (p.quantity += u.quantity, (p.amountFen += u.quantity * price), (p.why += `;${o.why}`));
      else purchases.set(u.item, { item: u.item, quantity: u.quantity, amountFen: u.quantity * price, scoreItem: o.scoreItem, why: o.why, itemName: items.get(u.item)!.name, unit: items.get(u.item)!.unit, unitPriceFen: price });
    }
  }
  const gain = chosen.reduce((s, o) => s + o.gain, 0);
  const list = [...purchases.values()].sort((a, b) => a.scoreItem - b.scoreItem || a.item.localeCompare(b.item));
  return { status, budgetFen: input.budgetFen, before: card.total, after: card.total + gain, costFen: list.reduce((s, p) => s + p.amountFen, 0), purchases: list };
}

export async function exportScore(tx: Tx, input: ScoreInput, today: IsoDate, timeZone: string, format?: ExportFormat): Promise<FileOut> {
  const s = await scoreCard(tx, input, today, timeZone);
  return scoreWorkbook(s, await ruleSetName(tx, s.ruleSet), today, format);
}

/** The score of an agency within the caller's scope, read on one snapshot; the checklist saved in one transaction. */
export const scoreHandlers: HandlersFor<typeof scoreOps> = {
  'score/card': (ctx, input) => (requireAgency(ctx, input.agency, 'agency'), ctx.store.read((tx) => scoreCard(tx, input, ctx.today(), ctx.clock.timeZone))),
  'score/saveChecklist': (ctx, input) => (requireAgency(ctx, input.agency, 'agency'), ctx.store.write((tx) => saveScoreChecklist(tx, ctx.who(), input, ctx.today(), ctx.clock.timeZone))),
  'score/raise': (ctx, input) => (requireAgency(ctx, input.agency, 'agency'), raiseScore(ctx.store, input, ctx.today(), ctx.clock.timeZone)),
  'score/export': (ctx, input) => (requireAgency(ctx, input.agency, 'agency'), ctx.store.read((tx) => exportScore(tx, input, ctx.today(), ctx.clock.timeZone, input.format))),
};
