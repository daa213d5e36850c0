import { localDate } from '../clock';
import type { IsoDate } from '../dates';
import {
  KIND_WORDS, SETTLEMENT_WORDS, STOCKTAKE_STATUS_WORDS, type DifferenceKind, type Settlement, type StocktakeDetail, type StocktakeStatus,
} from './stocktakes';

/** What a stocktake found for some assets: 应有, 实有, 账实相符, 位置不符, 盘盈, 盘亏, 状态不符. */
export interface StocktakeTally {
  expected: number;
  found: number;
  matched: number;
  misplaced: number;
  surplus: number;
  missing: number;
  statusMismatch: number;
}

/** One line of the 汇总: an agency's units of one item. */
export interface StocktakeReportLine extends StocktakeTally {
  agencyCode: string;
  /** Empty only when the stocktake's detail names the agency nowhere (not its own, counted, scanned at, nor any difference's). */
  agencyName: string;
  itemCode: string;
  itemName: string;
}

/** An agency as the report names it: by name where the stocktake's detail carries it. */
export interface ReportAgency {
  code: string;
  name: string | null;
}

/** One line of the 差异明细. */
export interface StocktakeReportDifference {
  /** 序号, from 1. */
  no: number;
  kind: DifferenceKind;
  kindWord: string;
  /** What was scanned (or, for a 盘亏, the tag of the asset never found). */
  code: string;
  assetTag: string | null;
  itemCode: string | null;
  itemName: string | null;
  expectedAgency: ReportAgency | null;
  foundAgency: ReportAgency | null;
  foundCustodian: string | null;
  reason: string | null;
  proposal: string | null;
  settlement: Settlement | null;
  settlementWord: string | null;
  settledAssetTag: string | null;
}

export const INTERIM_NOTE = '盘点尚未结束,本报告为中间结果:尚未扫到的装备暂计为盘亏,差异在结束盘点后定案';

/** The 盘点报告's figures, which the .xlsx, its CSV and the PDF all draw. */
export interface StocktakeReport {
  id: number;
  title: string;
  agencyCode: string;
  agencyName: string;
  status: StocktakeStatus;
  statusWord: string;
  startedOn: IsoDate;
  closedOn: IsoDate | null;
  /** The date the report is signed under: the decision's, else the closing's, else the start's. */
  signedOn: IsoDate;
  counter: string | null;
  supervisor: string | null;
  responsible: string | null;
  /** Said where the report covers one part of the stocktake (a county's in the city's): which part. */
  partNote: string | null;
  /** Said while counting goes on: the figures are not final. */
  interimNote: string | null;
  /** By agency code, then item code. */
  lines: StocktakeReportLine[];
  total: StocktakeTally;
  differences: StocktakeReportDifference[];
}

const NONE: StocktakeTally = { expected: 0, found: 0, matched: 0, misplaced: 0, surplus: 0, missing: 0, statusMismatch: 0 };
const UNREGISTERED_ITEM = '(未登记品目)';

/**
 * The 盘点报告 of a stocktake's detail, its dates in `timeZone`. A difference counts under the agency it belongs to on the
 * books (a 盘盈 under where it was found) and its item (a 盘盈 under the item it is to be registered as); 账实相符 is what
 * was found less what was found elsewhere than the books say.
 */
export function stocktakeReport(st: StocktakeDetail, timeZone: string): StocktakeReport {
  const names = new Map<string, string>([[st.agencyCode, st.agencyName]]);
  for (const s of st.scans) names.set(s.agencyCode, s.agencyName);
  for (const d of st.differences) {
    if (d.expectedAgencyCode && d.expectedAgencyName) names.set(d.expectedAgencyCode, d.expectedAgencyName);
    if (d.foundAgencyCode && d.foundAgencyName) names.set(d.foundAgencyCode, d.foundAgencyName);
  }
  for (const c of st.counts) names.set(c.agencyCode, c.agencyName);
  const lines = new Map<string, StocktakeReportLine>();
  const line = (agencyCode: string, itemCode: string, itemName: string): StocktakeReportLine => {
    const key = `${agencyCode}\u0000${itemCode}`;
    let l = lines.get(key);
    if (!l) lines.set(key, (l = { agencyCode, agencyName: names.get(agencyCode) ?? '', itemCode, itemName, ...NONE }));
    return l;
  };
  for (const c of st.counts) Object.assign(line(c.agencyCode, c.itemCode, c.itemName), { expected: c.expected, found: c.found });
  for (const d of st.differences) {
    const l = line((d.kind === 'surplus' ? d.foundAgencyCode : d.expectedAgencyCode) ?? '', d.itemCode ?? '', d.itemName ?? (d.kind === 'surplus' ? UNREGISTERED_ITEM : ''));
    if (d.kind === 'misplaced') l.misplaced += 1;
    else if (d.kind === 'surplus') l.surplus += 1;
    else if (d.kind === 'missing') l.missing += 1;
    else l.statusMismatch += 1;
  }
  const ordered = [...lines.values()].sort((a, b) => a.agencyCode.localeCompare(b.agencyCode) || a.itemCode.localeCompare(b.itemCode));
  for (const l of ordered) l.matched = Math.max(0, l.found - l.misplaced);
  const total = ordered.reduce<StocktakeTally>((t, l) => ({
    expected: t.expected + l.expected, found: t.found + l.found, matched: t.matched + l.matched, misplaced: t.misplaced + l.misplaced,
    surplus: t.surplus + l.surplus, missing: t.missing + l.missing, statusMismatch: t.statusMismatch + l.statusMismatch,
  }), NONE);
  const agency = (code: string | null): ReportAgency | null => (code === null ? null : { code, name: names.get(code) ?? null });
  const day = (s: string) => localDate(s, timeZone);
  return {
    id: st.id, title: st.title, agencyCode: st.agencyCode, agencyName: st.agencyName, status: st.status, statusWord: STOCKTAKE_STATUS_WORDS[st.status],
    startedOn: day(st.startedAt), closedOn: st.closedAt ? day(st.closedAt) : null, signedOn: day(st.decidedAt ?? st.closedAt ?? st.startedAt),
    counter: st.counter, supervisor: st.supervisor, responsible: st.responsible,
    partNote: st.part ? `本报告只含${st.part.agencyName}(${st.part.agencyCode})及其下属机构的部分` : null,
    interimNote: st.status === 'counting' ? INTERIM_NOTE : null,
    lines: ordered, total,
    differences: st.differences.map((d, i) => ({
      no: i + 1, kind: d.kind, kindWord: KIND_WORDS[d.kind], code: d.code, assetTag: d.assetTag, itemCode: d.itemCode, itemName: d.itemName,
      expectedAgency: agency(d.expectedAgencyCode), foundAgency: agency(d.foundAgencyCode), foundCustodian: d.foundCustodian,
      reason: d.reason, proposal: d.proposal, settlement: d.settlement, settlementWord: d.settlement ? SETTLEMENT_WORDS[d.settlement] : null,
      settledAssetTag: d.settledAssetTag,
    })),
  };
}
