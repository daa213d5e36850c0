import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AssetHistory, AssetRow } from '../../api/contract';
import { testClock } from '../fixtures/context';
import { dispatch } from '../../server/dispatch';
import type { Context } from '../../server/context';
import * as XLSX from 'xlsx';
import type { FileOut } from '../../api/contract';
import { createUser } from '../../db/queries/users';
import { agency, asset, templateBuffer } from '../fixtures/factories';
import { as, refused, rows, seededLedger, type TestLedger } from '../fixtures/engine';

/** The day the records are dated by: a chosen instant of the injected clock (noon in Shanghai), not the machine's today. */
const CLOCK = testClock('2026-11-23T04:00:00Z');
const TODAY = CLOCK.today();
const who = { actor: 'admin', at: `${TODAY}T01:00:00.000Z` };

const idOf = async (l: TestLedger | Context, tag: string) => (await rows<{ id: number }>(l, sql`select id from assets where asset_tag = ${tag}`))[0].id;

/** City M with counties K and L; K holds a vehicle and a gas detector whose calibration lapsed. The callers are K's and L's managers. */
async function ledger() {
  const led = await seededLedger(templateBuffer(
    [agency({ code: 'M', level: 'city' }), agency({ code: 'K', level: 'county', parentCode: 'M' }), agency({ code: 'L', level: 'county', parentCode: 'M' })],
    [
      asset({ assetTag: 'CAR-1', itemCode: 'S01', agencyCode: 'K', odometerKm: 100_000 }),
      asset({ assetTag: 'GAS-1', itemCode: 'S15', agencyCode: 'K', calibrationValidUntil: '2026-01-31' }),
    ],
  ), CLOCK);
  const k = as(led, 'manager', { username: 'mgr-k', agencyCode: 'K' });
  const l = as(led, 'manager', { username: 'mgr-l', agencyCode: 'L' });
  return { led, k, l, car: await idOf(led, 'CAR-1'), gas: await idOf(led, 'GAS-1') };
}

async function ok<T>(ctx: Context, name: string, input: unknown): Promise<T> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.value as T;
}

const service = (assetId: number, over: Record<string, unknown> = {}) => ({
  assetId, date: '2026-05-10', kind: 'service', description: '保养', costFen: 0, vendor: null, odometerKm: null, nextDueDate: '2026-11-10', setStatus: null, ...over,
});
const calibration = (assetId: number, over: Record<string, unknown> = {}) => ({
  assetId, date: '2026-11-01', validUntil: '2027-10-31', certificateNo: 'JD-1', institution: '省计量院', result: 'pass', notes: null, ...over,
});
const { assetId: _a, setStatus: _s, ...fieldsOf } = service(0);

async function dueForMaintenance(ctx: Context): Promise<string[]> {
  const r = await ok<{ rows: AssetRow[] }>(ctx, 'assets/list', { query: { due: { kind: 'maintenance', until: TODAY } }, startRow: 0, endRow: 100 });
  return r.rows.map((a) => a.assetTag);
}
async function usableDetectors(ctx: Context): Promise<number> {
  const rows = (await ok<{ rows: { item: string; usable: number }[] }>(ctx, 'quotas/shortfall', { agency: 'K' })).rows;
  return rows.find((r) => r.item === 'S15')!.usable;
}
/** Every cell of an export of this year's records, as text. */
async function exported(ctx: Context, name: 'maintenance/export' | 'calibrations/export'): Promise<string> {
  const file = await ok<FileOut>(ctx, name, { from: `${TODAY.slice(0, 4)}-01-01`, to: TODAY });
  const book = XLSX.read(Buffer.from(file.base64, 'base64'));
  return book.SheetNames.map((n) => XLSX.utils.sheet_to_csv(book.Sheets[n])).join('\n');
}
const history = (ctx: Context, id: number) => ok<AssetHistory>(ctx, 'assets/get', { id });

describe('correcting a maintenance record', () => {
  it('changes the record and keeps before → after in the audit log', async () => {
    const { k, car } = await ledger();
    const { id } = await ok<{ id: number }>(k, 'maintenance/create', service(car, { kind: 'repair', costFen: 0 }));
    await ok(k, 'maintenance/update', { id, fields: { ...fieldsOf, kind: 'service', costFen: 35_000, odometerKm: 102_000 } });
    const h = await history(k, car);
    expect(h.maintenance).toEqual([expect.objectContaining({ id, kind: 'service', costFen: 35_000, voidedAt: null })]);
    expect(h.asset.odometerKm).toBe(102_000);
    const entry = h.audit.find((e) => e.entity === 'maintenance' && e.action === 'update')!;
    expect(entry.actor).toBe('mgr-k');
    expect(entry.before).toMatchObject({ kind: 'repair', costFen: 0 });
    expect(entry.after).toMatchObject({ kind: 'service', costFen: 35_000 });
  });

  it('refuses a negative cost in a correction, changing nothing', async () => {
    const { k, car } = await ledger();
    const { id } = await ok<{ id: number }>(k, 'maintenance/create', service(car));
    expect((await refused(k, 'maintenance/update', { id, fields: { ...fieldsOf, costFen: -100 } }))[0]).toEqual({ field: 'fields.costFen', message: '维护费用不能为负数' });
  });
});

describe('voiding a maintenance record', () => {
  it('a voided record no longer puts the vehicle on the maintenance due list, and stays in its history marked with the reason', async () => {
    const { k, car } = await ledger();
    const { id } = await ok<{ id: number }>(k, 'maintenance/create', service(car));
    expect(await dueForMaintenance(k)).toEqual(['CAR-1']);
    await ok(k, 'maintenance/void', { id, reason: '录错了车辆' });
    expect(await dueForMaintenance(k)).toEqual([]);
    const h = await history(k, car);
    expect(h.maintenance).toEqual([expect.objectContaining({ id, voidedBy: 'mgr-k', voidReason: '录错了车辆', voidedAt: expect.any(String) })]);
    expect(h.audit.find((e) => e.entity === 'maintenance' && e.action === 'void')).toMatchObject({
      before: expect.objectContaining({ voidedAt: null }), after: expect.objectContaining({ voidReason: '录错了车辆' }),
    });
  });

  it('the record before it counts again: its due date is the one that applies', async () => {
    const { k, car } = await ledger();
    await ok(k, 'maintenance/create', service(car, { date: '2026-01-10', nextDueDate: '2026-07-10' }));
    const { id } = await ok<{ id: number }>(k, 'maintenance/create', service(car, { date: '2026-08-10', nextDueDate: '2027-02-10' }));
    expect(await dueForMaintenance(k)).toEqual([]);
    await ok(k, 'maintenance/void', { id, reason: '重复录入' });
    expect(await dueForMaintenance(k)).toEqual(['CAR-1']);
  });

  it('a voided record is left out of the maintenance export and of the score’s usage evidence', async () => {
    const { k, car } = await ledger();
    const { id } = await ok<{ id: number }>(k, 'maintenance/create', service(car, { date: `${TODAY.slice(0, 4)}-03-01`, description: '误录的保养' }));
    const score = async () => (await ok<{ items: { no: number; why: string }[] }>(k, 'score/card', { agency: 'K' })).items.find((i) => i.no === 12)!.why;
    expect(await score()).toContain('保养记录 1 条');
    await ok(k, 'maintenance/void', { id, reason: '误录' });
    expect(await score()).not.toContain('保养记录 1 条');
    expect(await exported(k, 'maintenance/export')).not.toContain('误录的保养');
  });

  it('a voided record cannot be voided or corrected again', async () => {
    const { k, car } = await ledger();
    const { id } = await ok<{ id: number }>(k, 'maintenance/create', service(car));
    await ok(k, 'maintenance/void', { id, reason: '误录' });
    expect((await refused(k, 'maintenance/void', { id, reason: '再次' }))[0].message).toContain('已作废');
    expect((await refused(k, 'maintenance/update', { id, fields: fieldsOf }))[0].message).toContain('已作废');
    expect((await refused(k, 'maintenance/void', { id, reason: '  ' }))[0]).toMatchObject({ field: 'reason', message: '请填写作废原因' });
  });

  it('a county manager cannot void or correct another county’s record', async () => {
    const { k, l, car } = await ledger();
    const { id } = await ok<{ id: number }>(k, 'maintenance/create', service(car));
    expect((await refused(l, 'maintenance/void', { id, reason: '不是我的' }))[0].message).toContain('不在您的管辖范围内');
    expect((await refused(l, 'maintenance/update', { id, fields: fieldsOf }))[0].message).toContain('不在您的管辖范围内');
    const cal = await ok<{ id: number }>(k, 'calibrations/create', calibration(await idOf(k, 'GAS-1')));
    expect((await refused(l, 'calibrations/void', { id: cal.id, reason: '不是我的' }))[0].message).toContain('不在您的管辖范围内');
  });

  it('a county account cannot enter records for another county’s asset, correct its calibration, nor take any step of its 报废', async () => {
    const { led, k, l, car, gas } = await ledger();
    const headK = as(led, 'head', { username: 'head-k', agencyCode: 'K' });
    const headL = as(led, 'head', { username: 'head-l', agencyCode: 'L' });
    const outside = async (ctx: Context, name: string, input: unknown) => expect((await refused(ctx, name, input))[0].message).toContain('不在您的管辖范围内');
    await outside(l, 'maintenance/create', service(car));
    await outside(l, 'calibrations/create', calibration(gas));
    const cal = await ok<{ id: number }>(k, 'calibrations/create', calibration(gas));
    const { assetId: _x, ...calFields } = calibration(gas);
    await outside(l, 'calibrations/update', { id: cal.id, fields: { ...calFields, result: 'fail' } });
    await outside(l, 'disposals/request', { assetId: car, reason: '不是我的' });
    const d = await ok<{ id: number }>(k, 'disposals/request', { assetId: car, reason: '车况差' });
    await outside(headL, 'disposals/approve', { id: d.id, approvalRef: 'L-1' });
    await outside(headL, 'disposals/reject', { id: d.id, note: '不是我的' });
    await ok(headK, 'disposals/approve', { id: d.id, approvalRef: 'K-1' });
    await outside(l, 'disposals/complete', { id: d.id, disposedDate: TODAY, residualValueFen: null });
    expect((await ok<{ status: string }[]>(k, 'disposals/list', {})).map((x) => x.status)).toEqual(['approved']);
    expect(await ok(l, 'disposals/list', {})).toEqual([]);
  });
});

describe('correcting and voiding a calibration', () => {
  it('a voided passed calibration no longer makes the detector usable; its validity falls back to what it was', async () => {
    const { k, gas } = await ledger();
    expect(await usableDetectors(k)).toBe(0);
    const { id } = await ok<{ id: number }>(k, 'calibrations/create', calibration(gas));
    expect(await usableDetectors(k)).toBe(1);
    await ok(k, 'calibrations/void', { id, reason: '证书属于另一台仪器' });
    expect(await usableDetectors(k)).toBe(0);
    const h = await history(k, gas);
    expect(h.asset.calibrationValidUntil).toBe('2026-01-31');
    expect(h.calibrations).toEqual([expect.objectContaining({ id, voidReason: '证书属于另一台仪器', voidedBy: 'mgr-k' })]);
    expect(h.audit.find((e) => e.entity === 'asset' && e.action === 'update' && (e.after as AssetRow).calibrationValidUntil === '2026-01-31')).toBeDefined();
  });

  it('voiding the newer of two passed calibrations leaves the older one’s validity', async () => {
    const { k, gas } = await ledger();
    await ok(k, 'calibrations/create', calibration(gas, { date: '2026-06-01', validUntil: '2027-05-31', certificateNo: 'JD-0' }));
    const { id } = await ok<{ id: number }>(k, 'calibrations/create', calibration(gas));
    await ok(k, 'calibrations/void', { id, reason: '重复录入' });
    expect((await history(k, gas)).asset.calibrationValidUntil).toBe('2027-05-31');
    expect(await usableDetectors(k)).toBe(1);
  });

  it('correcting a passed calibration to failed makes the detector unusable, with before → after in the audit log', async () => {
    const { k, gas } = await ledger();
    const { id } = await ok<{ id: number }>(k, 'calibrations/create', calibration(gas));
    const { assetId: _x, ...fields } = calibration(gas);
    await ok(k, 'calibrations/update', { id, fields: { ...fields, result: 'fail' } });
    expect(await usableDetectors(k)).toBe(0);
    const entry = (await history(k, gas)).audit.find((e) => e.entity === 'calibration' && e.action === 'update')!;
    expect(entry.before).toMatchObject({ result: 'pass' });
    expect(entry.after).toMatchObject({ result: 'fail' });
    expect((await refused(k, 'calibrations/update', { id, fields: { ...fields, validUntil: '2026-01-01' } }))[0]).toMatchObject({ field: 'validUntil' });
  });

  it('a voided calibration is left out of the calibration export', async () => {
    const { k, gas } = await ledger();
    const { id } = await ok<{ id: number }>(k, 'calibrations/create', calibration(gas, { certificateNo: 'WRONG-CERT' }));
    await ok(k, 'calibrations/void', { id, reason: '误录' });
    expect(await exported(k, 'calibrations/export')).not.toContain('WRONG-CERT');
  });
});

describe('the audit log of a correction reads in words', () => {
  it('the audit list and its .xlsx show 姓名 (user name), 维护记录, Chinese field names and yuan', async () => {
    const { led, k, car } = await ledger();
    await led.store.write((tx) => createUser(tx, who, { username: 'mgr-k', displayName: '张装备', role: 'manager', agencyCode: 'K' }, 'not-a-hash'));
    const { id } = await ok<{ id: number }>(k, 'maintenance/create', service(car, { costFen: 0 }));
    await ok(k, 'maintenance/update', { id, fields: { ...fieldsOf, costFen: 35_000 } });
    const admin = as(led, 'admin', { username: 'admin' });
    const page = await ok<{ rows: { actor: string; entity: string }[]; people: Record<string, string> }>(admin, 'audit/list', { query: { entity: 'maintenance' }, startRow: 0, endRow: 10 });
    expect(page.people).toEqual({ 'mgr-k': '张装备' });
    const file = await ok<FileOut>(admin, 'audit/export', { query: { entity: 'maintenance' } });
    const book = XLSX.read(Buffer.from(file.base64, 'base64'));
    const rows = XLSX.utils.sheet_to_json<Record<string, string>>(book.Sheets[book.SheetNames[0]]);
    expect(rows[0]).toMatchObject({ 操作人: '张装备 (mgr-k)', 操作: '修改', 对象: '维护记录', 变更内容: '费用:0.00 元 → 350.00 元' });
  });
});
