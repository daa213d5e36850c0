import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import XLSX from 'xlsx';
import type { FileOut, ScanRow, StocktakeDetail, StocktakeRow } from '../../api/contract';
import type { Context } from '../../server/context';
import { agency, asset, templateBuffer } from '../fixtures/factories';
import { as, asUser, call, refused, rows, seededLedger, type TestLedger } from '../fixtures/engine';

/** City M with counties K and J; city N with county X. Blank labels BL-K-… printed for K, BL-X-… for X. */
async function ledger(): Promise<{ l: TestLedger; admin: Context; k: Context; j: Context; mHead: Context; xManager: Context }> {
  const l = await seededLedger(templateBuffer(
    [agency({ code: 'M', level: 'city' }), agency({ code: 'K', parentCode: 'M' }), agency({ code: 'J', parentCode: 'M' }),
      agency({ code: 'N', level: 'city' }), agency({ code: 'X', parentCode: 'N' })],
    [
      asset({ assetTag: 'K-1', itemCode: 'S01', agencyCode: 'K' }),
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

describe('attack review: stocktakes as a county account', () => {
  it('a county inside a city\'s stocktake reads only its own county\'s scans, counts, differences and report, not its sibling\'s', async () => {
    const { admin, k, j } = await ledger();
    const { id } = await call<StocktakeRow>(admin, 'stocktakes/start', { agencyCode: 'M', title: '市盘点' });
    await scan(j, id, ['J-1'], { atAgency: 'J', custodian: '周某' });
    await scan(k, id, ['K-1'], { atAgency: 'K' });
    const seen = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(seen.scans.map((s) => s.agencyCode)).toEqual(['K']);
    expect(seen.counts.map((c) => c.agencyCode)).toEqual(['K']);
    expect([seen.expected, seen.found, seen.part]).toEqual([1, 1, { agencyCode: 'K', agencyName: expect.any(String) }]);
    const listed = (await call<StocktakeRow[]>(k, 'stocktakes/list', {})).find((r) => r.id === id)!;
    expect([listed.expected, listed.found]).toEqual([1, 1]);
    const whole = await call<StocktakeDetail>(admin, 'stocktakes/get', { id });
    expect([whole.expected, whole.found, whole.part, whole.scans.length]).toEqual([3, 2, null, 2]);

    await call(admin, 'stocktakes/close', { id });
    const closed = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    expect(closed.differences.map((d) => d.code)).toEqual([]);
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
    await scan(k, id, ['K-1', 'BL-X-0000BBBB']);
    await call(k, 'stocktakes/close', { id });
    const { differences } = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    const surplus = differences.find((d) => d.code === 'BL-X-0000BBBB')!;
    const settling = { id: surplus.id, reason: '发现', proposal: '登记', settlement: 'register', registration: { itemCode: 'S01' } };
    const problems = await refused(k, 'stocktakes/settle', settling);
    expect(problems[0].message).toContain('X');
    // A settlement stored before this check existed is refused at approval, and X's label stays free.
    await l.store.write((tx) => tx.run(sql`update stocktake_differences set reason = '发现', proposal = '登记', settlement = 'register',
      registration = ${JSON.stringify({ itemCode: 'S01' })} where id = ${surplus.id}`));
    await call(k, 'stocktakes/propose', { id });
    expect((await refused(mHead, 'stocktakes/approve', { id }))[0].message).toContain('X');
    expect(await rows(l, sql<{ assetId: number | null }>`select asset_id as "assetId" from blank_labels where code = 'BL-X-0000BBBB'`)).toEqual([{ assetId: null }]);
  });
});
