import { describe, expect, it } from 'vitest';
import { stocktakeReport } from '../../lib/domain/stocktake-report';
import type { DifferenceRow, DifferenceKind, StocktakeDetail } from '../../lib/domain/stocktakes';

let next = 1;
const difference = (kind: DifferenceKind, code: string, over: Partial<DifferenceRow> = {}): DifferenceRow => ({
  id: next++, kind, code, assetTag: kind === 'surplus' ? null : code, itemCode: 'S09', itemName: '执法记录仪',
  expectedAgencyCode: kind === 'surplus' ? null : 'K', expectedAgencyName: kind === 'surplus' ? null : '西湖分局',
  foundAgencyCode: kind === 'missing' ? null : 'K', foundAgencyName: kind === 'missing' ? null : '西湖分局', foundCustodian: null,
  reason: null, proposal: null, settlement: null, registration: null, settledAssetTag: null, ...over,
});

/** County K's stocktake, closed at 01:30 on New Year's Day in Shanghai (17:30 UTC the day before), with one difference of each kind. */
const detail = (): StocktakeDetail => ({
  id: 7, agencyCode: 'K', agencyName: '西湖分局', title: '年度盘点', status: 'closed', counter: '王盘点', supervisor: '赵监盘', responsible: null,
  startedBy: 'k', startedByName: '张管理', decidedByName: null, note: null, startedAt: '2026-12-30T02:00:00.000Z', closedAt: '2026-12-31T17:30:00.000Z', proposedBy: null, decidedBy: null, decidedAt: null,
  expected: 4, found: 3, part: null,
  counts: [
    { agencyCode: 'K', agencyName: '西湖分局', itemCode: 'S09', itemName: '执法记录仪', expected: 3, found: 2 },
    { agencyCode: 'K', agencyName: '西湖分局', itemCode: 'S01', itemName: '执法车辆', expected: 1, found: 1 },
  ],
  scans: [{ id: 1, code: 'Q-1', assetTag: 'Q-1', itemName: '执法车辆', agencyCode: 'Q', agencyName: '桐庐分局', expectedAgencyCode: 'K', custodian: null, outcome: 'misplaced', source: 'typed', scannedBy: 'k', scannedByName: '张管理', scannedAt: '2026-12-30T03:00:00.000Z', unlinkedLabel: false }],
  differences: [
    difference('misplaced', 'K-3', { foundAgencyCode: 'Q', foundAgencyName: null, foundCustodian: '王五' }),
    difference('misplaced', 'X-1', { itemCode: 'S01', itemName: '执法车辆', expectedAgencyCode: 'X', expectedAgencyName: '建德分局' }),
    difference('misplaced', 'Z-1', { itemCode: 'S01', itemName: '执法车辆', expectedAgencyCode: 'Z', expectedAgencyName: null }),
    difference('surplus', 'NEW-1', { itemCode: null, itemName: null }),
    difference('surplus', 'BL-1', { itemCode: 'S01', itemName: '执法车辆', settlement: 'register' }),
    difference('missing', 'K-5', { reason: '借出未还', proposal: '追回', settlement: 'loss' }),
    difference('status_mismatch', 'K-4'),
  ],
});

describe('the 盘点报告\'s figures', () => {
  it('sums each agency\'s items, a difference under its agency on the books (a 盘盈 where found) and a 盘盈 under its registered item', () => {
    const r = stocktakeReport(detail(), 'Asia/Shanghai');
    expect(r.lines.map((l) => [l.agencyCode, l.itemCode, l.itemName, l.expected, l.found, l.matched, l.misplaced, l.surplus, l.missing, l.statusMismatch])).toEqual([
      ['K', '', '(未登记品目)', 0, 0, 0, 0, 1, 0, 0],
      ['K', 'S01', '执法车辆', 1, 1, 1, 0, 1, 0, 0],
      ['K', 'S09', '执法记录仪', 3, 2, 1, 1, 0, 1, 1],
      ['X', 'S01', '执法车辆', 0, 0, 0, 1, 0, 0, 0],
      ['Z', 'S01', '执法车辆', 0, 0, 0, 1, 0, 0, 0],
    ]);
    expect(r.total).toEqual({ expected: 4, found: 3, matched: 2, misplaced: 3, surplus: 2, missing: 1, statusMismatch: 1 });
  });

  it('names each agency wherever the detail names it (its own, counted, scanned at, a difference\'s) and leaves the others to their codes', () => {
    const r = stocktakeReport(detail(), 'Asia/Shanghai');
    expect(r.lines.filter((l) => l.agencyCode !== 'K').map((l) => [l.agencyCode, l.agencyName])).toEqual([['X', '建德分局'], ['Z', '']]);
    expect(r.differences[0]).toMatchObject({ no: 1, kindWord: '位置不符', expectedAgency: { code: 'K', name: '西湖分局' }, foundAgency: { code: 'Q', name: '桐庐分局' }, foundCustodian: '王五' });
    expect(r.differences[1].expectedAgency).toEqual({ code: 'X', name: '建德分局' });
    expect(r.differences[2].expectedAgency).toEqual({ code: 'Z', name: null });
    expect(r.differences[5]).toMatchObject({ no: 6, kindWord: '盘亏', reason: '借出未还', proposal: '追回', settlementWord: '报损(盘亏)', foundAgency: null });
    expect(r.differences[6]).toMatchObject({ kindWord: '状态不符', settlementWord: null });
  });

  it('dates the report in the ledger\'s zone: a stocktake closed at 01:30 on 1 January in Shanghai was closed on 31 December in London', () => {
    expect(stocktakeReport(detail(), 'Asia/Shanghai')).toMatchObject({ startedOn: '2026-12-30', closedOn: '2027-01-01', signedOn: '2027-01-01', statusWord: '已结束' });
    expect(stocktakeReport(detail(), 'Europe/London')).toMatchObject({ closedOn: '2026-12-31', signedOn: '2026-12-31' });
    const decided = { ...detail(), status: 'approved' as const, decidedAt: '2027-01-05T01:00:00.000Z' };
    expect(stocktakeReport(decided, 'Asia/Shanghai')).toMatchObject({ signedOn: '2027-01-05', statusWord: '已批准' });
    expect(stocktakeReport({ ...detail(), status: 'counting', closedAt: null }, 'Asia/Shanghai')).toMatchObject({ closedOn: null, signedOn: '2026-12-30' });
  });
});
