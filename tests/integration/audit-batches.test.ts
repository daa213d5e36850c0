import { sqliteStore } from '../../db/store';
import { describe, expect, it } from 'vitest';
import { appendAudit, type AuditEntry } from '../../db/queries/audit';
import { tempLedger } from '../fixtures/factories';

describe('entries appended together', () => {
  it('each entry of a large append keeps its own fields and names exactly its own agencies', async () => {
    const { db } = tempLedger();
    const who = { actor: 'tester', at: '2026-11-23T02:00:00.000Z' };
    // More than one statement's worth, with a remainder, entries naming no agency, one, and one twice.
    const entries: AuditEntry[] = Array.from({ length: 150 }, (_, i) => ({
      action: 'create', entity: 'asset', entityKey: `T-${i}`, after: { n: i }, batch: 'b1',
      agencies: i % 3 === 0 ? [] : i % 3 === 1 ? [`A${i}`] : [`A${i}`, `B${i}`, `A${i}`, null],
    }));
    await sqliteStore(db).write(async (tx) => {
      await appendAudit(tx, who, entries.slice(0, 1));
      await appendAudit(tx, who, entries.slice(1));
    });
    const rows = db.$client.prepare(`select id, entity_key, after, actor, at, batch from audit_log where batch = 'b1' order by id`).all() as
      { id: number; entity_key: string; after: string; actor: string; at: string; batch: string }[];
    expect(rows.map((r) => r.entity_key)).toEqual(entries.map((e) => e.entityKey));
    expect(rows.map((r) => JSON.parse(r.after).n)).toEqual(entries.map((_, i) => i));
    expect(new Set(rows.map((r) => `${r.actor} ${r.at}`))).toEqual(new Set([`${who.actor} ${who.at}`]));
    const named = db.$client.prepare(`select agency_code from audit_agencies where audit_id = ? order by agency_code`).pluck();
    for (const [i, r] of rows.entries()) {
      expect(named.all(r.id), r.entity_key).toEqual(i % 3 === 0 ? [] : i % 3 === 1 ? [`A${i}`] : [`A${i}`, `B${i}`]);
    }
  });
});
