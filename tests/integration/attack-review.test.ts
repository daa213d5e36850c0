import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import XLSX from 'xlsx';
import type { FileOut, ScanRow, StocktakeDetail, StocktakeRow } from '../../api/contract';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { agency, asset, templateBuffer } from '../fixtures/factories';
import { as, asUser, call, refused, rows, seededLedger, type TestLedger } from '../fixtures/engine';

/** City M with counties K and J; city N with county X. Blank labels BL-K-… printed for K, BL-X-… for X. */
async function ledger(): Promise<{ l: TestLedger; admin: Context; k: Context; j: Context; mHead: Context; xManager: Context }> {
  const l = await seededLedger(templateBuffer(
    [agency({ code: 'M', level: 'city' }), agency({ code: 'K', parentCode: 'M' }), agency({ code: 'J', parentCode: 'M' }),
      agency({ code: 'N', level: 'city' }), agency({ code: 'X', parentCode: 'N' })],
    [
      asset({ assetTag: 'K-1', itemCode: 'S01', agencyCode: 'K' }),
      asset({ assetTag: 'K-2', itemCode: 'S01', agencyCode: 'K' }),
      asset({ assetTag: 'J-1', itemCode: 'S01', agencyCode: 'J', custodian: '周某' }),
      asset({ assetTag: 'J-2', itemCode: 'S09', agencyCode: 'J' }),
      asset({ assetTag: 'X-1', itemCode: 'S01', agencyCode: 'X' }),
    ],
  ));
  const admin = as(l, 'admin');
  for (const [code, owner] of [['BL-K-0000AAAA', 'K'], ['BL-X-0000BBBB', 'X']]) {
    await l.store.write((tx) => tx.run(sql`insert into blank_labels (code, agency_id, printed_by, printed_at)
      values (${code}, (select id from agencies where code = ${owner}), '测试', ${admin.who().at})`));
  }
  return {
    l, admin, k: await asUser(l, 'k-manager', 'manager', 'K'), j: await asUser(l, 'j-manager', 'manager', 'J'),
    mHead: await asUser(l, 'm-head', 'head', 'M'), xManager: await asUser(l, 'x-manager', 'manager', 'X'),
  };
}

const scan = (ctx: Context, id: number, codes: string[], more: Record<string, unknown> = {}) =>
  call<ScanRow[]>(ctx, 'stocktakes/scan', { id, scans: codes.map((code) => ({ code })), source: 'typed', ...more });

const text = (problems: { message: string }[]) => problems.map((p) => p.message).join('; ');

describe('attack review: stocktakes as a county account', () => {
  it('a county inside a city\'s stocktake reads only its own county\'s scans, counts, differences and report, not its sibling\'s', async () => {
    const { admin, k, j } = await ledger();
    const { id } = await call<StocktakeRow>(admin, 'stocktakes/start', { agencyCode: 'M', title: '市盘点' });
    await scan(j, id, ['J-1'], { atAgency: 'J', custodian: '周某' });
    // Sent without a place, as the phone page and a first scan on the desktop do: found at the county's own agency.
    expect((await scan(k, id, ['K-1']))[0]).toMatchObject({ agencyCode: 'K', outcome: 'matched' });
    // And the county's own stocktake waits for the city's, which the county is told it cannot end itself.
    expect((await refused(k, 'stocktakes/start', { agencyCode: 'K', title: '县盘点' }))[0].message).toMatch(/^.+\(M\)的盘点 #\d+「市盘点」尚未办结.*请该盘点的组织机构取消它$/);
    const seen = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(seen.scans.map((s) => s.agencyCode)).toEqual(['K']);
    expect(seen.counts.map((c) => c.agencyCode)).toEqual(['K']);
    expect([seen.expected, seen.found, seen.part]).toEqual([2, 1, { agencyCode: 'K', agencyName: expect.any(String) }]);
    const listed = (await call<StocktakeRow[]>(k, 'stocktakes/list', {})).find((r) => r.id === id)!;
    expect([listed.expected, listed.found]).toEqual([2, 1]);
    const whole = await call<StocktakeDetail>(admin, 'stocktakes/get', { id });
    expect([whole.expected, whole.found, whole.part, whole.scans.length]).toEqual([4, 2, null, 2]);

    await call(admin, 'stocktakes/close', { id });
    const closed = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(closed.differences.map((d) => d.code)).toEqual(['K-2']);
    expect((await call<StocktakeDetail>(j, 'stocktakes/get', { id })).differences.map((d) => d.code)).toEqual(['J-2']);
    const wb = XLSX.read(Buffer.from((await call<FileOut>(k, 'stocktakes/report', { id })).base64, 'base64'));
    const cells = JSON.stringify(Object.values(wb.Sheets).map((sheet) => XLSX.utils.sheet_to_json(sheet, { header: 1 })));
    expect(cells).not.toContain('J-2');
    expect(cells).not.toContain('"J"');
    expect(cells).toContain('本报告只含');
    // The whole stocktake is the city's to settle: a county inside it is refused, naming the organising agency.
    expect((await refused(k, 'stocktakes/settle', { id: (await call<StocktakeDetail>(admin, 'stocktakes/get', { id })).differences[0].id, reason: '借出', proposal: '追回', settlement: 'loss' }))[0].message).toContain('M');
  });

  it('approving a 盘盈 does not link a blank label printed for an agency outside the stocktake\'s subtree', async () => {
    const { l, k, mHead } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '县盘点' });
    // X's label code, typed by K's manager (X's label is not K's to take)
    await scan(k, id, ['K-1', 'K-2', 'BL-X-0000BBBB']);
    await call(k, 'stocktakes/close', { id });
    const { differences } = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    const surplus = differences.find((d) => d.code === 'BL-X-0000BBBB')!;
    const settling = { id: surplus.id, reason: '发现', proposal: '登记', settlement: 'register', registration: { itemCode: 'S01' } };
    const problems = await refused(k, 'stocktakes/settle', settling);
    expect(problems[0].message).toContain('不是本次盘点范围内打印的空白标签');
    // A settlement stored before this check existed is refused at approval, and X's label stays free.
    await l.store.write((tx) => tx.run(sql`update stocktake_differences set reason = '发现', proposal = '登记', settlement = 'register',
      registration = ${JSON.stringify({ itemCode: 'S01' })} where id = ${surplus.id}`));
    await call(k, 'stocktakes/propose', { id });
    expect((await refused(mHead, 'stocktakes/approve', { id }))[0].message).toContain('不是本次盘点范围内打印的空白标签');
    expect(await rows(l, sql<{ assetId: number | null }>`select asset_id as "assetId" from blank_labels where code = 'BL-X-0000BBBB'`)).toEqual([{ assetId: null }]);
  });

  it('stocktakes/linkScan on a sibling\'s scan in the city\'s stocktake does not tell the county what the sibling scanned', async () => {
    const { admin, k, j } = await ledger();
    const { id } = await call<StocktakeRow>(admin, 'stocktakes/start', { agencyCode: 'M', title: '市盘点' });
    const [matched, surplus] = await scan(j, id, ['J-1', 'J-SECRET-77'], { atAgency: 'J' });
    // K's own view of the stocktake holds neither of J's scans …
    expect((await call<StocktakeDetail>(k, 'stocktakes/get', { id })).scans).toEqual([]);
    // … yet walking scan ids through linkScan (with one of K's own tags) reads back each code J scanned.
    const onMatched = text(await refused(k, 'stocktakes/linkScan', { id: matched.id, tag: 'K-1' }));
    const onSurplus = text(await refused(k, 'stocktakes/linkScan', { id: surplus.id, tag: 'K-1' }));
    const onNothing = text(await refused(k, 'stocktakes/linkScan', { id: 999_999, tag: 'K-1' }));
    expect(onMatched).not.toContain('J-1');
    expect(onSurplus).not.toContain('J-SECRET-77');
    // A scan outside the caller's part is answered as one that does not exist.
    expect(onMatched.replace(`#${matched.id}`, '#N')).toBe(onNothing.replace('#999999', '#N'));
    expect(onSurplus.replace(`#${surplus.id}`, '#N')).toBe(onNothing.replace('#999999', '#N'));
  });

  // Kept by design: a tag scanned in the county's own stocktake that belongs elsewhere is a 位置不符 naming its owner, since the
  // unit may really be on the county's premises (borrowed) and must go back; its label prints the same. What stops a county
  // typing tags to learn another's ledger is that the owner sees who scanned its units, and when.
  it('another agency\'s tag scanned in a county\'s stocktake is named in an audit entry that agency\'s head reads', async () => {
    const { l, k } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '县盘点' });
    await scan(k, id, ['X-1', 'NO-SUCH-1', 'K-1']);
    type Entry = { actor: string; entity: string; after: Record<string, unknown> | null };
    const entries = async (ctx: Context) => (await call<{ rows: Entry[] }>(ctx, 'audit/list', { query: { entity: 'stocktake-scan' }, startRow: 0, endRow: 50 })).rows;
    const xHead = await asUser(l, 'x-head', 'head', 'X');
    expect((await entries(xHead)).map((e) => [e.actor, e.after?.foreignAssets])).toEqual([['k-manager', ['X-1']]]);
    // A head elsewhere sees nothing of it.
    expect(await entries(await asUser(l, 'j-head', 'head', 'J'))).toEqual([]);
  });

  it('an agency\'s blank label outside the caller\'s scope is answered like a label the ledger never printed (labels/link, scan, linkScan, settle)', async () => {
    const { k } = await ledger();
    // labels/link
    const link = async (code: string) => text(await refused(k, 'labels/link', { code, tag: 'K-1' })).replace(code, 'CODE');
    expect(await link('BL-X-0000BBBB')).toBe(await link('BL-X-0000ZZZZ'));
    // stocktakes/scan: the answer's unlinkedLabel
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '县盘点' });
    const [printed, never] = await scan(k, id, ['BL-X-0000BBBB', 'BL-X-0000ZZZZ']);
    expect(printed.unlinkedLabel).toBe(never.unlinkedLabel);
    // stocktakes/linkScan on those scans
    const linkScan = async (r: ScanRow) => text(await refused(k, 'stocktakes/linkScan', { id: r.id, tag: 'K-1' })).replace(r.code, 'CODE');
    expect(await linkScan(printed)).toBe(await linkScan(never));
    // stocktakes/settle registering them as 盘盈: both refused alike, naming no agency
    await call(k, 'stocktakes/close', { id });
    const { differences } = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    const settle = async (code: string) => {
      const d = differences.find((x) => x.code === code)!;
      const r = await dispatch(k, 'stocktakes/settle', { id: d.id, reason: '发现', proposal: '登记', settlement: 'register', registration: { itemCode: 'S01' } });
      return r.ok ? 'ok' : text(r.problems).replace(code, 'CODE');
    };
    expect(await settle('BL-X-0000BBBB')).toBe(await settle('BL-X-0000ZZZZ'));
  });

  it('a stocktake outside the caller\'s sight is answered as one that does not exist, not by naming its agency', async () => {
    const { j, k } = await ledger();
    const { id } = await call<StocktakeRow>(j, 'stocktakes/start', { agencyCode: 'J', title: 'J 县盘点' });
    const seen = text(await refused(k, 'stocktakes/get', { id })).replace(`#${id}`, '#N');
    const none = text(await refused(k, 'stocktakes/get', { id: 999_999 })).replace('#999999', '#N');
    expect(seen).not.toContain('J');
    expect(seen).toBe(none);
  });

  it('a scan\'s clientId is the scanner\'s own: another account sending the same one is refused, and reads nothing of the first scan', async () => {
    const { l, admin, k, j } = await ledger();
    const { id } = await call<StocktakeRow>(admin, 'stocktakes/start', { agencyCode: 'M', title: '市盘点' });
    await call(j, 'stocktakes/scan', { id, scans: [{ code: 'J-1', clientId: 'scanner-1' }], atAgency: 'J', custodian: '周某', source: 'scanner' });
    const problems = await refused(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1', clientId: 'scanner-1' }], atAgency: 'K', source: 'scanner' });
    expect(problems).toEqual([{ field: 'scans.0.clientId', message: '第 1 条扫描的客户端编号已被使用;请重新扫描' }]);
    // The first scanner sending it again (its queue) is answered with its own scan, stored once.
    const [again] = await call<ScanRow[]>(j, 'stocktakes/scan', { id, scans: [{ code: 'J-1', clientId: 'scanner-1' }], atAgency: 'J', custodian: '周某', source: 'scanner' });
    expect([again.code, again.scannedBy]).toEqual(['J-1', 'j-manager']);
    expect(await rows(l, sql<{ code: string }>`select code from stocktake_scans where stocktake_id = ${id} order by id`)).toEqual([{ code: 'J-1' }]);
  });
});
