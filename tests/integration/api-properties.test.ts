import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { api, type OpName } from '../../api/contract';
import { dispatch } from '../../server/dispatch';
import { contextAs } from '../fixtures/context';
import { snapshot } from '../fixtures/db';
import { agency, asset, templateBuffer, tempLedger, seedTemplate } from '../fixtures/factories';

const WRITES = (Object.keys(api) as OpName[]).filter((n) => api[n].writes && n !== 'backups/restore' && n !== 'ledger/loadDemo');

describe('the api, on random and hostile input', () => {
  it('answers every write with a value or typed problems, and a refused write leaves every table as it was', async () => {
    const { db, file } = tempLedger();
    await seedTemplate(db, templateBuffer([agency({ code: 'K' })], [asset({ assetTag: 'V1', itemCode: 'S01', agencyCode: 'K' })]), { file: 's.xlsx', who: { actor: 's', at: '2026-11-23T00:00:00Z' }, today: '2026-11-23' });
    const ctx = contextAs(db, file, 'admin');
    const value = fc.oneof(fc.integer({ min: -2, max: 3 }), fc.string({ maxLength: 20 }), fc.constant(null), fc.boolean(), fc.constantFrom('K', 'S01', 'V1', '2026-02-30', '=cmd|', '../../etc'));
    const input = fc.oneof(fc.anything({ maxDepth: 2 }), fc.dictionary(fc.constantFrom('id', 'ids', 'assetId', 'code', 'fields', 'change', 'batch', 'name', 'date', 'reason', 'status'), fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), value))));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...WRITES), input, async (name, raw) => {
      const before = snapshot(db);
      const r = await dispatch(ctx, name, raw);
      if (!r.ok) {
        expect(r.problems.length).toBeGreaterThan(0);
        for (const p of r.problems) expect(typeof p.message).toBe('string');
        expect(r.problems.some((p) => p.message.startsWith('内部错误'))).toBe(false);
        expect(snapshot(db)).toEqual(before);
      }
    }), { numRuns: 400 });
  });
});
