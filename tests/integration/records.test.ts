import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AssetFields, AssetHistory, AssetRow, DisposalRow } from '../../api/contract';
import { addDays, addYears } from '../../lib/dates';
import { startOfLocalDay, type Clock } from '../../lib/clock';
import { testClock } from '../fixtures/context';
import type { Context } from '../../server/context';
import { agency, asset, templateBuffer, units } from '../fixtures/factories';
import { as, call, refused, rows, seededLedger, value } from '../fixtures/engine';

async function ledger(clock: Clock = testClock()): Promise<Context> {
  const l = await seededLedger(templateBuffer(
    [agency({ code: 'M', level: 'city', staff: 10 }), agency({ code: 'K', level: 'county', parentCode: 'M', staff: 10 })],
    [
      ...units(2, { itemCode: 'S01', agencyCode: 'K' }).map((a, i) => ({ ...a, assetTag: `CAR-${i + 1}`, plateNumber: `示A1000${i}`, odometerKm: 150_000 })),
      asset({ assetTag: 'GAS-1', itemCode: 'S15', agencyCode: 'K', calibrationValidUntil: '2026-01-31' }),
    ],
  ), clock);
  return as(l, 'admin', { username: '李管理员' });
}

const idOf = async (ctx: Context, tag: string) => (await rows<{ id: number }>(ctx, sql`select id from assets where asset_tag = ${tag}`))[0].id;
const s01 = async (ctx: Context) =>
  (await call<{ rows: { agency: string; item: string; held: number; shortfall: number; usable: number }[] }>(ctx, 'quotas/shortfall', { agency: 'K' })).rows.find((r) => r.item === 'S01')!;

function fields(over: Partial<AssetFields> = {}): AssetFields {
  return {
    assetTag: 'NEW-1', itemCode: 'S09', agencyCode: 'K', model: '大疆 M350', serialNumber: null, purchaseDate: '2025-05-01', priceFen: 12_000_000,
    fundingSource: '财政拨款', status: 'in_service', custodian: '赵六', location: null, plateNumber: null, odometerKm: null, calibrationValidUntil: null, notes: null,
    ...over,
  };
}

describe('registering and editing assets', () => {
  it('creates an asset and writes who created it to the audit log', async () => {
    const ctx = await ledger();
    const row = await call<AssetRow>(ctx, 'assets/create', fields({ plateNumber: ' 示ｄ12345 ' }));
    expect(row).toMatchObject({ assetTag: 'NEW-1', itemName: '无人机(载荷大于4kg)', agencyCode: 'K', plateNumber: '示D12345' });
    const h = await call<AssetHistory>(ctx, 'assets/get', { id: row.id });
    expect(h.audit).toEqual([expect.objectContaining({ actor: '李管理员', action: 'create', entity: 'asset' })]);
    const found = await call<{ rows: AssetRow[] }>(ctx, 'assets/list', { query: { quick: 'w-1' }, startRow: 0, endRow: 10 });
    expect(found.rows.map((r) => r.assetTag)).toEqual(['NEW-1']);
  });

  it('refuses a duplicate tag, an unknown item or agency, bad values and a scrapped start, storing nothing', async () => {
    const ctx = await ledger();
    expect((await refused(ctx, 'assets/create', fields({ assetTag: 'CAR-1' })))[0]).toMatchObject({ field: 'assetTag' });
    expect((await refused(ctx, 'assets/create', fields({ itemCode: 'S99' })))[0]).toMatchObject({ field: 'itemCode' });
    expect((await refused(ctx, 'assets/create', fields({ agencyCode: 'NOPE' })))[0]).toMatchObject({ field: 'agencyCode' });
    expect((await refused(ctx, 'assets/create', fields({ status: 'scrapped' })))[0]).toMatchObject({ field: 'status' });
    expect((await refused(ctx, 'assets/create', fields({ priceFen: -1 })))[0]).toMatchObject({ field: 'priceFen', message: '购置金额不能为负数' });
    expect((await refused(ctx, 'assets/create', fields({ purchaseDate: '2025/05/01' })))[0]).toMatchObject({ field: 'purchaseDate' });
    expect((await refused(ctx, 'assets/create', { ...fields(), assetTag: '' }))[0]).toMatchObject({ field: 'assetTag', message: '资产编号必填' });
  });

  it('edits an asset, keeping before and after in the audit log', async () => {
    const ctx = await ledger();
    const id = await idOf(ctx, 'CAR-1');
    const h0 = await call<AssetHistory>(ctx, 'assets/get', { id });
    const { id: _id, itemName: _n, agencyName: _a, ...current } = h0.asset;
    await call(ctx, 'assets/update', { id, fields: { ...current, custodian: '钱七', odometerKm: 160_000 } });
    const h = await call<AssetHistory>(ctx, 'assets/get', { id });
    expect(h.asset).toMatchObject({ custodian: '钱七', odometerKm: 160_000 });
    expect(h.custody).toEqual([expect.objectContaining({ custodian: '钱七', agencyCode: 'K', fromDate: ctx.today(), toDate: null })]);
    expect(h.audit[0]).toMatchObject({ action: 'update', before: expect.objectContaining({ odometerKm: 150_000 }), after: expect.objectContaining({ odometerKm: 160_000 }) });
  });

  it('a custodian handed a vehicle at 00:20 in Shanghai (16:20 UTC the day before) holds it from the Shanghai date', async () => {
    const shanghaiToday = testClock(new Date(), 'Asia/Shanghai').today();
    const at = new Date(new Date(startOfLocalDay(shanghaiToday, 'Asia/Shanghai')).getTime() + 20 * 60_000);
    expect(at.toISOString().slice(0, 10)).toBe(addDays(shanghaiToday, -1));
    const ctx = await ledger(testClock(at, 'Asia/Shanghai'));
    const id = await idOf(ctx, 'CAR-1');
    const { id: _id, itemName: _n, agencyName: _a, ...current } = (await call<AssetHistory>(ctx, 'assets/get', { id })).asset;
    await call(ctx, 'assets/update', { id, fields: { ...current, custodian: '钱七' } });
    await call(ctx, 'assets/bulkUpdate', { ids: [await idOf(ctx, 'CAR-2')], change: { custodian: '孙八' } });
    expect((await call<AssetHistory>(ctx, 'assets/get', { id })).custody).toEqual([expect.objectContaining({ custodian: '钱七', fromDate: shanghaiToday })]);
    expect((await call<AssetHistory>(ctx, 'assets/get', { id: await idOf(ctx, 'CAR-2') })).custody).toEqual([expect.objectContaining({ custodian: '孙八', fromDate: shanghaiToday })]);
  });

  it('will not scrap through an edit nor take another asset’s tag', async () => {
    const ctx = await ledger();
    const { id: _id, itemName: _n, agencyName: _a, ...current } = (await call<AssetHistory>(ctx, 'assets/get', { id: await idOf(ctx, 'CAR-1') })).asset;
    expect((await refused(ctx, 'assets/update', { id: await idOf(ctx, 'CAR-1'), fields: { ...current, status: 'scrapped' } }))[0].message).toContain('报废');
    expect((await refused(ctx, 'assets/update', { id: await idOf(ctx, 'CAR-1'), fields: { ...current, assetTag: 'CAR-2' } }))[0]).toMatchObject({ field: 'assetTag' });
    await refused(ctx, 'assets/update', { id: 999_999, fields: current });
  });
});

describe('maintenance and calibration', () => {
  it('a repair sends the vehicle to 维修, counts it held but not usable, and finishing it brings it back', async () => {
    const ctx = await ledger();
    const id = await idOf(ctx, 'CAR-1');
    const base = { assetId: id, kind: 'repair', costFen: 350_000, vendor: '城东修理厂', nextDueDate: null };
    await call(ctx, 'maintenance/create', { ...base, date: addDays(ctx.today(), -3), description: '更换刹车片', odometerKm: 152_000, setStatus: 'under_repair' });
    expect(await s01(ctx)).toMatchObject({ held: 2, usable: 1 });
    let h = await call<AssetHistory>(ctx, 'assets/get', { id });
    expect(h.asset).toMatchObject({ status: 'under_repair', odometerKm: 152_000 });
    expect(h.maintenance).toEqual([expect.objectContaining({ description: '更换刹车片', costFen: 350_000 })]);
    await call(ctx, 'maintenance/create', { ...base, date: addDays(ctx.today(), -1), description: '修复完成', odometerKm: 151_000, setStatus: 'in_service' });
    h = await call<AssetHistory>(ctx, 'assets/get', { id });
    expect(h.asset).toMatchObject({ status: 'in_service', odometerKm: 152_000 });
    expect(await s01(ctx)).toMatchObject({ usable: 2 });
  });

  it('a passed calibration makes an expired detector usable again; a failed one does not', async () => {
    const ctx = await ledger();
    const id = await idOf(ctx, 'GAS-1');
    const gas = async () => (await call<{ rows: { item: string; usable: number }[] }>(ctx, 'quotas/shortfall', { agency: 'K' })).rows.find((r) => r.item === 'S15')!.usable;
    expect(await gas()).toBe(0);
    const date = addDays(ctx.today(), -22);
    const cal = { assetId: id, date, validUntil: addDays(addYears(date, 1), -1), certificateNo: 'JD-1', institution: '省计量院', notes: null };
    await call(ctx, 'calibrations/create', { ...cal, result: 'fail' });
    expect(await gas()).toBe(0);
    await call(ctx, 'calibrations/create', { ...cal, result: 'pass' });
    expect(await gas()).toBe(1);
    expect((await refused(ctx, 'calibrations/create', { ...cal, validUntil: addDays(date, -1), result: 'pass' }))[0]).toMatchObject({ field: 'validUntil' });
  });
});

describe('报废: request, approve, scrap', () => {
  it('scrapping one vehicle raises the county’s vehicle shortfall by one and keeps its history', async () => {
    const ctx = await ledger();
    const id = await idOf(ctx, 'CAR-2');
    const before = await s01(ctx);
    const d = await call<DisposalRow>(ctx, 'disposals/request', { assetId: id, reason: '行驶超过 20 万公里,车况差' });
    expect(d).toMatchObject({ status: 'requested', requestedBy: '李管理员' });
    await call(ctx, 'disposals/approve', { id: d.id, approvalRef: '示环执〔2026〕12号' });
    expect(await s01(ctx)).toEqual(before);
    const done = await call<DisposalRow>(ctx, 'disposals/complete', { id: d.id, disposedDate: ctx.today(), residualValueFen: 800_000 });
    expect(done).toMatchObject({ status: 'scrapped', approvalRef: '示环执〔2026〕12号', approvedBy: '李管理员', residualValueFen: 800_000 });
    expect(await s01(ctx)).toMatchObject({ held: before.held - 1, shortfall: before.shortfall + 1 });
    const h = await call<AssetHistory>(ctx, 'assets/get', { id });
    expect(h.asset.status).toBe('scrapped');
    expect(h.disposals).toHaveLength(1);
    expect(h.custody.every((c) => c.toDate !== null)).toBe(true);
    expect(h.audit.map((e) => `${e.entity}:${e.action}`)).toEqual(expect.arrayContaining(['disposal:create', 'disposal:update', 'asset:update']));
  });

  it('refuses steps out of order, a second open request, and work on a scrapped asset', async () => {
    const ctx = await ledger();
    const id = await idOf(ctx, 'CAR-1');
    const d = await call<DisposalRow>(ctx, 'disposals/request', { assetId: id, reason: '事故损毁' });
    await refused(ctx, 'disposals/request', { assetId: id, reason: '再次申请' });
    await refused(ctx, 'disposals/complete', { id: d.id, disposedDate: ctx.today(), residualValueFen: null });
    expect((await refused(ctx, 'disposals/approve', { id: d.id, approvalRef: '  ' }))[0].message).toBe('请填写审批文号');
    await call(ctx, 'disposals/reject', { id: d.id, note: '可修复' });
    await refused(ctx, 'disposals/approve', { id: d.id, approvalRef: 'X' });
    const again = await call<DisposalRow>(ctx, 'disposals/request', { assetId: id, reason: '修复失败' });
    await call(ctx, 'disposals/approve', { id: again.id, approvalRef: 'A-1' });
    await call(ctx, 'disposals/complete', { id: again.id, disposedDate: ctx.today(), residualValueFen: null });
    await refused(ctx, 'maintenance/create', { assetId: id, date: ctx.today(), kind: 'repair', description: 'x', costFen: null, vendor: null, odometerKm: null, nextDueDate: null, setStatus: null });
    await refused(ctx, 'disposals/request', { assetId: id, reason: '再次' });
    expect((await call<DisposalRow[]>(ctx, 'disposals/list', {})).map((x) => x.status)).toEqual(['scrapped', 'rejected']);
  });
});

describe('bulk edits', () => {
  it('changes status, transfers and sets custodians of many assets in one audited batch', async () => {
    const ctx = await ledger();
    const ids = [await idOf(ctx, 'CAR-1'), await idOf(ctx, 'CAR-2')];
    const r = await call<{ updated: number; batch: string }>(ctx, 'assets/bulkUpdate', { ids, change: { status: 'idle' } });
    expect(r.updated).toBe(2);
    await call(ctx, 'assets/bulkUpdate', { ids, change: { agencyCode: 'M' } });
    await call(ctx, 'assets/bulkUpdate', { ids, change: { custodian: '孙八' } });
    const held = await rows(ctx, sql`select s.status, a.code, s.custodian from assets s join agencies a on a.id = s.agency_id where s.id in (${ids[0]}, ${ids[1]})`);
    expect(held).toEqual([{ status: 'idle', code: 'M', custodian: '孙八' }, { status: 'idle', code: 'M', custodian: '孙八' }]);
    const batch = await value(ctx, sql<{ n: number }>`select count(*) as n from audit_log where batch = ${r.batch} and entity = 'asset'`);
    expect(batch).toBe(2);
    const custody = (await call<AssetHistory>(ctx, 'assets/get', { id: ids[0] })).custody;
    expect(custody).toEqual([
      expect.objectContaining({ agencyCode: 'M', custodian: '孙八', fromDate: ctx.today(), toDate: null }),
    ]);
  });

  it('changes nothing when one asset of the selection cannot take the change', async () => {
    const ctx = await ledger();
    const ids = [await idOf(ctx, 'CAR-1'), await idOf(ctx, 'CAR-2')];
    const d = await call<DisposalRow>(ctx, 'disposals/request', { assetId: ids[1], reason: 'x' });
    await call(ctx, 'disposals/approve', { id: d.id, approvalRef: 'A' });
    await call(ctx, 'disposals/complete', { id: d.id, disposedDate: ctx.today(), residualValueFen: null });
    expect((await refused(ctx, 'assets/bulkUpdate', { ids, change: { status: 'idle' } }))[0].message).toContain('已报废');
    await refused(ctx, 'assets/bulkUpdate', { ids: [ids[0]], change: { agencyCode: 'NOWHERE' } });
    await refused(ctx, 'assets/bulkUpdate', { ids: [ids[0]], change: { status: 'scrapped' } });
    await refused(ctx, 'assets/bulkUpdate', { ids: [ids[0]], change: { status: 'idle', custodian: 'x' } });
    await refused(ctx, 'assets/bulkUpdate', { ids: [], change: { status: 'idle' } });
  });
});

describe('agencies', () => {
  const figures = { name: '丙县大队', staff: 12, authorizedPosts: 15, offices: 2, longitude: 120.5, latitude: 30.1 };

  it('edits staff and offices, and the requirement follows', async () => {
    const ctx = await ledger();
    await call(ctx, 'agencies/update', { code: 'K', fields: { ...figures, name: 'K执法大队', staff: 23 } });
    expect(await s01(ctx)).toMatchObject({ held: 2 });
    const shortfall = (await call<{ rows: { item: string; required: number }[] }>(ctx, 'quotas/shortfall', { agency: 'K' })).rows;
    expect(shortfall.find((r) => r.item === 'S01')!.required).toBe(5);
    expect(shortfall.find((r) => r.item === 'S21')!.required).toBe(2);
    const [entry] = await rows<{ before: string; after: string }>(ctx, sql`select before, after from audit_log where entity = 'agency' and action = 'update'`);
    expect([JSON.parse(entry.before).staff, JSON.parse(entry.after).staff]).toEqual([10, 23]);
  });

  it('adds a county under a city, and refuses a duplicate code, a missing parent or a parent of the same level', async () => {
    const ctx = await ledger();
    await call(ctx, 'agencies/create', { ...figures, code: 'K2', level: 'county', parentCode: 'M' });
    expect((await call<{ code: string; parentCode: string }[]>(ctx, 'agencies/list', {})).find((a) => a.code === 'K2')).toMatchObject({ parentCode: 'M' });
    expect((await refused(ctx, 'agencies/create', { ...figures, code: 'K2', level: 'county', parentCode: 'M' }))[0]).toMatchObject({ field: 'code' });
    expect((await refused(ctx, 'agencies/create', { ...figures, code: 'K3', level: 'county', parentCode: 'ZZ' }))[0]).toMatchObject({ field: 'parentCode' });
    expect((await refused(ctx, 'agencies/create', { ...figures, code: 'K3', level: 'county', parentCode: 'K' }))[0]).toMatchObject({ field: 'level' });
    expect((await refused(ctx, 'agencies/update', { code: 'K', fields: { ...figures, staff: -1 } }))[0]).toMatchObject({ field: 'fields.staff' });
    expect((await refused(ctx, 'agencies/update', { code: 'K', fields: { ...figures, latitude: 91 } }))[0].message).toContain('纬度');
  });
});
