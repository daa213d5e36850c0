import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { appendAudit, type AuditEntry } from '../../db/queries/audit';
import { rows, testLedger } from '../fixtures/engine';

describe('entries appended together', () => {
  it('each entry of a large append keeps its own fields and names exactly its own agencies', async () => {
    const l = await testLedger();
    const who = { actor: 'tester', at: '2026-11-23T02:00:00.000Z' };
    // More than one statement's worth, with a remainder, entries naming no agency, one, and one twice.
    const entries: AuditEntry[] = Array.from({ length: 150 }, (_, i) => ({
      action: 'create', entity: 'asset', entityKey: `T-${i}`, after: { n: i }, batch: 'b1',
      agencies: i % 3 === 0 ? [] : i % 3 === 1 ? [`A${i}`] : [`A${i}`, `B${i}`, `A${i}`, null],
    }));
    await l.store.write(async (tx) => {
      await appendAudit(tx, who, entries.slice(0, 1));
      await appendAudit(tx, who, entries.slice(1));
    });
    const stored = await rows<{ id: number; entity_key: string; after: string; actor: string; at: string; batch: string }>(l,
      sql`select id, entity_key, after, actor, at, batch from audit_log where batch = 'b1' order by id`);
    expect(stored.map((r) => r.entity_key)).toEqual(entries.map((e) => e.entityKey));
    expect(stored.map((r) => JSON.parse(r.after).n)).toEqual(entries.map((_, i) => i));
    expect(new Set(stored.map((r) => `${r.actor} ${r.at}`))).toEqual(new Set([`${who.actor} ${who.at}`]));
    for (const [i, r] of stored.entries()) {
      const named = (await rows<{ code: string }>(l, sql`select agency_code as code from audit_agencies where audit_id = ${r.id} order by agency_code`)).map((x) => x.code);
      expect(named, r.entity_key).toEqual(i % 3 === 0 ? [] : i % 3 === 1 ? [`A${i}`] : [`A${i}`, `B${i}`]);
    }
  });
});
