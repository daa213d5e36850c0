import { describe, expect, it } from 'vitest';
import type { OpName } from '../../api/contract';
import { dispatch } from '../../server/dispatch';
import { agency, templateBuffer } from '../fixtures/factories';
import { as, ENGINE, seededLedger, snapshotOf } from '../fixtures/engine';

/** The 备份与恢复 screen's operations: a ledger file keeps its backups beside it; the provincial database has none. */
describe('backups', () => {
  it.skipIf(ENGINE !== 'sqlite')('of a ledger file are taken and listed beside it', async () => {
    const admin = as(await seededLedger(templateBuffer([agency({ code: 'C', level: 'city' })])));
    const made = await dispatch(admin, 'backups/create', {});
    expect(made.ok).toBe(true);
    const list = await dispatch(admin, 'backups/list', {});
    expect(list.ok && list.value).toEqual([expect.objectContaining({ name: (made as { value: { name: string } }).value.name, kind: 'manual' })]);
  });

  it.skipIf(ENGINE !== 'postgres')('on the provincial database are refused in Chinese, naming pg_dump and the database administrator, and nothing changes', async () => {
    const l = await seededLedger(templateBuffer([agency({ code: 'C', level: 'city' })]));
    const admin = as(l, 'admin', { username: '李管理员' });
    const before = await snapshotOf(admin);
    const name = 'ledger-20261123T010000-manual.db';
    const ops: [OpName, unknown][] = [
      ['backups/list', {}], ['backups/create', {}], ['backups/download', { name }], ['backups/preview', { name }],
      ['backups/upload', { fileName: name, base64: Buffer.from('SQLite format 3\0').toString('base64') }], ['backups/restore', { name }],
    ];
    for (const [op, input] of ops) {
      const r = await dispatch(admin, op, input);
      expect(r.ok, op).toBe(false);
      const [p] = r.ok ? [] : r.problems;
      expect(p.message, op).toContain('数据库管理员');
      expect(p.message, op).toContain('pg_dump');
      expect(p.message, op).not.toContain('内部错误');
    }
    expect(await snapshotOf(admin)).toEqual(before);
    // The ledger goes on answering.
    expect((await dispatch(admin, 'agencies/list', {})).ok).toBe(true);
  });
});
