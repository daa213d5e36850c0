import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { suiteBrowser } from './suite';
import { startApp } from './harness';
import { agency, seedTemplate, templateBuffer } from '../fixtures/factories';
import { textBytes } from '../fixtures/formats';

const browser = suiteBrowser();

describe('the import wizard\'s first step says what the file is and how its text was read', () => {
  it('shows an uncertain encoding, lets the user confirm or change it, and marks hidden sheets', { timeout: 120_000 }, async () => {
    const app = await startApp();
    try {
      await seedTemplate(app.db, templateBuffer([agency({ code: '990101', name: '示范县执法大队', level: 'county' })]), { file: 't.xlsx', who: { actor: 'seed', at: '2026-11-23T01:00:00.000Z' }, today: '2026-11-23' });
      const page = await browser.adminPage(app.url);
      await page.getByRole('menuitem', { name: 'Excel 导入' }).click();

      // UTF-16 without its byte-order mark, tab-delimited: read, but flagged until the user confirms.
      const text = textBytes('资产编号\t设备名称\t状态\nU-1\t执法记录仪\t在用\n', { encoding: 'utf-16le' });
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('wizard-choose').click()]);
      await chooser.setFiles({ name: '县局台账.txt', mimeType: 'text/plain', buffer: text });
      await page.getByTestId('wizard-uncertain').waitFor();
      expect(await page.getByTestId('wizard-format').innerText()).toBe('文本文件(CSV/TXT)');
      expect(await page.getByTestId('wizard-encoding').innerText()).toContain('UTF-16 LE');
      expect(await page.getByTestId('wizard-delimiter').innerText()).toContain('制表符');
      expect(await page.getByTestId('wizard-uncertain').innerText()).toContain('编码无法确定');
      if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/import-uncertain-encoding.png` });
      await page.getByTestId('wizard-confirm-encoding').click();
      await expect.poll(() => page.getByTestId('wizard-uncertain').count()).toBe(0);
      expect(await page.locator('table').first().innerText()).toContain('执法记录仪');

      // Another delimiter at the user's word: the file is read again on the server, each line one field.
      const firstRow = page.locator('table').first().locator('tr').first().locator('td');
      expect(await firstRow.count()).toBe(4);
      await page.getByTestId('wizard-delimiter').click();
      await page.locator('.ant-select-item-option', { hasText: '逗号' }).click();
      await expect.poll(() => firstRow.count()).toBe(2);
      // Read as UTF-8, the UTF-16 bytes hold NULs: refused with the line, the file as it was read stays.
      await page.getByTestId('wizard-encoding').click();
      await page.locator('.ant-select-item-option', { hasText: 'UTF-8' }).click();
      await page.getByText(/第 1 行含有空字符/).waitFor();
      expect(await page.getByTestId('wizard-encoding').innerText()).toContain('UTF-16 LE');

      // An .xls with a hidden sheet: offered marked, the visible ledger suggested.
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['资产编号', '设备名称'], ['H-1', '执法记录仪']]), '旧表');
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['资产编号', '设备名称'], ['V-1', '执法记录仪']]), '台账');
      wb.Workbook = { Sheets: [{ name: '旧表', Hidden: 1 }, { name: '台账', Hidden: 0 }] };
      const [again] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('wizard-choose').click()]);
      await again.setFiles({ name: '县局台账.xls', mimeType: 'application/vnd.ms-excel', buffer: XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer });
      await page.getByTestId('wizard-file').filter({ hasText: '县局台账.xls' }).waitFor();
      expect(await page.getByTestId('wizard-format').innerText()).toBe('Excel 97-2003 工作簿(.xls)');
      expect(await page.getByTestId('wizard-text').count()).toBe(0);
      expect(await page.getByTestId('wizard-sheet').innerText()).toContain('台账');
      await page.getByTestId('wizard-sheet').click();
      expect(await page.locator('.ant-select-item-option', { hasText: '旧表' }).innerText()).toContain('(隐藏)');
      if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/import-hidden-sheet.png` });
    } finally {
      await app.stop();
    }
  });
});
