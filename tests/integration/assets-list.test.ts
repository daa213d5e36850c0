import { describe, expect, it } from 'vitest';
import type { AssetRow } from '../../api/contract';
import { contextAs } from '../fixtures/context';
import { dispatch } from '../../server/dispatch';
import type { Context } from '../../server/context';
import { agency, asset, templateBuffer, tempLedger, seedTemplate } from '../fixtures/factories';

async function ledger(): Promise<Context> {
  const { db, file } = tempLedger();
  const ctx = contextAs(db, file, 'admin', { username: 'tester' });
  const agencies = [
    agency({ code: 'P', level: 'province' }),
    agency({ code: 'M', level: 'city', parentCode: 'P' }),
    agency({ code: 'K1', level: 'county', parentCode: 'M' }),
    agency({ code: 'K2', level: 'county', parentCode: 'M' }),
  ];
  await seedTemplate(db, templateBuffer(agencies, [
    asset({ assetTag: 'V1', itemCode: 'S01', agencyCode: 'K1', plateNumber: '示A12345', priceFen: 25_000_000, purchaseDate: '2015-01-01', custodian: '王五' }),
    asset({ assetTag: 'V2', itemCode: 'S01', agencyCode: 'K2', plateNumber: '示B54321', priceFen: 18_000_000, purchaseDate: '2020-06-01', status: 'under_repair' }),
    asset({ assetTag: 'V3', itemCode: 'S01', agencyCode: 'M', plateNumber: '示A00001', priceFen: 30_000_000, purchaseDate: '2012-01-01', status: 'scrapped' }),
    asset({ assetTag: 'G1', itemCode: 'S15', agencyCode: 'K1', model: '100%_型', priceFen: 900_000, purchaseDate: '2023-03-01' }),
  ]), { file: 't.xlsx', who: ctx.who(), today: ctx.today() });
  return ctx;
}

async function list(ctx: Context, input: object): Promise<{ rows: AssetRow[]; total: number }> {
  const r = await dispatch(ctx, 'assets/list', { startRow: 0, endRow: 100, ...input });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value as { rows: AssetRow[]; total: number };
}

const tags = (r: { rows: AssetRow[] }) => r.rows.map((x) => x.assetTag);

describe('the ledger query behind the 台账 grid', () => {
  it('pages through every asset with its item and agency names', async () => {
    const ctx = await ledger();
    const all = await list(ctx, { query: {} });
    expect(all.total).toBe(4);
    expect(all.rows[0]).toMatchObject({ assetTag: 'V1', itemName: '执法执勤专用车(含设备)', agencyName: 'K1执法大队', plateNumber: '示A12345' });
    const page = await list(ctx, { query: {}, startRow: 1, endRow: 3 });
    expect(page).toMatchObject({ total: 4, rows: [{ assetTag: 'V2' }, { assetTag: 'V3' }] });
  });

  it('finds a vehicle by part of its plate number', async () => {
    const ctx = await ledger();
    expect(tags(await list(ctx, { query: { quick: 'B543' } }))).toEqual(['V2']);
    expect(tags(await list(ctx, { query: { quick: '王五' } }))).toEqual(['V1']);
  });

  it('finds text in the middle of a tag, plate or model whatever the case, and follows edits', async () => {
    const ctx = await ledger();
    expect(tags(await list(ctx, { query: { quick: 'a1234' } }))).toEqual(['V1']);
    expect(tags(await list(ctx, { query: { quick: '0%_型' } }))).toEqual(['G1']);
    const id = ctx.db.$client.prepare(`select id from assets where asset_tag = 'V2'`).pluck().get() as number;
    ctx.db.$client.prepare(`update assets set plate_number = '示C99887' where id = ?`).run(id);
    expect(tags(await list(ctx, { query: { quick: 'C9988' } }))).toEqual(['V2']);
    expect(tags(await list(ctx, { query: { quick: 'B543' } }))).toEqual([]);
    ctx.db.$client.prepare(`delete from assets where id = ?`).run(id);
    expect(tags(await list(ctx, { query: { quick: 'C9988' } }))).toEqual([]);
  });

  it('limits to an agency and its subtree, and to chosen statuses', async () => {
    const ctx = await ledger();
    expect(tags(await list(ctx, { query: { agency: 'M' } }))).toEqual(['V1', 'V2', 'V3', 'G1']);
    expect(tags(await list(ctx, { query: { agency: 'K1' } }))).toEqual(['V1', 'G1']);
    expect(tags(await list(ctx, { query: { agency: 'M', statuses: ['in_service', 'idle', 'under_repair'], itemCode: 'S01' } }))).toEqual(['V1', 'V2']);
  });

  it('lists an agency’s own units alone, as a compliance cell that is not rolled up counts them', async () => {
    const ctx = await ledger();
    ctx.db.$client.prepare(`update assets set agency_id = (select id from agencies where code = 'M'), status = 'in_service' where asset_tag = 'V3'`).run();
    const live = ['in_service', 'under_repair', 'idle'];
    expect(tags(await list(ctx, { query: { agency: 'M', itemCode: 'S01', statuses: live, agencyOnly: true } }))).toEqual(['V3']);
    expect(tags(await list(ctx, { query: { agency: 'M', itemCode: 'S01', statuses: live } })).sort()).toEqual(['V1', 'V2', 'V3']);
  });

  it('gives each row of a due-list the date it falls due, or says it is due by odometer', async () => {
    const ctx = await ledger();
    ctx.db.$client.prepare(`update assets set odometer_km = 250000 where asset_tag = 'V2'`).run();
    const due = await list(ctx, { query: { due: { kind: 'replacement', until: '2026-11-23' } } });
    expect(due.rows.map((r) => [r.assetTag, r.dueDate, r.dueByKm])).toEqual([['V1', '2023-01-01', false], ['V2', '2028-06-01', true]]);
    const calibration = await list(ctx, { query: { due: { kind: 'calibration', until: '2030-01-01' } } });
    expect(calibration.rows.map((r) => [r.assetTag, r.dueDate])).toEqual([['G1', null]]);
    expect((await list(ctx, { query: {} })).rows[0].dueDate).toBeUndefined();
  });

  it('sorts by any column, and filters text, numbers and dates', async () => {
    const ctx = await ledger();
    expect(tags(await list(ctx, { query: {}, sort: [{ colId: 'priceFen', sort: 'desc' }] }))).toEqual(['V3', 'V1', 'V2', 'G1']);
    const f = (filters: object) => list(ctx, { query: { filters } });
    expect(tags(await f({ plateNumber: { filterType: 'text', type: 'startsWith', filter: '示A' } }))).toEqual(['V1', 'V3']);
    expect(tags(await f({ plateNumber: { filterType: 'text', type: 'startsWith', filter: '示a1' } }))).toEqual(['V1']);
    expect(tags(await f({ plateNumber: { filterType: 'text', type: 'equals', filter: '示ａ00001' } }))).toEqual(['V3']);
    expect(tags(await f({ plateNumber: { filterType: 'text', type: 'contains', filter: '543' } }))).toEqual(['V2']);
    expect(tags(await f({ priceFen: { filterType: 'number', type: 'greaterThan', filter: 20_000_000 } }))).toEqual(['V1', 'V3']);
    expect(tags(await f({ purchaseDate: { filterType: 'date', type: 'inRange', dateFrom: '2014-01-01 00:00:00', dateTo: '2021-01-01 00:00:00' } }))).toEqual(['V1', 'V2']);
    expect(tags(await f({ plateNumber: { filterType: 'text', type: 'blank' } }))).toEqual(['G1']);
  });

  it('treats % and _ typed by the user as plain characters', async () => {
    const ctx = await ledger();
    expect(tags(await list(ctx, { query: { filters: { model: { filterType: 'text', type: 'contains', filter: '0%_' } } } }))).toEqual(['G1']);
    expect(tags(await list(ctx, { query: { quick: '%' } }))).toEqual(['G1']);
  });

  it('refuses unknown columns, oversized pages and malformed filters with typed problems', async () => {
    const ctx = await ledger();
    const bad = async (input: object) => {
      const r = await dispatch(ctx, 'assets/list', input);
      expect(r.ok).toBe(false);
      return r.ok ? [] : r.problems;
    };
    expect((await bad({ query: {}, startRow: 0, endRow: 100, sort: [{ colId: 'id; drop table assets', sort: 'asc' }] }))[0].field).toContain('sort');
    expect((await bad({ query: {}, startRow: 0, endRow: 5000 }))[0].message).toContain('1000');
    await bad({ query: { filters: { model: { filterType: 'text', type: 'regex', filter: '.*' } } }, startRow: 0, endRow: 10 });
    await bad({ query: 'everything', startRow: 0, endRow: 10 });
    expect((await dispatch(ctx, 'assets/drop', {})).ok).toBe(false);
    expect((await list(ctx, { query: {} })).total).toBe(4);
  });
});
