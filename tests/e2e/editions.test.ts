import { readFileSync } from 'node:fs';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { seedAccounts } from '../fixtures/db';
import { startApp } from './harness';
import { screenshots, signIn, signOut, suiteBrowser } from './suite';

/**
 * A bureau head of the province exports the 2020 standard from 配备达标 as the template, types the new edition's
 * county vehicle quota (1 per 4 staff) into it as a province would in Excel, imports it, and compares it with 2020
 * on the same holdings: every county short of a vehicle more is listed with the cost. A county manager sees the
 * comparison for its county only, and no import.
 */

const { newPage, demoPage } = suiteBrowser();
const PASSWORD = 'edition-pass-2026';
const shot = screenshots('editions');

describe('editions of the standard in the window', () => {
  it('a bureau head imports a 2024 edition typed on the exported template and sees the compliance change against 2020; a county manager sees its own', { timeout: 300_000 }, async () => {
    const app = await startApp();
    try {
      const page = await demoPage(app.url);
      const q = app.db.$client;
      // A county whose staff is not a multiple of 4 or 5 apart: ceil(staff / 4) > ceil(staff / 5).
      const counties = q.prepare(`select code, name, staff from agencies where level = 'county' order by code`).all() as { code: string; name: string; staff: number }[];
      const county = counties.find((c) => Math.ceil(c.staff / 4) > Math.ceil(c.staff / 5))!;
      const vehicles = q.prepare(`select count(*) from assets s join agencies g on g.id = s.agency_id where g.code = ? and s.item_code = 'S01' and s.status <> 'scrapped'`).pluck().get(county.code) as number;
      await seedAccounts(app.db, { actor: 'admin', at: app.clock.now().toISOString() }, [['head', '赵局长', 'head', null], ['county-mgr', '张县管', 'manager', county.code]], PASSWORD);
      await signOut(page);

      await signIn(page, 'head', PASSWORD);
      await page.getByRole('menuitem', { name: '配备达标' }).click();
      await page.getByTestId('compliance-view').getByText('标准对比').click();
      // Until another edition is imported, the province's own (zhejiang-2022) is the one to compare with.
      await expect.poll(() => page.getByTestId('compare-with').innerText()).toContain('浙江');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rule-set-export').click()]);
      expect(download.suggestedFilename()).toBe('配备标准-national-2020.xlsx');
      const wb = XLSX.read(readFileSync((await download.path())!));
      const ws = wb.Sheets[wb.SheetNames[0]];
      const aoa = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1 });
      const s01 = aoa.findIndex((r) => r[1] === 'S01');
      expect(aoa[s01].slice(4, 8)).toEqual(['1辆/5人', '1辆/5人', '1辆/5人', '否']);
      ws[XLSX.utils.encode_cell({ r: s01, c: 6 })] = { t: 's', v: '1辆/4人' };
      const typed = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;

      await page.getByTestId('rule-set-import').click();
      await page.getByTestId('rule-set-id').fill('national-2024');
      await page.getByTestId('rule-set-name').fill('2024 年版配备标准');
      await shot(page, 'import');
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: '选择文件并导入' }).click()]);
      await chooser.setFiles({ name: '2024版.xlsx', mimeType: 'application/octet-stream', buffer: typed });
      await page.getByText('已导入「2024 年版配备标准」').waitFor();
      await page.getByTestId('compare-with').click();
      await page.locator('.ant-select-item-option', { hasText: '2024 年版配备标准' }).click();

      // The county's vehicles: ceil(staff/5) under 2020, ceil(staff/4) under 2024, against what it holds.
      const rowId = page.locator(`.ag-center-cols-container .ag-row[row-id="${county.code}/S01"]`);
      await rowId.waitFor();
      const cell = (col: string) => rowId.locator(`[col-id="${col}"]`).innerText();
      expect([await cell('held'), await cell('requiredBase'), await cell('requiredOther')]).toEqual([String(vehicles), String(Math.ceil(county.staff / 5)), String(Math.ceil(county.staff / 4))]);
      expect(await cell('shortfallOther')).toBe(String(Math.max(0, Math.ceil(county.staff / 4) - vehicles)));
      // Every county whose vehicle quota changes is listed; cities and the province (1 per 5 in both) are not.
      const changed = counties.filter((c) => Math.ceil(c.staff / 4) !== Math.ceil(c.staff / 5)).length;
      await expect.poll(() => page.getByTestId('compare-agencies').innerText()).toContain(String(changed));
      await expect.poll(() => page.getByTestId('compare-shortfall').innerText()).toMatch(/→/);
      await shot(page, 'compare');
      // The same file again under the same id: refused at the 编号 field until the head asks to replace it.
      await page.getByTestId('rule-set-import').click();
      await page.getByTestId('rule-set-id').fill('national-2024');
      await page.getByTestId('rule-set-name').fill('2024 年版配备标准(修订)');
      const again = async () => {
        const [c] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: '选择文件并导入' }).click()]);
        await c.setFiles({ name: '2024版.xlsx', mimeType: 'application/octet-stream', buffer: typed });
      };
      await again();
      await page.locator('.ant-form-item-explain-error', { hasText: '已存在' }).waitFor();
      await page.getByTestId('rule-set-replace').check();
      await again();
      await page.getByText('已导入「2024 年版配备标准(修订)」').waitFor();
      expect(page.errors).toEqual([]);
      await signOut(page);

      // The county manager: its county's line alone, no import.
      const county2 = await newPage();
      await county2.goto(app.url);
      await signIn(county2, 'county-mgr', PASSWORD);
      await county2.getByRole('menuitem', { name: '配备达标' }).click();
      await county2.getByTestId('compliance-view').getByText('标准对比').click();
      await county2.getByTestId('compare-with').click();
      await county2.locator('.ant-select-item-option', { hasText: '2024 年版配备标准' }).click();
      await county2.locator(`.ag-center-cols-container .ag-row[row-id="${county.code}/S01"]`).waitFor();
      expect(await county2.getByTestId('compare-grid').locator('.ag-center-cols-container .ag-row').count()).toBe(1);
      expect(await county2.getByTestId('rule-set-import').count()).toBe(0);
      await shot(county2, 'county');
    } finally {
      await app.stop();
    }
  });
});
