import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { suiteBrowser } from './suite';
import { startApp } from './harness';
import { agency, asset, seedTemplate, templateBuffer } from '../fixtures/factories';

const browser = suiteBrowser();

const saved = async (d: Download) => ({ name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) });

async function signIn(page: Page, first: boolean) {
  await page.getByLabel('用户名').fill('admin');
  if (first) await page.getByLabel('姓名').fill('王管理');
  await page.getByLabel('密码', { exact: true }).fill('admin-pass-2026');
  if (first) await page.getByLabel('确认密码').fill('admin-pass-2026');
  await page.getByTestId('sign-in').click();
}

it('exports the ledger as CSV from the keyboard, keeps the choice for the user, and forgets it at sign-out', { timeout: 120_000 }, async () => {
  const app = await startApp();
  try {
    const today = app.clock.today();
    await seedTemplate(app.db, templateBuffer([agency({ code: '990101', name: '示范县执法大队' })], [asset({ assetTag: '00123', itemCode: 'S01', agencyCode: '990101', notes: '=HYPERLINK("http://x")' })]),
      { file: 't.xlsx', who: { actor: 'seed', at: app.clock.now().toISOString() }, today });
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.getByTestId('setup').waitFor();
    await signIn(page, true);
    await page.getByRole('menuitem', { name: '台账' }).click();
    await page.locator('.ag-row .ag-cell[col-id="assetTag"]', { hasText: '00123' }).waitFor();

    const exportButton = page.getByTestId('ledger-export');
    expect(await exportButton.innerText()).toContain('导出 Excel');
    await page.getByTestId('ledger-export-format').focus();
    await page.keyboard.press('Enter');
    const csvChoice = page.getByRole('menuitem', { name: '导出 CSV(WPS/旧版 Excel)' });
    await csvChoice.waitFor();
    // The menu opens on the current choice (.xlsx); one step down is CSV. The menu takes the focus a moment
    // after it shows, so each key waits for the item it acts on to hold the focus.
    const focusedItem = () => page.evaluate(() => document.activeElement?.closest('.ant-dropdown-menu-item')?.textContent ?? '');
    await expect.poll(focusedItem).toContain('Excel');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedItem).toContain('CSV');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const file = await saved(download);
    expect(file.name).toBe(`装备台账-${today}.csv`);
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = file.bytes.subarray(3).toString('utf8');
    expect(text.startsWith('资产编号,装备代码,装备名称')).toBe(true);
    expect(text).toContain('"=""00123""",S01,');
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);

    // The main button now exports CSV, also after a reload.
    await page.reload();
    await page.locator('.ag-row .ag-cell[col-id="assetTag"]', { hasText: '00123' }).waitFor();
    expect(await exportButton.innerText()).toContain('导出 CSV');
    const [again] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
    expect(again.suggestedFilename()).toMatch(/\.csv$/);

    // Signed out and in again, the export is .xlsx once more.
    await page.getByTestId('user-menu').hover();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByTestId('login').waitFor();
    await signIn(page, false);
    await page.getByRole('menuitem', { name: '台账' }).click();
    expect(await exportButton.innerText()).toContain('导出 Excel');
  } finally {
    await app.stop();
  }
});
