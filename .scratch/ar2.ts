import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ScanRow, StocktakeDetail, StocktakeRow } from '../../api/contract';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { agency, asset, templateBuffer } from '../fixtures/factories';
import { as, asUser, call, refused, rows, seededLedger, type TestLedger } from '../fixtures/engine';

/** City M with counties K and J; city N with county X. Blank labels BL-K-… printed for K, BL-X-… for X. */
async function ledger(): Promise<{ l: TestLedger; admin: Context; k: Context; j: Context }> {
  const l = await seededLedger(templateBuffer(
    [agency({ code: 'M', level: 'city' }), agency({ code: 'K', parentCode: 'M' }), agency({ code: 'J', parentCode: 'M' }),
      agency({ code: 'N', level: 'city' }), agency({ code: 'X', parentCode: 'N' })],
    [
      asset({ assetTag: 'K-1', itemCode: 'S01', agencyCode: 'K' }),
      asset({ assetTag: 'K-2', itemCode: 'S01', agencyCode: 'K' }),
      asset({ assetTag: 'J-1', itemCode: 'S01', agencyCode: 'J', custodian: '周某' }),
      asset({ assetTag: 'J-2', itemCode: 'S09', agencyCode: 'J' }),
      asset({ assetTag: 'X-1', itemCode: 'S09', agencyCode: 'X' }),
    ],
  ));
  const admin = as(l, 'admin');
  for (const [code, owner] of [['BL-K-0000AAAA', 'K'], ['BL-X-0000BBBB', 'X']]) {
    await l.store.write((tx) => tx.run(sql`insert into blank_labels (code, agency_id, printed_by, printed_at)
      values (${code}, (select id from agencies where code = ${owner}), '测试', ${admin.who().at})`));
  }
  return { l, admin, k: await asUser(l, 'k-manager', 'manager', 'K'), j: await asUser(l, 'j-manager', 'manager', 'J') };
}

const scan = (ctx: Context, id: number, codes: string[], more: Record<string, unknown> = {}) =>
  call<ScanRow[]>(ctx, 'stocktakes/scan', { id, scans: codes.map((code) => ({ code })), source: 'typed', ...more });

const text = (problems: { message: string }[]) => problems.map((p) => p.message).join('; ');

describe('attack review 2: a county account against the stocktake and label scope', () => {
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
    expect.soft(onMatched).not.toContain('J-1');
    expect.soft(onSurplus).not.toContain('J-SECRET-77');
    // A scan outside the caller's part is answered as one that does not exist.
    expect(onMatched.replace(`#${matched.id}`, '#N')).toBe(onNothing.replace('#999999', '#N'));
    expect(onSurplus.replace(`#${surplus.id}`, '#N')).toBe(onNothing.replace('#999999', '#N'));
  });

  it('stocktakes/scan (and close) in the county\'s own stocktake is no oracle for another city\'s tags: their item and owning agency', async () => {
    const { k } = await ledger();
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '县盘点' });
    // Typed, in one batch of up to 500: a tag of city N's county X, and a code the ledger lacks.
    const [other, none] = await scan(k, id, ['X-1', 'NO-SUCH-1']);
    const shape = (r: ScanRow) => ({ outcome: r.outcome, assetTag: r.assetTag, itemName: r.itemName, expectedAgencyCode: r.expectedAgencyCode });
    expect.soft(shape(other)).toEqual(shape(none));
    await call(k, 'stocktakes/close', { id });
    const { differences } = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    // Today: 位置不符 X-1, 账面 in X (its name too), with its item — then the county cancels and leaves no stocktake behind.
    expect(JSON.stringify(differences)).not.toContain('"X"');
  });

  it('an agency\'s blank label outside the caller\'s scope is answered like a label the ledger never printed (labels/link, scan, linkScan, settle)', async () => {
    const { k } = await ledger();
    // labels/link
    const link = async (code: string) => text(await refused(k, 'labels/link', { code, tag: 'K-1' })).replace(code, 'CODE');
    expect.soft(await link('BL-X-0000BBBB')).toBe(await link('BL-X-0000ZZZZ'));
    // stocktakes/scan: the answer's unlinkedLabel
    const { id } = await call<StocktakeRow>(k, 'stocktakes/start', { agencyCode: 'K', title: '县盘点' });
    const [printed, never] = await scan(k, id, ['BL-X-0000BBBB', 'BL-X-0000ZZZZ']);
    expect.soft(printed.unlinkedLabel).toBe(never.unlinkedLabel);
    // stocktakes/linkScan on those scans
    const linkScan = async (r: ScanRow) => text(await refused(k, 'stocktakes/linkScan', { id: r.id, tag: 'K-1' })).replace(r.code, 'CODE');
    expect.soft(await linkScan(printed)).toBe(await linkScan(never));
    // stocktakes/settle registering them as 盘盈: today X's is refused naming X, the other accepted
    await call(k, 'stocktakes/close', { id });
    const { differences } = await call<StocktakeDetail>(k, 'stocktakes/get', { id });
    const settle = async (code: string) => {
      const d = differences.find((x) => x.code === code)!;
      const r = await dispatch(k, 'stocktakes/settle', { id: d.id, reason: '发现', proposal: '登记', settlement: 'register', registration: { itemCode: 'S01' } });
      return r.ok ? 'ok' : text(r.problems).replace(code, 'CODE');
    };
    expect.soft(await settle('BL-X-0000BBBB')).toBe(await settle('BL-X-0000ZZZZ'));
  });

  it('a stocktake outside the caller\'s sight is answered as one that does not exist, not by naming its agency', async () => {
    const { j, k } = await ledger();
    const { id } = await call<StocktakeRow>(j, 'stocktakes/start', { agencyCode: 'J', title: 'J 县盘点' });
    const seen = text(await refused(k, 'stocktakes/get', { id })).replace(`#${id}`, '#N');
    const none = text(await refused(k, 'stocktakes/get', { id: 999_999 })).replace('#999999', '#N');
    expect(seen).not.toContain('J');
    expect(seen).toBe(none);
  });

  it('a scan\'s clientId is the scanner\'s own: another county sending the same one gets its own scan, not the sibling\'s row', async () => {
    const { l, admin, k, j } = await ledger();
    const { id } = await call<StocktakeRow>(admin, 'stocktakes/start', { agencyCode: 'M', title: '市盘点' });
    await call(j, 'stocktakes/scan', { id, scans: [{ code: 'J-1', clientId: 'scanner-1' }], atAgency: 'J', custodian: '周某', source: 'scanner' });
    const [row] = await call<ScanRow[]>(k, 'stocktakes/scan', { id, scans: [{ code: 'K-1', clientId: 'scanner-1' }], atAgency: 'K', source: 'scanner' });
    // Today: J's row (J-1, at J, 周某, scanned by j-manager), and K's K-1 silently not stored.
    expect([row.agencyCode, row.code, row.scannedBy]).toEqual(['K', 'K-1', 'k-manager']);
    expect(await rows(l, sql<{ code: string }>`select code from stocktake_scans where stocktake_id = ${id} order by id`)).toEqual([{ code: 'J-1' }, { code: 'K-1' }]);
  });
});
