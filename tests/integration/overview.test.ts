import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AssetRow, Overview } from '../../api/contract';
import { testClock } from '../fixtures/context';
import { dispatch } from '../../server/dispatch';
import type { Context } from '../../server/context';
import { agency, asset, templateBuffer } from '../fixtures/factories';
import { as, rows, seededLedger } from '../fixtures/engine';

// The figures below are worked out for this instant (09:00 on 23 November in Shanghai).
const clock = testClock('2026-11-23T01:00:00Z', 'Asia/Shanghai');
const TODAY = clock.today();

async function ledger(): Promise<Context> {
  const l = await seededLedger(templateBuffer(
    [agency({ code: 'M', level: 'city', staff: 10 }), agency({ code: 'K', level: 'county', parentCode: 'M', staff: 5 })],
    [
      asset({ assetTag: 'OLD-8Y', itemCode: 'S01', agencyCode: 'K', purchaseDate: '2018-11-23', odometerKm: 90_000 }),
      asset({ assetTag: 'NEW-8Y', itemCode: 'S01', agencyCode: 'K', purchaseDate: '2018-11-24', odometerKm: 199_999 }),
      asset({ assetTag: 'KM-200K', itemCode: 'S01', agencyCode: 'M', purchaseDate: '2022-01-01', odometerKm: 200_000 }),
      asset({ assetTag: 'SCRAP', itemCode: 'S01', agencyCode: 'M', purchaseDate: '2001-01-01', status: 'scrapped' }),
      asset({ assetTag: 'GAS-SOON', itemCode: 'S15', agencyCode: 'K', calibrationValidUntil: '2026-12-23' }),
      asset({ assetTag: 'GAS-LATER', itemCode: 'S15', agencyCode: 'K', calibrationValidUntil: '2026-12-24' }),
      asset({ assetTag: 'GAS-NONE', itemCode: 'S15', agencyCode: 'M', calibrationValidUntil: null }),
      asset({ assetTag: 'CAM', itemCode: 'S10', agencyCode: 'K', calibrationValidUntil: null }),
    ],
  ), clock);
  return as(l, 'admin', { username: 't' });
}

async function call<T>(ctx: Context, name: string, input: unknown): Promise<T> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value as T;
}

const due = async (ctx: Context, kind: string, until: string, agency?: string) =>
  (await call<{ rows: AssetRow[] }>(ctx, 'assets/list', { query: { due: { kind, until }, agency }, startRow: 0, endRow: 100 })).rows.map((r) => r.assetTag);

describe('due-lists', () => {
  it('a vehicle is due for replacement at exactly 8 years of service or exactly 200,000 km', async () => {
    const ctx = await ledger();
    expect(await due(ctx, 'replacement', TODAY)).toEqual(['OLD-8Y', 'KM-200K']);
    expect(await due(ctx, 'replacement', '2026-11-24')).toEqual(['OLD-8Y', 'NEW-8Y', 'KM-200K']);
  });

  it('lists instruments whose certificate ends by the date or was never recorded', async () => {
    const ctx = await ledger();
    expect(await due(ctx, 'calibration', '2026-12-23')).toEqual(['GAS-SOON', 'GAS-NONE']);
    expect(await due(ctx, 'calibration', '2026-12-23', 'K')).toEqual(['GAS-SOON']);
  });

  it('lists assets whose latest maintenance record sets a next date by the date', async () => {
    const ctx = await ledger();
    const [{ id }] = await rows<{ id: number }>(ctx, sql`select id from assets where asset_tag = 'NEW-8Y'`);
    const log = (date: string, nextDueDate: string | null) => call(ctx, 'maintenance/create', {
      assetId: id, date, kind: 'service', description: '保养', costFen: null, vendor: null, odometerKm: null, nextDueDate, setStatus: null,
    });
    await log('2026-05-01', '2026-11-01');
    expect(await due(ctx, 'maintenance', TODAY)).toEqual(['NEW-8Y']);
    await log('2026-11-20', '2027-05-20');
    expect(await due(ctx, 'maintenance', TODAY)).toEqual([]);
  });
});

describe('the overview', () => {
  it('counts what the due-lists list, and the agencies below standard', async () => {
    const ctx = await ledger();
    const o = await call<Overview>(ctx, 'overview/summary', {});
    expect(o).toMatchObject({
      agencies: 2, vehicles: 3, vehiclesDue: 2, replacementDue: 2, calibrationsExpiring: 2, maintenanceDue: 0, agenciesBelowStandard: 2,
      byStatus: { in_service: 7, under_repair: 0, idle: 0, scrapped: 1 },
    });
    expect(o.worst[0].shortfall).toBeGreaterThanOrEqual(o.worst[1].shortfall);
    const k = await call<Overview>(ctx, 'overview/summary', { agency: 'K' });
    expect(k).toMatchObject({ agencies: 1, vehicles: 2, vehiclesDue: 1, calibrationsExpiring: 1 });
    // Measured for the county alone, its shortfall is what the whole ledger's overview says of it.
    expect(k).toMatchObject({ agenciesBelowStandard: 1, shortfallUnits: o.worst.find((w) => w.agency === 'K')!.shortfall });
  });

  it('refuses an unknown agency', async () => {
    const r = await dispatch(await ledger(), 'overview/summary', { agency: 'X' });
    expect(r.ok).toBe(false);
  });
});
