import pg from 'pg';
import { templateSheets, workbookBuffer } from '../../excel/write';
import { DEMO_PROVINCE, generateAgencies, generateAssets } from '../../server/demo/generate';
import { DEMO_SEED } from '../../server/handlers/demo';
import { describe, expect, it } from 'vitest';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';
import { call, serve, type Running } from '../fixtures/serve';

/**
 * A provincial server process SIGKILLed in the middle of a write (a power cut, the OOM killer): what it was
 * writing is in the database whole or not at all, and a new process serves on at once, sessions included.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function provincialServer() {
  const url = await freshDatabase();
  const server = await serve(['--database', url]);
  const setup = await call(server.base, 'auth/setup', { username: 'admin', displayName: '省管理员', password: 'province-admin-2026' });
  const cookie = setup.cookie!;
  expect((await call(server.base, 'ledger/loadDemo', {}, cookie)).ok).toBe(true);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return { url, server, cookie, db };
}

describe.skipIf(!postgresUrl)('a provincial server process killed during a write', () => {
  it('a bulk edit of 5,000 assets is there whole or not at all, whenever the process dies, and the next process serves on', { timeout: 300_000 }, async () => {
    const { url, server: first, cookie, db } = await provincialServer();
    let server: Running = first;
    try {
      const ids = (await db.query(`select id from assets where status <> 'scrapped' order by id limit 5000`)).rows.map((r) => Number(r.id));
      const edited = async (custodian: string) => ({
        assets: Number((await db.query('select count(*) as n from assets where custodian = $1 and id = any($2)', [custodian, ids])).rows[0].n),
        audit: Number((await db.query(`select count(*) as n from audit_log where entity = 'asset' and action = 'update' and "after" like $1`, [`%"custodian":"${custodian}"%`])).rows[0].n),
      });
      // How long the edit takes when nothing stops it: the kills land across that time.
      const started = Date.now();
      expect(await call(server.base, 'assets/bulkUpdate', { ids, change: { custodian: '值守-0' } }, cookie)).toMatchObject({ ok: true });
      const took = Date.now() - started;
      expect(await edited('值守-0')).toEqual({ assets: ids.length, audit: ids.length });

      const outcomes: number[] = [];
      for (const [round, share] of [0.1, 0.3, 0.5, 0.6, 0.7, 0.9].entries()) {
        const custodian = `值守-${round + 1}`;
        const request = call(server.base, 'assets/bulkUpdate', { ids, change: { custodian } }, cookie).catch(() => undefined);
        await sleep(took * share);
        await server.kill();
        await request;
        const after = await edited(custodian);
        expect([0, ids.length], `round ${round + 1}: ${after.assets} assets changed`).toContain(after.assets);
        expect(after.audit, 'every change has its audit entry, and no entry is left without its change').toBe(after.assets);
        outcomes.push(after.assets);
        // A new process on the same database: the session lives in the database, so the user is still signed in.
        server = await serve(['--database', url]);
        expect((await call(server.base, 'auth/status', {}, cookie)).value).toMatchObject({ user: { username: 'admin' } });
      }
      expect(outcomes, 'some kill landed inside the edit\'s transaction').toContain(0);
      // The next edit goes through whole.
      expect(await call(server.base, 'assets/bulkUpdate', { ids, change: { custodian: '值守-末' } }, cookie)).toMatchObject({ ok: true });
      expect(await edited('值守-末')).toEqual({ assets: ids.length, audit: ids.length });
    } finally {
      await db.end();
      await server.stop();
    }
  });

  it('an import of 5,000 rows is there whole or not at all, whenever the process dies', { timeout: 300_000 }, async () => {
    const { url, server: first, cookie, db } = await provincialServer();
    let server: Running = first;
    try {
      const agencies = generateAgencies(DEMO_SEED, [DEMO_PROVINCE]);
      const rows = (prefix: string) => [...generateAssets(8, agencies, 5_000, '2026-11-23')].slice(0, 5_000).map((a) => ({ ...a, assetTag: `${prefix}-${a.assetTag}` }));
      const upload = (prefix: string) => ({ fileName: `${prefix}.xlsx`, base64: Buffer.from(workbookBuffer(templateSheets([], rows(prefix)))).toString('base64') });
      const imported = async (prefix: string) => ({
        assets: Number((await db.query('select count(*) as n from assets where asset_tag like $1', [`${prefix}-%`])).rows[0].n),
        audit: Number((await db.query(`select count(*) as n from audit_log where entity = 'asset' and entity_key like $1`, [`${prefix}-%`])).rows[0].n),
      });
      const started = Date.now();
      expect(await call(server.base, 'imports/template', upload('K0'), cookie)).toMatchObject({ ok: true });
      const took = Date.now() - started;
      expect(await imported('K0')).toEqual({ assets: 5_000, audit: 5_000 });

      const outcomes: number[] = [];
      for (const [round, share] of [0.3, 0.6, 0.8, 0.9].entries()) {
        const prefix = `K${round + 1}`;
        const request = call(server.base, 'imports/template', upload(prefix), cookie).catch(() => undefined);
        await sleep(took * share);
        await server.kill();
        await request;
        const after = await imported(prefix);
        expect([0, 5_000], `round ${round + 1}: ${after.assets} assets imported`).toContain(after.assets);
        expect(after.audit).toBe(after.assets);
        outcomes.push(after.assets);
        server = await serve(['--database', url]);
      }
      expect(outcomes, 'some kill landed inside the import\'s transaction').toContain(0);
    } finally {
      await db.end();
      await server.stop();
    }
  });
});
