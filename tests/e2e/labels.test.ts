import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { labelSheet } from '../../print/labels';
import { suiteBrowser } from './suite';
import { startApp } from './harness';
import { agency, asset, seedTemplate, templateBuffer } from '../fixtures/factories';

const hasTools = spawnSync('which', ['pdftoppm']).status === 0;
if (!hasTools) {
  if (process.env.CI) throw new Error('标签测试需要 Debian 的 poppler-utils 软件包(pdftoppm)');
  console.warn('跳过打印标签的浏览器测试:需要 Debian 的 poppler-utils 软件包');
}

const browser = suiteBrowser();

async function shot(page: Page, name: string) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/labels-${name}.png` });
}

/** The codes of a 50×30 label PDF, one a page, as a phone reads them from the printed labels. */
function decodedPages(pdf: string): (string | null)[] {
  const dir = mkdtempSync('/tmp/eql-e2e-labels-');
  execFileSync('pdftoppm', ['-r', '300', '-png', pdf, join(dir, 'p')]);
  const sheet = labelSheet('50x30');
  expect(sheet.labelWidth).toBe(50);
  return readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => {
    const png = PNG.sync.read(readFileSync(join(dir, f)));
    return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
  });
}

describe.skipIf(!hasTools)('打印标签 in the ledger', () => {
  it('prints the ticked assets of a county as labels whose codes are read back, and a scanned address opens the asset', { timeout: 180_000 }, async () => {
    const app = await startApp();
    try {
      await seedTemplate(app.db, templateBuffer([agency({ code: '990101', name: '示范县生态环境执法大队' })], [
        asset({ assetTag: 'SF-0001', itemCode: 'S09', agencyCode: '990101' }),
        asset({ assetTag: 'SF-0002', itemCode: 'S09', agencyCode: '990101' }),
        asset({ assetTag: 'SF-0003', itemCode: 'S01', agencyCode: '990101' }),
      ]), { file: 't.xlsx', who: { actor: 'seed', at: app.clock.now().toISOString() }, today: app.clock.today() });
      const page = await browser.adminPage(app.url);
      await page.getByRole('menuitem', { name: '台账' }).click();
      await page.locator('.ag-row .ag-cell[col-id="assetTag"]', { hasText: 'SF-0003' }).waitFor();
      const checkboxes = page.locator('.ag-row .ag-selection-checkbox input');
      await checkboxes.nth(0).check();
      await checkboxes.nth(1).check();
      await page.getByTestId('labels-open').click();
      await expect.poll(() => page.getByTestId('labels-what').innerText()).toContain('选中的 2 件装备');
      await shot(page, 'dialog-a4');
      await page.getByTestId('labels-layout-50x30').click();
      await page.locator('input[data-testid="labels-blank"], [data-testid="labels-blank"] input').fill('1');
      await shot(page, 'dialog-50x30');
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#labels-download').click()]);
      expect(download.suggestedFilename()).toMatch(/^资产标签-.*-50x30-.*\.pdf$/);
      const codes = decodedPages((await download.path())!);
      expect(codes).toHaveLength(3);
      expect(codes.slice(0, 2).sort()).toEqual(['SF-0001', 'SF-0002']);
      expect(codes[2]).toMatch(/^BL-990101-[0-9A-HJKMNP-TV-Z]{8}$/);

      // A phone that scans https://SERVER/a/TAG lands on the ledger showing that asset.
      await page.goto(`${app.url}a/SF-0003`);
      await page.locator('.ag-row .ag-cell[col-id="assetTag"]', { hasText: 'SF-0003' }).waitFor();
      expect(await page.getByTestId('quick-search').locator('input').inputValue()).toBe('SF-0003');
      await expect.poll(() => page.locator('.ag-center-cols-container .ag-row').count()).toBe(1);
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
