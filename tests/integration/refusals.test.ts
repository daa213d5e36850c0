import { describe, expect, it } from 'vitest';
import type { AssetFields, DisposalRow } from '../../api/contract';
import type { Problem } from '../../lib/problems';
import { contextAs } from '../fixtures/context';
import { dispatch } from '../../server/dispatch';
import type { Context } from '../../server/context';
import { agency, asset, seedTemplate, templateBuffer, tempLedger } from '../fixtures/factories';
import { snapshot } from '../fixtures/db';

const who = { actor: 'mgr', at: '2026-11-23T09:00:00.000Z' };

/** A county K under city M, one vehicle; the caller is K's equipment manager. */
async function countyManager(): Promise<Context> {
  const { db, file } = tempLedger();
  await seedTemplate(db, templateBuffer(
    [agency({ code: 'M', level: 'city' }), agency({ code: 'K', level: 'county', parentCode: 'M' })],
    [asset({ assetTag: 'CAR-1', itemCode: 'S01', agencyCode: 'K', odometerKm: 100_000 })],
  ), { file: 't.xlsx', who, today: '2026-11-23' });
  return contextAs(db, file, 'manager', { username: 'mgr', agencyCode: 'K' });
}

async function ok<T>(ctx: Context, name: string, input: unknown): Promise<T> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.value as T;
}

/** The operation is refused, nothing in the ledger changed, and the one problem is returned. */
async function refused(ctx: Context, name: string, input: unknown): Promise<Problem> {
  const before = snapshot(ctx.db);
  const r = await dispatch(ctx, name, input);
  expect(r.ok).toBe(false);
  expect(snapshot(ctx.db)).toEqual(before);
  if (r.ok) throw new Error('accepted');
  expect(r.problems).toHaveLength(1);
  return r.problems[0];
}

const carId = (ctx: Context) => ctx.db.$client.prepare(`select id from assets where asset_tag = 'CAR-1'`).pluck().get() as number;

function assetFields(over: Partial<AssetFields> = {}): AssetFields {
  return {
    assetTag: 'NEW-1', itemCode: 'S04', agencyCode: 'K', model: null, serialNumber: null, purchaseDate: '2025-05-01', priceFen: 450_000,
    fundingSource: null, status: 'in_service', custodian: null, location: null, plateNumber: null, odometerKm: null, calibrationValidUntil: null, notes: null, ...over,
  };
}

const maintenance = (assetId: number, over: Record<string, unknown> = {}) => ({
  assetId, date: '2026-11-20', kind: 'service', description: '更换机油', costFen: 35_000, vendor: null, odometerKm: null, nextDueDate: '2027-05-20', setStatus: null, ...over,
});

describe('negative money and counts are refused with the field named, never stored as 0', () => {
  it('a negative maintenance cost is refused at 维护费用', async () => {
    const ctx = await countyManager();
    expect(await refused(ctx, 'maintenance/create', maintenance(carId(ctx), { costFen: -35_000 }))).toEqual({ field: 'costFen', message: '维护费用不能为负数' });
  });

  it('a negative purchase price is refused at 购置金额', async () => {
    const ctx = await countyManager();
    expect(await refused(ctx, 'assets/create', assetFields({ priceFen: -450_000 }))).toEqual({ field: 'priceFen', message: '购置金额不能为负数' });
  });

  it('a negative residual value is refused at 残值', async () => {
    const ctx = await countyManager();
    const d = await ok<DisposalRow>(ctx, 'disposals/request', { assetId: carId(ctx), reason: '车况差' });
    const head = contextAs(ctx.db, ctx.file, 'head', { username: 'head', agencyCode: null });
    await ok(head, 'disposals/approve', { id: d.id, approvalRef: '示环〔2026〕1号' });
    expect(await refused(ctx, 'disposals/complete', { id: d.id, disposedDate: '2026-11-23', residualValueFen: -80_000 }))
      .toEqual({ field: 'residualValueFen', message: '残值不能为负数' });
  });

  it('a negative staff count is refused at 执法人员数', async () => {
    const ctx = await countyManager();
    const fields = { name: 'K执法大队', staff: -3, authorizedPosts: null, offices: 1, longitude: null, latitude: null };
    expect(await refused(ctx, 'agencies/update', { code: 'K', fields })).toEqual({ field: 'fields.staff', message: '执法人员数不能为负数' });
    expect(await refused(ctx, 'agencies/update', { code: 'K', fields: { ...fields, staff: 3, offices: -1 } })).toEqual({ field: 'fields.offices', message: '办公室数不能为负数' });
  });

  it('a negative odometer on a maintenance record is refused at 行驶里程', async () => {
    const ctx = await countyManager();
    expect(await refused(ctx, 'maintenance/create', maintenance(carId(ctx), { odometerKm: -1 }))).toEqual({ field: 'odometerKm', message: '行驶里程不能为负数' });
  });
});

describe('a typed date that does not exist is refused with the field named, never dropped', () => {
  it('2019-13-45 as a maintenance record’s next due date', async () => {
    const ctx = await countyManager();
    expect(await refused(ctx, 'maintenance/create', maintenance(carId(ctx), { nextDueDate: '2019-13-45' })))
      .toEqual({ field: 'nextDueDate', message: '下次保养日期「2019-13-45」不是存在的日期' });
    await ok(ctx, 'maintenance/create', maintenance(carId(ctx)));
    expect(ctx.db.$client.prepare('select cost_fen, next_due_date from maintenance_records').all()).toEqual([{ cost_fen: 35_000, next_due_date: '2027-05-20' }]);
  });

  it('2019-13-45 as a purchase date, and 2025-02-30 as a calibration date', async () => {
    const ctx = await countyManager();
    expect(await refused(ctx, 'assets/create', assetFields({ purchaseDate: '2019-13-45' }))).toEqual({ field: 'purchaseDate', message: '购置日期「2019-13-45」不是存在的日期' });
    const cal = { assetId: carId(ctx), date: '2025-02-30', validUntil: '2026-02-28', certificateNo: null, institution: null, result: 'pass', notes: null };
    expect(await refused(ctx, 'calibrations/create', cal)).toEqual({ field: 'date', message: '检定日期「2025-02-30」不是存在的日期' });
  });

  it('a date in another shape is refused with the expected shape', async () => {
    const ctx = await countyManager();
    expect(await refused(ctx, 'assets/create', assetFields({ purchaseDate: '2019/5/1' }))).toEqual({ field: 'purchaseDate', message: '购置日期应为 YYYY-MM-DD 格式的日期' });
  });
});
