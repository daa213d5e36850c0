import { z } from 'zod';
import { ASSET_FIELDS } from './assets';
import { code } from './values';

/** The life of a stocktake (db/schema/stocktakes.ts). */
export const STOCKTAKE_STATUSES = ['counting', 'closed', 'proposed', 'approved', 'cancelled'] as const;
export type StocktakeStatus = (typeof STOCKTAKE_STATUSES)[number];

/** What a scan was judged: 账实相符, 位置不符, 盘盈, 重复, 状态不符. */
export const SCAN_OUTCOMES = ['matched', 'misplaced', 'surplus', 'duplicate', 'status_mismatch'] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];
/** Where a scan came from: a USB scanner (keyboard input ending in Enter), the phone page's camera, typed, the CLI. */
export const SCAN_SOURCES = ['scanner', 'camera', 'typed', 'cli'] as const;
export type ScanSource = (typeof SCAN_SOURCES)[number];

/** What closing found: 位置不符, 盘盈, 盘亏, 状态不符. */
export const DIFFERENCE_KINDS = ['misplaced', 'surplus', 'missing', 'status_mismatch'] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];
/** How a difference is settled on approval: move the asset, register the 盘盈, file a loss or a disposal request, or nothing. */
export const SETTLEMENTS = ['transfer', 'register', 'loss', 'disposal', 'none'] as const;
export type Settlement = (typeof SETTLEMENTS)[number];

/** The words users see, in the server's answers, the report and the command line (renderer/i18n/zh-CN.ts says the same). */
export const STOCKTAKE_STATUS_WORDS: Record<StocktakeStatus, string> = { counting: '盘点中', closed: '已结束', proposed: '待审批', approved: '已批准', cancelled: '已作废' };
export const OUTCOME_WORDS: Record<ScanOutcome, string> = { matched: '账实相符', misplaced: '位置不符', surplus: '盘盈', duplicate: '重复', status_mismatch: '状态不符' };
export const KIND_WORDS: Record<DifferenceKind, string> = { misplaced: '位置不符', surplus: '盘盈', missing: '盘亏', status_mismatch: '状态不符' };
export const SETTLEMENT_WORDS: Record<Settlement, string> = {
  transfer: '按发现地点及保管人调整', register: '登记入账', loss: '报损(盘亏)', disposal: '报废申请', none: '不调整台账',
};

/** The settlements each kind of difference may take, the first its default when closing writes it. */
export const SETTLEMENTS_OF: Record<DifferenceKind, readonly Settlement[]> = {
  misplaced: ['transfer', 'none'],
  surplus: ['register', 'none'],
  missing: ['loss', 'disposal', 'none'],
  status_mismatch: ['none'],
};

/** What a difference still lacks before the settlement may go for approval: its 原因, its 处置意见, and for a 盘盈 to register, its item. */
export function lacksForProposal(d: Pick<DifferenceRow, 'reason' | 'proposal' | 'settlement' | 'registration'>): string[] {
  return [
    ...(d.reason ? [] : ['原因']),
    ...(d.proposal ? [] : ['处置意见']),
    ...(d.settlement ? [] : ['处置方式']),
    ...(d.settlement === 'register' && !d.registration ? ['登记的装备品目'] : []),
  ];
}

const person = z.string().trim().max(50).nullable();

export const STOCKTAKE_START = z.object({
  agencyCode: code,
  title: z.string().trim().min(1, '请填写盘点名称').max(100),
  counter: person.optional(),
  supervisor: person.optional(),
  responsible: person.optional(),
});

/**
 * Scans sent together (a phone's queue comes at once). A code is a tag, a blank label's code, or the label's
 * address `https://SERVER/a/TAG`. `clientId` (the phone's id of the scan) makes a scan count once however often sent.
 */
export const STOCKTAKE_SCAN = z.object({
  id: z.number().int().positive(),
  scans: z.array(z.object({
    code: z.string().trim().min(1, '扫描内容为空').max(300, '扫描内容过长'),
    clientId: z.string().max(64).optional(),
  })).min(1).max(500),
  /** Where they were found: an agency in the stocktake's subtree (the stocktake's own when absent). */
  atAgency: code.optional(),
  custodian: person.optional(),
  source: z.enum(SCAN_SOURCES),
});

/** A blank label scanned before it was linked: the asset it was found stuck on. */
export const SCAN_LINK = z.object({
  id: z.number().int().positive(),
  tag: z.string().trim().min(1, '请填写装备编号').max(100, '装备编号不能超过 100 个字符'),
});

/** A 盘盈 registered on approval: the facts of the asset found. */
export const REGISTRATION = ASSET_FIELDS.pick({ itemCode: true, model: true, serialNumber: true, purchaseDate: true, priceFen: true, custodian: true, location: true }).partial({
  model: true, serialNumber: true, purchaseDate: true, priceFen: true, custodian: true, location: true,
});

export const DIFFERENCE_SETTLE = z.object({
  id: z.number().int().positive(),
  reason: z.string().trim().max(500).nullable(),
  proposal: z.string().trim().max(500).nullable(),
  settlement: z.enum(SETTLEMENTS),
  registration: REGISTRATION.nullable().optional(),
});

export interface StocktakeRow {
  id: number;
  agencyCode: string;
  agencyName: string;
  title: string;
  status: StocktakeStatus;
  counter: string | null;
  supervisor: string | null;
  responsible: string | null;
  /** Who did it: the account's name, and its display name (the name itself for an account since removed, or the CLI). */
  startedBy: string;
  startedByName: string;
  startedAt: string;
  closedAt: string | null;
  proposedBy: string | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  /** Why a bureau head returned the settlement (the last time it was returned). */
  note: string | null;
  expected: number;
  /** Expected assets found (matched, misplaced or status mismatch), counted once each. */
  found: number;
}

/** The live counts while a stocktake runs, per agency and item. */
export interface StocktakeCount {
  agencyCode: string;
  agencyName: string;
  itemCode: string;
  itemName: string;
  expected: number;
  found: number;
}

export interface ScanRow {
  id: number;
  code: string;
  assetTag: string | null;
  itemName: string | null;
  agencyCode: string;
  agencyName: string;
  expectedAgencyCode: string | null;
  custodian: string | null;
  outcome: ScanOutcome;
  source: ScanSource;
  scannedBy: string;
  scannedByName: string;
  scannedAt: string;
  /** A blank label no asset carries yet (a 盘盈 until it is linked to the asset it was found on). */
  unlinkedLabel: boolean;
}

export interface DifferenceRow {
  id: number;
  kind: DifferenceKind;
  code: string;
  assetTag: string | null;
  itemCode: string | null;
  itemName: string | null;
  expectedAgencyCode: string | null;
  expectedAgencyName: string | null;
  foundAgencyCode: string | null;
  foundAgencyName: string | null;
  foundCustodian: string | null;
  reason: string | null;
  proposal: string | null;
  settlement: Settlement | null;
  registration: z.infer<typeof REGISTRATION> | null;
  settledAssetTag: string | null;
}

export interface StocktakeDetail extends StocktakeRow {
  /**
   * Set when the caller works inside the stocktake's subtree, not over it (a county's manager in the city's stocktake):
   * their own agency, whose subtree's part alone the counts, scans, differences and 应有/实有 cover.
   */
  part: { agencyCode: string; agencyName: string } | null;
  counts: StocktakeCount[];
  /** The latest scans, newest first. */
  scans: ScanRow[];
  differences: DifferenceRow[];
}

/** What `eql stocktake close --json` prints (the shape). */
export interface StocktakeClosing {
  found: number;
  misplaced: { tag: string; expected: string; at: string }[];
  surplus: string[];
  missing: string[];
  duplicates: number;
  statusMismatch: string[];
}
