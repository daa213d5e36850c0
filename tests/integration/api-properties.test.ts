import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { api, type OpName } from '../../api/contract';
import { dispatch } from '../../server/dispatch';
import { as, seededLedger, snapshotOf } from '../fixtures/engine';
import { agency, asset, templateBuffer } from '../fixtures/factories';

const WRITES = (Object.keys(api) as OpName[]).filter((n) => api[n].writes && n !== 'backups/restore' && n !== 'ledger/loadDemo');

describe('the api, on random and hostile input', () => {
  // 400 writes, each between two snapshots of every table: on PostgreSQL some 15 s.
  it('answers every write with a value or typed problems, and a refused write leaves every table as it was', { timeout: 90_000 }, async () => {
    const l = await seededLedger(templateBuffer([agency({ code: 'K' })], [asset({ assetTag: 'V1', itemCode: 'S01', agencyCode: 'K' })]));
    const ctx = as(l, 'admin');
    const value = fc.oneof(fc.integer({ min: -2, max: 3 }), fc.string({ maxLength: 20 }), fc.constant(null), fc.boolean(), fc.constantFrom('K', 'S01', 'V1', '2026-02-30', '=cmd|', '../../etc'));
    const input = fc.oneof(fc.anything({ maxDepth: 2 }), fc.dictionary(fc.constantFrom('id', 'ids', 'assetId', 'code', 'fields', 'change', 'batch', 'name', 'date', 'reason', 'status'), fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), value))));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...WRITES), input, async (name, raw) => {
      const before = await snapshotOf(l);
      const r = await dispatch(ctx, name, raw);
      if (!r.ok) {
        expect(r.problems.length).toBeGreaterThan(0);
        // In Chinese, our checks' own words or zod's for the rest.
        for (const p of r.problems) expect(p.message, `${name}: ${p.message}`).toMatch(/[\u4e00-\u9fff]/);
        expect(r.problems.some((p) => p.message.startsWith('内部错误'))).toBe(false);
        expect(await snapshotOf(l)).toEqual(before);
      }
    }), { numRuns: 400 });
  });
});
