import { sql } from 'kysely';
import XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import type { DisposalRow, FileOut, ScanRow, ScoreResult, StocktakeClosing, StocktakeDetail, StocktakeRow } from '../../api/contract';
import type { Clock } from '../../lib/clock';
import { normaliseScanCode } from '../../lib/scan-code';
import type { Context } from '../../server/context';
import { testClock } from '../fixtures/context';
import { agency, asset, templateBuffer } from '../fixtures/factories';
import { as, asUser, call, otherProcess, refused, rows, seededLedger, type TestLedger, value } from '../fixtures/engine';
import { hasPoppler, pdfFonts, pdfPages, pdfPageSize, pdfText, savedPdf } from '../fixtures/pdf';

/**
 * City M with counties K and J; city N with county X, outside. K holds K-1 (张三), K-2, K-3 (李四), K-5 and the
 * scrapped K-4; J holds J-1; X holds X-1. A blank label BL-0001 was printed for K.
 */
async function ledger(clock?: Clock): Promise<{ l: TestLedger; admin: Context; k: Context; j: Context; head: Context; reader: Context }> {
  const l = await seededLedger(templateBuffer(
    [agency({ code: 'M', level: 'city' }), agency({ code: 'K', parentCode: 'M' }), agency({ code: 'J', parentCode: 'M' }),
      agency({ code: 'N', level: 'city' }), agency({ code: 'X', parentCode: 'N' })],
    [
      asset({ assetTag: 'K-1', itemCode: 'S01', agencyCode: 'K', custodian: '张三' }),
      asset({ assetTag: 'K-2', itemCode: 'S09', agencyCode: 'K' }),
      asset({ assetTag: 'K-3', itemCode: 'S09', agencyCode: 'K', custodian: '李四' }),
      asset({ assetTag: 'K-4', itemCode: 'S09', agencyCode: 'K', status: 'scrapped' }),
      asset({ assetTag: 'K-5', itemCode: 'S09', agencyCode: 'K' }),
      asset({ assetTag: 'J-1', itemCode: 'S01', agencyCode: 'J' }),
      asset({ assetTag: 'X-1', itemCode: 'S01', agencyCode: 'X' }),
    ],
  ), clock);
  const admin = as(l, 'admin');
  await l.store.write((tx) => tx.run(sql`insert into blank_labels (code, agency_id, printed_by, printed_at)
    values ('BL-0001', (select id from agencies where code = 'K'), '测试', ${admin.who().at})`));
  return {
    l, admin, k: await asUser(l, 'k-manager', 'manager', 'K'), j: await asUser(l, 'j-manager', 'manager', 'J'),
    head: await asUser(l, 'k-head', 'head', 'K'), reader: await asUser(l, 'k-reader', 'readonly', 'K'),
  };
}

const scan = (ctx: Context, id: number, codes: string[], more: Record<string, unknown> = {}) =>
  call<ScanRow[]>(ctx, 'stocktakes/scan', { id, scans: codes.map((code) => ({ code })), source: 'typed', ...more });

/** K's stocktake with one scan of every kind, closed. */
async function counted(ctx: Context): Promise<{ id: number; closing: StocktakeClosing; scans: ScanRow[] }> {
  const { id } = await call<StocktakeRow>(ctx, 'stocktakes/start', { agencyCode: 'K', title: '2026 年度盘点', counter: '王盘点', supervisor: '赵监盘', responsible: '钱负责' });
  const scans = [
    ...await scan(ctx, id, ['K-1', 'Ｋ－２\r', 'https://eql.example.cn/a/K-1', 'K-4', 'X-1', 'UNKNOWN-9', 'UNKNOWN-9', 'BL-0001']),
    ...await scan(ctx, id, ['K-3'], { custodian: '王五' }),
  ];
  return { id, closing: await call<StocktakeClosing>(ctx, 'stocktakes/close', { id }), scans };
}

describe('a stocktake of a county, as its manager', () => {
  it('freezes the expected list (not scrapped), judges every kind of scan and closes with the issue\'s JSON', async () => {
    const { k } = await ledger();
    const started = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '年度盘点' });
    expect(started).toMatchObject({ agencyCode: 'K', status: 'counting', expected: 4, found: 0, startedBy: 'k-manager' });
    await call(k, 'stocktakes/cancel', { id: started.id });
    const { id, closing, scans } = await counted(k);
    expect(scans.map((s) => [s.code, s.outcome])).toEqual([
      ['K-1', 'matched'], ['K-2', 'matched'], ['K-1', 'duplicate'], ['K-4', 'status_mismatch'], ['X-1', 'misplaced'],
      ['UNKNOWN-9', 'surplus'], ['UNKNOWN-9', 'duplicate'], ['BL-0001', 'surplus'], ['K-3', 'misplaced'],
    ]);
    expect(scans[4]).toMatchObject({ assetTag: 'X-1', agencyCode: 'K', expectedAgencyCode: null });
    expect(scans[8]).toMatchObject({ assetTag: 'K-3', expectedAgencyCode: 'K', custodian: '王五' });
    expect(closing).toEqual({
      found: 3,
      misplaced: [{ tag: 'K-3', expected: 'K', at: 'K' }, { tag: 'X-1', expected: 'X', at: 'K' }],
      surplus: ['BL-0001', 'UNKNOWN-9'], missing: ['K-5'], duplicates: 2, statusMismatch: ['K-4'],
    });
    const detail = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(detail).toMatchObject({ status: 'closed', expected: 4, found: 3 });
    expect(detail.counts).toEqual([
      { agencyCode: 'K', agencyName: 'K执法大队', itemCode: 'S01', itemName: expect.any(String), expected: 1, found: 1 },
      { agencyCode: 'K', agencyName: 'K执法大队', itemCode: 'S09', itemName: expect.any(String), expected: 3, found: 2 },
    ]);
    expect(detail.scans).toHaveLength(9);
    expect(detail.scans[0].code).toBe('K-3');
    expect(Object.fromEntries(detail.differences.map((d) => [d.code, d.settlement]))).toEqual({
      'K-3': 'transfer', 'X-1': 'none', 'BL-0001': 'register', 'UNKNOWN-9': 'register', 'K-5': 'loss', 'K-4': 'none',
    });
  });

  it('counts live per agency and item while scanning, a duplicate once', async () => {
    const { k } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '盘点' });
    await scan(k, id, ['K-2', 'K-2', 'K-3']);
    const d = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(d.found).toBe(2);
    expect(d.counts.find((c) => c.itemCode === 'S09')).toMatchObject({ expected: 3, found: 2 });
  });

  it('is settled by the manager and approved by the head in one audited batch that changes the ledger', async () => {
    const { k, head, l } = await ledger();
    const { id } = await counted(k);
    const diffs = (await call<StocktakeDetail>(k, 'stocktakes/get', { id })).differences;
    const of = (code: string) => diffs.find((d) => d.code === code)!.id;

    const missing = await refused(k, 'stocktakes/propose', { id });
    expect(missing).toHaveLength(6);
    expect(missing.map((p) => p.message)).toContain('盘亏「K-5」未填写原因、处置意见');
    expect(missing.map((p) => p.message)).toContain('盘盈「UNKNOWN-9」未填写原因、处置意见、登记的装备品目');

    const settle = (code: string, settlement: string, extra: Record<string, unknown> = {}) =>
      call<StocktakeDetail>(k, 'stocktakes/settle', { id: of(code), reason: `${code} 的原因`, proposal: `${code} 的处置意见`, settlement, ...extra });
    expect((await refused(k, 'stocktakes/settle', { id: of('X-1'), reason: 'r', proposal: 'p', settlement: 'transfer' }))[0].message).toContain('X');
    expect((await refused(k, 'stocktakes/settle', { id: of('K-4'), reason: 'r', proposal: 'p', settlement: 'loss' }))[0]).toMatchObject({ field: 'settlement' });
    await settle('K-3', 'transfer');
    await settle('X-1', 'none');
    await settle('BL-0001', 'register', { registration: { itemCode: 'S09', model: '便携式检测仪' } });
    await settle('UNKNOWN-9', 'register', { registration: { itemCode: 'S01', serialNumber: 'SN-9' } });
    await settle('K-5', 'loss', { reason: '遗失' });
    await settle('K-4', 'none');
    expect((await call<StocktakeRow>(k, 'stocktakes/propose', { id })).status).toBe('proposed');

    expect((await refused(k, 'stocktakes/approve', { id }))[0].message).toContain('无权');
    const approved = await call<StocktakeRow>(head, 'stocktakes/approve', { id });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'k-head' });
    expect((await refused(head, 'stocktakes/approve', { id }))[0].message).toContain('已批准');

    const assets = await rows<{ tag: string; agency: string; custodian: string | null; item: string }>(l, sql`select s.asset_tag as tag, a.code as agency,
      s.custodian, s.item_code as item from assets s join agencies a on a.id = s.agency_id where s.asset_tag in ('K-3', 'UNKNOWN-9', 'BL-0001', 'X-1') order by s.asset_tag`);
    expect(assets).toEqual([
      { tag: 'BL-0001', agency: 'K', custodian: null, item: 'S09' },
      { tag: 'K-3', agency: 'K', custodian: '王五', item: 'S09' },
      { tag: 'UNKNOWN-9', agency: 'K', custodian: null, item: 'S01' },
      { tag: 'X-1', agency: 'X', custodian: null, item: 'S01' },
    ]);
    expect(await value(l, sql`select count(*) as n from blank_labels b join assets s on s.id = b.asset_id where b.code = 'BL-0001' and s.asset_tag = 'BL-0001'`)).toBe(1);
    expect(await value(l, sql`select count(*) as n from custody_records c join assets s on s.id = c.asset_id where s.asset_tag = 'K-3' and c.custodian = '王五' and c.to_date is null`)).toBe(1);
    const disposals = await call<DisposalRow[]>(head, 'disposals/list', {});
    expect(disposals.map((d) => [d.assetTag, d.status, d.reason])).toEqual([['K-5', 'requested', '盘亏:遗失']]);

    const audit = await rows<{ entity: string; key: string; batch: string | null }>(l, sql`select entity, entity_key as key, batch from audit_log
      where actor = 'k-head' order by id`);
    expect(new Set(audit.map((a) => a.batch)).size).toBe(1);
    expect(audit[0].batch).not.toBeNull();
    expect(audit.map((a) => `${a.entity}:${a.key}`)).toEqual(expect.arrayContaining(['asset:K-3', 'asset:BL-0001', 'blank-label:BL-0001', 'asset:UNKNOWN-9', 'stocktake:#' + id]));
    expect(audit.some((a) => a.entity === 'disposal' && a.key.startsWith('K-5#'))).toBe(true);

    const after = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(after.differences.find((d) => d.code === 'UNKNOWN-9')).toMatchObject({ settledAssetTag: 'UNKNOWN-9', itemCode: 'S01' });
  });

  it('counts, once approved, as use records and custodian evidence in the year\'s Zhejiang item 12 of the agencies it covered', async () => {
    const { k, head } = await ledger();
    const year = Number(k.today().slice(0, 4));
    const item12 = async (agency: string) => (await call<ScoreResult>(k, 'score/card', { agency, year })).items[11];
    const before = await item12('K');
    expect(before.why).not.toContain('盘点');
    const { id } = await counted(k);
    for (const d of (await call<StocktakeDetail>(k, 'stocktakes/get', { id })).differences) {
      await call(k, 'stocktakes/settle', { id: d.id, reason: '原因', proposal: '意见', settlement: 'none' });
    }
    await call(k, 'stocktakes/propose', { id });
    expect((await item12('K')).why).not.toContain('盘点');
    await call(head, 'stocktakes/approve', { id });
    const after = await item12('K');
    expect(after.why).toContain('本年度已批准盘点 1 次');
    expect(after.points).toBe(5);
    expect(after.points).toBeGreaterThan(before.points);
  });

  it('counts a stocktake approved late on New Year\'s Eve in the year of the ledger\'s own time zone', async () => {
    // 23:20 on 31 December in Urumqi (UTC+6) is already 1 January in Shanghai.
    const { k, head } = await ledger(testClock('2030-12-31T17:20:00Z', 'Asia/Urumqi'));
    const { id } = await counted(k);
    for (const d of (await call<StocktakeDetail>(k, 'stocktakes/get', { id })).differences) {
      await call(k, 'stocktakes/settle', { id: d.id, reason: '原因', proposal: '意见', settlement: 'none' });
    }
    await call(k, 'stocktakes/propose', { id });
    await call(head, 'stocktakes/approve', { id });
    const item12 = async (year: number) => (await call<ScoreResult>(k, 'score/card', { agency: 'K', year })).items[11].why;
    expect(await item12(2030)).toContain('本年度已批准盘点 1 次');
    expect(await item12(2031)).not.toContain('盘点');
  });

  it('returns a rejected proposal to closed with the note, and refuses approval after the ledger changed under it', async () => {
    const { k, head, admin } = await ledger();
    const { id } = await counted(k);
    const diffs = (await call<StocktakeDetail>(k, 'stocktakes/get', { id })).differences;
    for (const d of diffs) {
      await call(k, 'stocktakes/settle', { id: d.id, reason: '原因', proposal: '意见', settlement: d.kind === 'surplus' ? 'none' : d.settlement });
    }
    await call(k, 'stocktakes/propose', { id });
    expect(await call<StocktakeRow>(head, 'stocktakes/reject', { id, note: '请核实 K-5' })).toMatchObject({ status: 'closed' });
    await call(k, 'stocktakes/propose', { id });
    const k5 = (await rows<{ id: number }>(admin, sql`select id from assets where asset_tag = 'K-5'`))[0].id;
    await call(admin, 'disposals/request', { assetId: k5, reason: '已另行报废' });
    const problems = await refused(head, 'stocktakes/approve', { id });
    expect(problems[0].message).toContain('K-5');
  });

  it('names the people and agencies in its rows by their names, and shows the head\'s reason for returning it', async () => {
    const { l, admin } = await ledger();
    const k = await asUser(l, 'k-zhang', 'manager', 'K', '张管理');
    const head = await asUser(l, 'k-li', 'head', 'K', '李局长');
    const { id } = await counted(k);
    let detail = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(detail).toMatchObject({ startedBy: 'k-zhang', startedByName: '张管理', decidedByName: null, note: null });
    expect(new Set(detail.scans.map((s) => s.scannedByName))).toEqual(new Set(['张管理']));
    const x1 = detail.differences.find((d) => d.assetTag === 'X-1')!;
    const [kName, xName] = (await rows<{ name: string }>(admin, sql`select name from agencies where code in ('K', 'X') order by code`)).map((r) => r.name);
    expect(x1).toMatchObject({ kind: 'misplaced', expectedAgencyCode: 'X', expectedAgencyName: xName, foundAgencyCode: 'K', foundAgencyName: kName });
    for (const d of detail.differences) await call(k, 'stocktakes/settle', { id: d.id, reason: '原因', proposal: '意见', settlement: 'none' });
    await call(k, 'stocktakes/propose', { id });
    await call(head, 'stocktakes/reject', { id, note: '请核实 K-5 的去向' });
    detail = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(detail).toMatchObject({ status: 'closed', decidedBy: 'k-li', decidedByName: '李局长', note: '请核实 K-5 的去向' });
  });

  it('links a blank label to the asset it was found on at its first scan, judging that scan again as the asset\'s', async () => {
    const { l, k, j, reader } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '贴标盘点' });
    const [blank] = await scan(k, id, ['BL-0001']);
    expect(blank).toMatchObject({ outcome: 'surplus', assetTag: null, unlinkedLabel: true });
    const [tagged] = await scan(k, id, ['K-1']);
    expect(tagged.unlinkedLabel).toBe(false);
    const again = (await scan(k, id, ['BL-0001']))[0];
    expect(again).toMatchObject({ outcome: 'duplicate', unlinkedLabel: true });

    expect((await refused(k, 'stocktakes/linkScan', { id: tagged.id, tag: 'K-2' }))[0].message).toContain('不是未绑定的空白标签');
    // Another county's tag is answered as one the ledger lacks, so that a county cannot probe which tags exist.
    expect((await refused(k, 'stocktakes/linkScan', { id: blank.id, tag: 'X-1' }))[0].message).toBe('您管辖范围内没有装备编号 X-1');
    expect((await refused(j, 'stocktakes/linkScan', { id: blank.id, tag: 'K-2' }))[0].message).toBe(`扫描记录 #${blank.id} 不存在`);
    expect((await refused(reader, 'stocktakes/linkScan', { id: blank.id, tag: 'K-2' }))[0].message).toMatch(/无权/);
    expect((await refused(k, 'stocktakes/linkScan', { id: blank.id, tag: 'NO-SUCH' }))[0].message).toBe('您管辖范围内没有装备编号 NO-SUCH');

    expect(await call<ScanRow>(k, 'stocktakes/linkScan', { id: blank.id, tag: 'K-2' })).toMatchObject({ id: blank.id, outcome: 'matched', assetTag: 'K-2', unlinkedLabel: false });
    expect(await rows(l, sql<{ tag: string }>`select s.asset_tag as tag from blank_labels b join assets s on s.id = b.asset_id where b.code = 'BL-0001'`)).toEqual([{ tag: 'K-2' }]);
    const detail = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(detail.found).toBe(2);
    expect(detail.scans.find((x) => x.id === again.id)).toMatchObject({ outcome: 'duplicate', assetTag: 'K-2' });
    expect((await scan(k, id, ['K-2']))[0].outcome).toBe('duplicate');
    expect((await refused(k, 'stocktakes/linkScan', { id: blank.id, tag: 'K-3' }))[0].message).toContain('不是未绑定的空白标签');
    const closing = await call<StocktakeClosing>(k, 'stocktakes/close', { id });
    expect(closing.surplus).toEqual([]);
    expect(closing.missing.sort()).toEqual(['K-3', 'K-5']);
  });

  it('refuses a second stocktake over an overlapping subtree, naming the open one', async () => {
    const { k, admin } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '县盘点' });
    const problems = await refused(admin, 'stocktakes/start', { agencyCode: 'M', title: '市盘点' });
    expect(problems[0]).toMatchObject({ field: 'agencyCode' });
    expect(problems[0].message).toContain(`#${id}`);
    expect(problems[0].message).toContain('县盘点');
    await call(admin, 'stocktakes/start', { agencyCode: 'X', title: '另一市的县' });
  });
});

describe('who may see and change a stocktake', () => {
  it('refuses another county, scans outside the subtree, readonly writes and scans after closing', async () => {
    const { k, j, reader, admin } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '盘点' });
    expect((await refused(j, 'stocktakes/get', { id }))[0]).toMatchObject({ field: 'id' });
    expect((await refused(j, 'stocktakes/scan', { id, scans: [{ code: 'K-1' }], source: 'typed' }))[0]).toMatchObject({ field: 'id' });
    expect(await call<StocktakeRow[]>(j, 'stocktakes/list', {})).toEqual([]);
    expect((await refused(j, 'stocktakes/start', { agencyCode: 'K', title: '越权' }))[0]).toMatchObject({ field: 'agencyCode' });
    expect((await refused(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1' }], source: 'typed', atAgency: 'J' }))[0]).toMatchObject({ field: 'atAgency' });
    expect((await refused(admin, 'stocktakes/scan', { id, scans: [{ code: 'K-1' }], source: 'typed', atAgency: 'J' }))[0].message).toContain('不在盘点');
    expect((await refused(reader, 'stocktakes/scan', { id, scans: [{ code: 'K-1' }], source: 'typed' }))[0].message).toContain('无权');
    expect((await refused(reader, 'stocktakes/close', { id }))[0].message).toContain('无权');
    expect((await call<StocktakeRow[]>(reader, 'stocktakes/list', {})).map((s) => s.id)).toEqual([id]);
    await call(k, 'stocktakes/close', { id });
    expect((await refused(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1' }], source: 'typed' }))[0].message).toContain('当前为「已结束」');
  });

  it('shows a city\'s stocktake to a county inside it, which scans at its own county but may not close it', async () => {
    const { k, admin } = await ledger();
    const { id } = await call<StocktakeRow>(admin, 'stocktakes/start', { agencyCode: 'M', title: '市盘点' });
    expect((await call<StocktakeRow[]>(k, 'stocktakes/list', {})).map((s) => s.id)).toEqual([id]);
    expect((await scan(k, id, ['J-1'], { atAgency: 'K' }))[0].outcome).toBe('misplaced');
    // Without a place: at the county, the part it counts. At a place outside it: refused.
    expect((await scan(k, id, ['K-1']))[0]).toMatchObject({ agencyCode: 'K', outcome: 'matched' });
    expect((await refused(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1' }], source: 'typed', atAgency: 'M' }))[0]).toMatchObject({ field: 'atAgency' });
    expect((await refused(k, 'stocktakes/close', { id }))[0]).toMatchObject({ field: 'id' });
  });
});

describe('what scanners, phones and hands send', () => {
  it('reads a label address, full-width letters and control characters as the tag', () => {
    expect(normaliseScanCode('\u0002https://eql.example.cn/a/%E6%B5%99-K-1\r\n')).toBe('浙-K-1');
    expect(normaliseScanCode('  Ｋ－１\t')).toBe('K-1');
    expect(normaliseScanCode('http://10.0.0.2:8443/a/K-1/')).toBe('K-1');
    expect(normaliseScanCode('https://eql.example.cn/b/K-1')).toBe('https://eql.example.cn/b/K-1');
  });

  it('refuses a code over 300 characters or of control characters only, naming the field, and stores nothing', async () => {
    const { k } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '盘点' });
    expect((await refused(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1' }, { code: 'x'.repeat(301) }], source: 'scanner' }))[0])
      .toMatchObject({ field: 'scans.1.code', message: '扫描内容过长' });
    expect((await refused(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1' }, { code: '\u0001\u0002' }], source: 'scanner' }))[0])
      .toMatchObject({ field: 'scans.1.code' });
    expect((await refused(k, 'stocktakes/scan', { id: 999, scans: [{ code: 'K-1' }], source: 'scanner' }))[0].message).toContain('#999');
  });

  it('answers a resent scan (the same clientId) with the one stored, in one batch and across batches', async () => {
    const { k } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '盘点' });
    const first = await call<ScanRow[]>(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1', clientId: 'p1-1' }, { code: 'K-1', clientId: 'p1-1' }], source: 'camera' });
    expect(first.map((s) => [s.id, s.outcome])).toEqual([[first[0].id, 'matched'], [first[0].id, 'matched']]);
    const again = await call<ScanRow[]>(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1', clientId: 'p1-1' }, { code: 'K-2', clientId: 'p1-2' }], source: 'camera' });
    expect(again.map((s) => s.outcome)).toEqual(['matched', 'matched']);
    expect(again[0].id).toBe(first[0].id);
    expect((await call<StocktakeDetail>(k, 'stocktakes/get', { id })).scans).toHaveLength(2);
  });

  it('judges two scans of one code from two server processes at once as one matched and one duplicate', async () => {
    const { l, k } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '盘点' });
    const other = as({ ledger: await otherProcess(l) }, 'manager', { username: 'k-2', agencyCode: 'K' });
    const answers = await Promise.all([scan(k, id, ['K-1', 'K-2']), scan(other, id, ['K-1', 'K-2'])]);
    expect(answers.flat().map((s) => s.outcome).sort()).toEqual(['duplicate', 'duplicate', 'matched', 'matched']);
    expect((await call<StocktakeDetail>(k, 'stocktakes/get', { id })).found).toBe(2);
  });
});

describe('the 盘点报告', () => {
  it('sums expected, found and each kind of difference by agency and item, and lists each difference with its reason', async () => {
    const { k } = await ledger();
    const { id } = await counted(k);
    const diffs = (await call<StocktakeDetail>(k, 'stocktakes/get', { id })).differences;
    await call(k, 'stocktakes/settle', { id: diffs.find((d) => d.code === 'K-5')!.id, reason: '借出未还', proposal: '追回', settlement: 'loss' });
    const file = await call<FileOut>(k, 'stocktakes/report', { id });
    expect(file.fileName).toBe(`盘点报告-${id}.xlsx`);
    const wb = XLSX.read(Buffer.from(file.base64, 'base64'));
    const summary = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['汇总'], { header: 1, defval: null });
    const header = summary.findIndex((r) => r[0] === '机构编码');
    expect(summary[header]).toEqual(['机构编码', '机构名称', '装备代码', '装备名称', '应有', '实有', '账实相符', '位置不符', '盘盈', '盘亏', '状态不符']);
    const line = (agency: string, item: string) => summary.find((r) => r[0] === agency && (r[2] ?? '') === item)!.slice(4);
    expect(line('K', 'S01')).toEqual([1, 1, 1, 0, 0, 0, 0]);
    expect(line('K', 'S09')).toEqual([3, 2, 1, 1, 0, 1, 1]);
    expect(line('X', 'S01')).toEqual([0, 0, 0, 1, 0, 0, 0]);
    expect(line('K', '')).toEqual([0, 0, 0, 0, 2, 0, 0]);
    expect(summary.find((r) => r[0] === '合计')!.slice(4)).toEqual([4, 3, 2, 2, 2, 1, 1]);
    expect(summary.find((r) => r[0] === '盘点人')).toEqual(['盘点人', '王盘点', '监盘人', '赵监盘', '负责人', '钱负责', null, null, null, null, null]);
    const details = XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets['差异明细']);
    expect(details).toHaveLength(6);
    expect(details.find((d) => d['资产编号'] === 'K-5')).toMatchObject({ 差异类型: '盘亏', 原因: '借出未还', 处置意见: '追回', 处置方式: '报损(盘亏)' });
    const csv = await call<FileOut>(k, 'stocktakes/report', { id, format: 'csv' });
    expect(csv.fileName).toBe(`盘点报告-${id}.zip`);
    expect(summary.some((r) => r[0] === '中间结果')).toBe(false);
  });

  it('says, while counting goes on, that it is an interim result whose missing units are not yet final', async () => {
    const { k } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '年度盘点' });
    await scan(k, id, ['K-1']);
    const wb = XLSX.read(Buffer.from((await call<FileOut>(k, 'stocktakes/report', { id })).base64, 'base64'));
    const summary = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['汇总'], { header: 1, defval: null });
    expect(summary.find((r) => r[0] === '中间结果')?.[1]).toBe('盘点尚未结束,本报告为中间结果:尚未扫到的装备暂计为盘亏,差异在结束盘点后定案');
  });

  it('is refused, in every format, to a county outside the stocktake\'s agency, as if it did not exist', async () => {
    const { k, j } = await ledger();
    const { id } = await counted(k);
    for (const format of [undefined, 'csv', 'pdf']) {
      const problems = await refused(j, 'stocktakes/report', { id, format });
      expect(problems[0]).toMatchObject({ field: 'id' });
      expect(problems[0].message).toBe(`盘点 #${id} 不存在`);
    }
  });
});

/** A 原因, a 处置意见 and a settlement for each difference `counted` finds, each its own so that the report's rows tell them apart. */
const SETTLING: Record<string, { reason: string; proposal: string; settlement: string; registration?: { itemCode: string } }> = {
  'K-3': { reason: '调拨未办手续', proposal: '补办调拨手续', settlement: 'transfer' },
  'X-1': { reason: '外单位借用', proposal: '归还原单位', settlement: 'none' },
  'BL-0001': { reason: '新购未入账', proposal: '登记入账', settlement: 'register', registration: { itemCode: 'S09' } },
  'UNKNOWN-9': { reason: '捐赠未登记', proposal: '登记入账并贴签', settlement: 'register', registration: { itemCode: 'S01' } },
  'K-5': { reason: '借出未还', proposal: '限期追回', settlement: 'loss' },
  'K-4': { reason: '报废后仍在用', proposal: '停止使用', settlement: 'none' },
};

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A pattern for one line of `pdftotext -layout` holding these cells in order, columns apart (a font's narrow space may read as none). */
const cellsInLine = (...cells: string[]) => new RegExp(`^\\s*${cells.map((c) => c.split(/\s+/).map(escaped).join('\\s*')).join('\\s+')}\\s*$`, 'm');

describe.skipIf(!hasPoppler)('the 盘点报告 as a PDF to print and sign', () => {
  it('prints the very figures of the workbook by agency and item, each difference with its reason and proposal, the three names and 第 1 页 共 N 页', async () => {
    // 00:20 on 1 December in Shanghai, still 30 November in UTC: the report's dates are the ledger's, whatever the machine's zone.
    const { k, head } = await ledger(testClock('2026-11-30T16:20:00Z', 'Asia/Shanghai'));
    const { id } = await counted(k);
    for (const d of (await call<StocktakeDetail>(k, 'stocktakes/get', { id })).differences) await call(k, 'stocktakes/settle', { id: d.id, ...SETTLING[d.code] });
    await call(k, 'stocktakes/propose', { id });
    await call(head, 'stocktakes/approve', { id });

    const wb = XLSX.read(Buffer.from((await call<FileOut>(k, 'stocktakes/report', { id })).base64, 'base64'));
    const summary = XLSX.utils.sheet_to_json<(string | number | null)[]>(wb.Sheets['汇总'], { header: 1, defval: null });
    const details = XLSX.utils.sheet_to_json<Record<string, string | number | null>>(wb.Sheets['差异明细']);
    const file = await call<FileOut>(k, 'stocktakes/report', { id, format: 'pdf' });
    expect(file.fileName).toBe(`盘点报告-${id}.pdf`);
    const pdf = savedPdf(file);
    expect(pdfPageSize(pdf)).toMatch(/^841\.\d+ x 595\.\d+ pts \(A4\)/);
    const text = pdfText(pdf);
    const flat = text.replace(/\s+/g, '');

    expect(flat).toContain('盘点报告:2026年度盘点');
    expect(flat).toContain('盘点单位:K执法大队(K)');
    expect(flat).toContain('状态:已批准');
    expect(summary[2]).toEqual(['开始日期', '2026-12-01', '结束日期', '2026-12-01', null, null, null, null, null, null, null]);
    expect(flat).toContain('开始日期:2026-12-01');
    expect(flat).toContain('结束日期:2026-12-01');

    const header = summary.findIndex((r) => r[0] === '机构编码');
    const total = summary.findIndex((r) => r[0] === '合计');
    const lines = summary.slice(header + 1, total);
    // K's S01 and S09 (each 盘盈 under the item it is registered as) and X's S01 (X-1 misplaced).
    expect(lines.map((r) => `${r[0]} ${r[2]}`)).toEqual(['K S01', 'K S09', 'X S01']);
    for (const [code, name, itemCode, itemName, ...figures] of lines) {
      const item = [itemCode, itemName].filter(Boolean).join(' ');
      expect(text).toMatch(cellsInLine(name ? `${name}(${code})` : String(code), item, ...figures.map(String)));
    }
    expect(text).toMatch(cellsInLine('合计', ...summary[total].slice(4).map(String)));

    expect(details).toHaveLength(6);
    for (const d of details) {
      const { reason, proposal } = SETTLING[String(d['扫描编码'])];
      expect([d['原因'], d['处置意见']]).toEqual([reason, proposal]);
      expect(text).toMatch(new RegExp(`^\\s*${d['序号']}\\s+${d['差异类型']}\\s+${escaped(String(d['资产编号'] ?? d['扫描编码']))}\\s.*\\s${reason}\\s+${proposal}\\s`, 'm'));
    }
    // Agencies by name and code, X's too though it lies outside the stocktake (X-1's books are there); where K-3 was found and with whom.
    expect(text).toMatch(/^\s*\d+\s+盘亏\s+K-5\s.*K执法大队\(K\)\s+未找到/m);
    expect(text).toMatch(/^\s*\d+\s+位置不符\s+X-1\s.*\sX执法大队\(X\)\s+K执法大队\(K\)\s/m);
    expect(flat).toContain('保管人:王五');

    for (const who of ['盘点人:王盘点', '监盘人:赵监盘', '负责人:钱负责', '单位(盖章)']) expect(flat).toContain(who);
    expect(summary.find((r) => r[0] === '日期')![1]).toBe('2026-12-01');
    expect(flat).toContain('日期:2026-12-01');
    const pages = pdfPages(pdf);
    expect(pdfText(pdf, 1)).toContain(`第 1 页 共 ${pages} 页`);
    expect(pdfText(pdf, pages)).toContain(`第 ${pages} 页 共 ${pages} 页`);

    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f).toMatchObject({ name: expect.stringMatching(/^[A-Z]{6}\+SourceHanSansSC-Regular$/), embedded: true, subset: true, unicode: true });
  });

  it('runs 300 differences over several pages, the header row atop each, every difference once and no page left empty', async () => {
    const tags = Array.from({ length: 300 }, (_, i) => `K-${String(i + 1).padStart(3, '0')}`);
    const l = await seededLedger(templateBuffer([agency({ code: 'K', name: '某县生态环境保护综合行政执法队' })], tags.map((assetTag) => asset({ assetTag, itemCode: 'S09', agencyCode: 'K' }))));
    const k = await asUser(l, 'k-manager', 'manager', 'K');
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '年度盘点', counter: '王盘点', supervisor: '赵监盘', responsible: '钱负责' });
    await call(k, 'stocktakes/close', { id });
    const pdf = savedPdf(await call<FileOut>(k, 'stocktakes/report', { id, format: 'pdf' }));
    const pages = pdfPages(pdf);
    expect(pages).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    for (let p = 1; p <= pages; p++) {
      const page = pdfText(pdf, p);
      expect(page).toContain(`第 ${p} 页 共 ${pages} 页`);
      const rows = [...page.matchAll(/^\s*(\d+)\s+盘亏\s+(K-\d{3})\s/gm)].map((m) => [Number(m[1]), m[2]] as const);
      for (const [no, tag] of rows) expect(tag).toBe(tags[no - 1]);
      seen.push(...rows.map(([, tag]) => tag));
      if (rows.length) expect(page).toMatch(cellsInLine('序号', '差异类型', '编码', '装备', '账面机构', '实际所在机构', '原因', '处置意见', '处置方式'));
      else expect(p).toBe(pages);
      if (p > 1 && rows.length) expect(page).toContain('二、差异明细(续)');
    }
    expect(seen).toEqual(tags);
    expect(pdfText(pdf, pages).replace(/\s+/g, '')).toContain('盘点人:王盘点');
  }, 120_000);

  it('is the only export that draws a PDF: the others refuse the format, naming theirs', async () => {
    const { k } = await ledger();
    expect((await refused(k, 'assets/export', { query: {}, format: 'pdf' }))[0].message).toBe('导出格式应为 xlsx 或 csv');
    expect((await refused(k, 'stocktakes/report', { id: 1, format: 'docx' }))[0].message).toBe('导出格式应为 xlsx、csv 或 pdf');
  });
});
