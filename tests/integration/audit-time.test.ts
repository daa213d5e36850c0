import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import type { AuditRow, FileOut, UndoableBatch } from '../../api/contract';
import { formatInstant, startOfLocalDay } from '../../lib/clock';
import { addDays } from '../../lib/dates';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { contextAs, testClock } from '../fixtures/context';
import { agency, asset, seedTemplate, templateBuffer, tempLedger } from '../fixtures/factories';

const ZONE = 'Asia/Shanghai';

async function call<T>(ctx: Context, name: string, input: unknown): Promise<T> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.value as T;
}

/**
 * A county vehicle whose custodian changes at 07:30 in Shanghai on the present local day, which is
 * 23:30 UTC the day before; a bureau head reads the log.
 */
async function changedAtDawn() {
  const { db, file } = tempLedger();
  const day = testClock(new Date(), ZONE).today();
  const dawn = new Date(new Date(startOfLocalDay(day, ZONE)).getTime() + 7.5 * 3_600_000);
  const manager = contextAs(db, file, 'manager', { username: 'mgr', agencyCode: 'K' }, testClock(dawn, ZONE));
  await seedTemplate(db, templateBuffer([agency({ code: 'K', level: 'county' })], [asset({ assetTag: 'CAR-1', itemCode: 'S01', agencyCode: 'K' })]),
    { file: 't.xlsx', who: { actor: 'seed', at: '2000-01-01T00:00:00Z' }, today: day });
  const id = db.$client.prepare(`select id from assets where asset_tag = 'CAR-1'`).pluck().get() as number;
  const { id: _i, itemName: _n, agencyName: _a, ...fields } = (await call<{ asset: Record<string, unknown> }>(manager, 'assets/get', { id })).asset;
  await call(manager, 'assets/update', { id, fields: { ...fields, custodian: '钱七' } });
  const head = contextAs(db, file, 'head', { username: 'head' }, testClock(new Date(), ZONE));
  return { day, dawn, head, manager, id };
}

const listed = async (ctx: Context, from: string, to: string) =>
  (await call<{ rows: AuditRow[] }>(ctx, 'audit/list', { query: { entity: 'asset', from, to }, startRow: 0, endRow: 100 })).rows.filter((r) => r.action === 'update');

describe('audit times are local', () => {
  it('an entry made at 07:30 in Shanghai (23:30 UTC the day before) is found under the Shanghai day, not the UTC one', async () => {
    const { day, dawn, head } = await changedAtDawn();
    expect(dawn.toISOString().slice(0, 10)).toBe(addDays(day, -1));
    expect(await listed(head, day, day)).toHaveLength(1);
    expect(await listed(head, addDays(day, -1), addDays(day, -1))).toHaveLength(0);
    expect(await listed(head, addDays(day, -1), day)).toHaveLength(1);
  });

  it('the audit export shows the entry at the local time the screens show, 07:30 on the Shanghai day', async () => {
    const { day, head } = await changedAtDawn();
    const [entry] = await listed(head, day, day);
    const out = await call<FileOut>(head, 'audit/export', { query: { entity: 'asset', from: day, to: day } });
    const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(XLSX.read(Buffer.from(out.base64, 'base64')).Sheets['审计日志']);
    const row = rows.find((r) => r['序号'] === entry.id)!;
    expect(row['时间']).toBe(formatInstant(entry.at, ZONE));
    expect(String(row['时间'])).toMatch(new RegExp(`^${day} 07:[3-5]\\d:\\d\\d$`));
  });

  it('an undo refused for a later change names that change at its local time', async () => {
    const { day, manager, id } = await changedAtDawn();
    await call(manager, 'assets/bulkUpdate', { ids: [id], change: { status: 'idle' } });
    const last = await call<UndoableBatch>(manager, 'undo/last', {});
    await call(manager, 'maintenance/create', { assetId: id, date: day, kind: 'service', description: '保养', costFen: null, vendor: null, odometerKm: null, nextDueDate: null, setStatus: null });
    await expect(call(manager, 'undo/apply', { batch: last.batch })).rejects.toThrow(new RegExp(`于 ${day} 07:[3-5]\\d 修改,无法撤销`));
  });
});
