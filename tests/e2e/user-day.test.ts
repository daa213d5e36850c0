import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { buildRenderer, startApp } from './harness';

let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  await buildRenderer();
  ({ context, close: closeBrowser } = await launchBrowser());
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
});

async function openPage(url: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  return Object.assign(page, { errors });
}

const rowCount = (page: Page) => page.locator('.ag-center-cols-container .ag-row').count();

describe('an equipment manager’s day in the browser', () => {
  it('opens the demo province, finds a vehicle by plate, and drills from a compliance cell to its assets', { timeout: 120_000 }, async () => {
    const app = await startApp();
    try {
      const page = await openPage(app.url);
      await page.getByText('欢迎使用执法装备台账').waitFor();
      await page.getByTestId('open-demo').click();
      await page.getByTestId('ledger-count').filter({ hasText: /共 [\d,]+ 件/ }).waitFor({ timeout: 60_000 });

      const car = app.db.$client
        .prepare(`select asset_tag as tag, plate_number as plate from assets where plate_number is not null and status = 'in_service' limit 1 offset 17`)
        .get() as { tag: string; plate: string };
      await page.getByTestId('quick-search').locator('input').fill(car.plate);
      await page.getByTestId('quick-search').locator('input').press('Enter');
      await page.getByTestId('ledger-count').filter({ hasText: '共 1 件' }).waitFor();
      await expect.poll(() => page.locator('.ag-row .ag-cell[col-id="assetTag"]').allInnerTexts()).toContain(car.tag);

      await page.getByRole('menuitem', { name: '配备达标' }).click();
      const county = app.db.$client.prepare(`select code, staff from agencies where level = 'county' order by code limit 1`).get() as { code: string; staff: number };
      const held = app.db.$client
        .prepare(`select count(*) from assets s join agencies a on a.id = s.agency_id where a.code = ? and s.item_code = 'S01' and s.status <> 'scrapped'`)
        .pluck().get(county.code) as number;
      const cell = page.getByTestId(`cell-${county.code}-S01`);
      await expect.poll(() => cell.innerText()).toBe(`${held}/${Math.ceil(county.staff / 5)}`);

      await cell.click();
      await page.getByTestId('ledger-count').filter({ hasText: `共 ${held} 件` }).waitFor();
      await expect.poll(() => rowCount(page)).toBe(held);
      expect(page.url()).toContain(`agency=${county.code}`);
      expect((page as Page & { errors: string[] }).errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
