import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';
import { call, serve } from '../fixtures/serve';
import { suiteBrowser } from './suite';

/**
 * The province's deployment: two `eql serve` processes on one PostgreSQL database, the web UI in Chromium. A
 * session started on one process is known to the other (cookies go to a host whatever its port, so one browser
 * signs in once for both), and what is written through one is what the other shows.
 */

const { newPage, adminPage } = suiteBrowser();
const PASSWORD = 'admin-pass-2026';

async function shot(page: Page, name: string) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/provincial-${name}.png` });
}

const statistic = async (page: Page, id: string) => {
  const figure = page.getByTestId(id).locator('.ant-statistic-content');
  await figure.waitFor({ timeout: 60_000 });
  return Number((await figure.innerText()).replace(/[^\d]/g, ''));
};

describe.skipIf(!postgresUrl)('the provincial server: two processes on one PostgreSQL database serve the UI', () => {
  it('the administrator sets up on one process, a county manager works on the other, and each sees what the other wrote', { timeout: 300_000 }, async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([serve(['--database', url]), serve(['--database', url])]);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const live = async (code: string | null) => Number((await db.query(
        `with recursive sub(id) as (select id from agencies where code = $1 or ($1 is null and parent_id is null)
           union all select g.id from agencies g join sub on g.parent_id = sub.id)
         select count(*) as n from assets where status <> 'scrapped' and agency_id in (select id from sub)`, [code])).rows[0].n);

      // Process A: the first administrator, then the demo province.
      const onA = await adminPage(a.base);
      await onA.getByTestId('open-demo').click();
      expect(await statistic(onA, 'ov-assets')).toBe(await live(null));

      // Process B knows the session A started: the same browser is signed in there too, and sees the same ledger.
      const onB = await newPage();
      const errors = onA.errors;
      onB.on('pageerror', (e) => errors.push(e.message));
      await onB.goto(b.base);
      await onB.getByTestId('user-menu').waitFor();
      expect(await onB.getByTestId('user-menu').innerText()).toContain('王管理');
      expect(await statistic(onB, 'ov-assets')).toBe(await live(null));

      const county = (await db.query(`select k.code, k.name from agencies k where k.level = 'county' order by k.code limit 1`)).rows[0] as { code: string; name: string };
      const cookie = (await onA.context().cookies(a.base)).map((c) => `${c.name}=${c.value}`).join('; ');
      const made = await call(a.base, 'users/create', { username: 'county-mgr', displayName: '张县管', role: 'manager', agencyCode: county.code, password: PASSWORD }, cookie);
      expect(made.ok).toBe(true);

      // Signing out on B ends the session on A as well.
      await onB.getByTestId('user-menu').click();
      await onB.getByText('退出登录').click();
      await onB.getByTestId('login').waitFor();
      await onA.reload();
      await onA.getByTestId('login').waitFor();

      // The county manager signs in on B and sees the county's subtree only.
      await onB.getByLabel('用户名').fill('county-mgr');
      await onB.getByLabel('密码', { exact: true }).fill(PASSWORD);
      await onB.getByTestId('sign-in').click();
      expect(await statistic(onB, 'ov-assets')).toBe(await live(county.code));
      expect(await onB.getByTestId('agency-picker').innerText()).toContain(county.name);
      await shot(onB, 'county-overview');

      // An asset registered through B is in the ledger A shows.
      const countyCookie = (await onB.context().cookies(b.base)).map((c) => `${c.name}=${c.value}`).join('; ');
      const registered = await call(b.base, 'assets/create', {
        assetTag: 'PROV-E2E-1', itemCode: 'S09', agencyCode: county.code, model: '大疆 M350', serialNumber: null, purchaseDate: '2025-05-01', priceFen: 12_000_000,
        fundingSource: '财政拨款', status: 'in_service', custodian: '赵六', location: null, plateNumber: null, odometerKm: null, calibrationValidUntil: null, notes: null,
      }, countyCookie);
      expect(registered.ok).toBe(true);
      await onA.goto(`${a.base}#/ledger?q=PROV-E2E-1`);
      await onA.reload();
      await onA.getByTestId('ledger-count').filter({ hasText: /共 1 件/ }).waitFor();
      await onA.getByText('PROV-E2E-1').first().waitFor();
      await shot(onA, 'ledger-registered-on-b');
      expect(errors).toEqual([]);
    } finally {
      await db.end();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
