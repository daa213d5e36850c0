import { describe, expect, it } from 'vitest';
import { seedAccounts } from '../fixtures/db';
import { startApp } from './harness';
import { screenshots, signIn, signOut, suiteBrowser } from './suite';

/**
 * A bureau head of the province types a new edition in the window, starting from a copy of 2020: large drones (S09)
 * may be provided by a service. A mistyped cell is refused and marked; corrected, it saves and compares with 2020.
 * A city manager then records a drone service for two of its counties; under the new edition a county without a
 * drone is covered (shown apart from what it owns), under 2020 it is not. The county manager sees its part only.
 */

const { newPage, demoPage } = suiteBrowser();
const PASSWORD = 'contract-pass-2026';
const shot = screenshots('contracts');

describe('an edition typed in the editor, and a service contract', () => {
  it('a bureau head enters an edition admitting a drone service; a city manager records a contract; a county sees its drone covered', { timeout: 300_000 }, async () => {
    const app = await startApp();
    try {
      const page = await demoPage(app.url);
      const q = app.db.$client;
      // Two counties of one city, the first holding no large drone.
      const droneless = q.prepare(`select g.code, g.name, g.parent_id as parent from agencies g where g.level = 'county' and not exists
        (select 1 from assets s where s.agency_id = g.id and s.item_code = 'S09' and s.status <> 'scrapped') order by g.code`).get() as { code: string; name: string; parent: number };
      expect(droneless).toBeDefined();
      const city = q.prepare(`select code, name from agencies where id = ?`).get(droneless.parent) as { code: string; name: string };
      const sibling = q.prepare(`select code, name from agencies where parent_id = ? and code <> ? order by code`).get(droneless.parent, droneless.code) as { code: string; name: string };
      await seedAccounts(app.db, { actor: 'admin', at: app.clock.now().toISOString() }, [
        ['head', '赵局长', 'head', null], ['city-mgr', '钱市管', 'manager', city.code], ['county-mgr', '孙县管', 'manager', droneless.code],
      ], PASSWORD);
      await signOut(page);

      await signIn(page, 'head', PASSWORD);
      await page.getByRole('menuitem', { name: '配备达标' }).click();
      await page.getByTestId('compliance-view').getByText('标准对比').click();
      await page.getByTestId('edition-edit').click();
      const grid = page.getByTestId('edition-grid');
      const rowOf = async (code: string) => {
        const cell = grid.locator('.ag-center-cols-container [col-id="代码"]', { hasText: new RegExp(`^${code}$`) });
        await cell.waitFor();
        return grid.locator(`.ag-center-cols-container .ag-row[row-index="${await cell.locator('xpath=..').getAttribute('row-index')}"]`);
      };
      const type = async (code: string, column: string, text: string) => {
        await (await rowOf(code)).locator(`[col-id="${column}"]`).click();
        const editor = grid.locator('.ag-cell-inline-editing input');
        await editor.fill(text);
        await editor.press('Enter');
      };
      await page.getByTestId('edition-id').fill('province-2025');
      await page.getByTestId('edition-name').fill('省 2025 年版(购买服务)');
      await type('S09', '可购买服务', '是');
      // Counties: a vehicle per 4 staff rather than 5.
      await type('S01', '县级', '1辆/4人');
      // A typing slip first: 两架 is no quantity.
      await type('S09', '县级', '两架/机构');
      await page.getByTestId('edition-save').click();
      await page.getByTestId('problems').waitFor();
      expect(await page.getByTestId('problems').innerText()).toContain('字段「县级」:「两架/机构」不是配备数量');
      await shot(page, 'editor-refused');
      await type('S09', '县级', '≥1/机构');
      await page.getByTestId('edition-save').click();
      await page.getByText('已导入「省 2025 年版(购买服务)」').waitFor();
      // Compared with 2020 on the same holdings: every county whose vehicle quota grows is listed.
      const counties = q.prepare(`select staff from agencies where level = 'county'`).pluck().all() as number[];
      const changed = counties.filter((n) => Math.ceil(n / 4) !== Math.ceil(n / 5)).length;
      await page.getByTestId('compare-with').click();
      await page.locator('.ant-select-item-option', { hasText: '省 2025 年版' }).click();
      await expect.poll(() => page.getByTestId('compare-agencies').innerText()).toContain(String(changed));
      await shot(page, 'editor-compare');
      expect(page.errors).toEqual([]);
      await signOut(page);

      // The city manager records the drone service for its two counties.
      await signIn(page, 'city-mgr', PASSWORD);
      await page.getByRole('menuitem', { name: '配备达标' }).click();
      await page.getByTestId('compliance-view').getByText('购买服务').click();
      await page.getByTestId('contract-new').click();
      const form = page.getByTestId('contract-form');
      await page.getByTestId('contract-provider').fill('某某航空科技有限公司');
      await form.getByTestId('agency-picker').click();
      await form.getByTestId('agency-picker').locator('input').fill(city.name.slice(-10));
      await page.locator('.ant-select-tree-node-content-wrapper').filter({ hasText: city.name }).first().click();
      await page.getByTestId('contract-covered').click();
      for (const c of [droneless, sibling]) {
        await page.getByTestId('contract-covered').locator('input').fill(c.name.slice(-10));
        await page.locator('.ant-select-tree-treenode').filter({ hasText: c.name }).last().locator('.ant-select-tree-checkbox').click();
      }
      await page.keyboard.press('Escape');
      const today = app.clock.today();
      const ymd = (years: number) => `${Number(today.slice(0, 4)) + years}${today.slice(4, 8)}01`;
      await form.getByPlaceholder('开始日期').click();
      await form.getByPlaceholder('开始日期').fill(ymd(-1));
      await form.getByPlaceholder('开始日期').press('Enter');
      await form.getByPlaceholder('结束日期').fill(ymd(1));
      await form.getByPlaceholder('结束日期').press('Enter');
      await page.getByTestId('contract-cost').fill('120000');
      await page.getByTestId('contract-item').click();
      await page.keyboard.type('S09');
      await page.keyboard.press('Enter');
      await shot(page, 'contract-form');
      await page.getByTestId('contract-save').click();
      await page.getByText('服务合同已保存').waitFor();
      const listed = page.getByTestId('contracts').locator('tbody tr', { hasText: '某某航空科技有限公司' });
      await listed.waitFor();
      expect(await listed.innerText()).toContain('服务中');
      await shot(page, 'contracts-city');

      // Under the new edition the county's drone is covered, shown after a "+"; under 2020 it is still missing.
      await page.getByTestId('compliance-view').getByText('达标矩阵').click();
      const cell = page.getByTestId(`cell-${droneless.code}-S09`);
      await expect.poll(() => cell.innerText()).toBe('0/1');
      await page.getByTestId('rule-set').click();
      await page.locator('.ant-select-item-option', { hasText: '省 2025 年版' }).click();
      await expect.poll(() => cell.innerText()).toBe('0+1/1');
      expect(await cell.getAttribute('title')).toContain('购买服务 1');
      await page.keyboard.press('Escape');
      await cell.scrollIntoViewIfNeeded();
      await shot(page, 'matrix-covered');
      expect(page.errors).toEqual([]);
      await signOut(page);

      // The county manager sees the contract's part that covers it, and may not change it.
      const county = await newPage();
      await county.goto(app.url);
      await signIn(county, 'county-mgr', PASSWORD);
      await county.getByRole('menuitem', { name: '配备达标' }).click();
      await county.getByTestId('compliance-view').getByText('购买服务').click();
      const row = county.getByTestId('contracts').locator('tbody tr', { hasText: '某某航空科技有限公司' });
      await row.waitFor();
      const text = await row.innerText();
      const short = (name: string) => name.replace(/生态环境保护综合行政执法大队$/, '');
      expect(text).toContain(short(droneless.name));
      expect(text).not.toContain(short(sibling.name));
      expect(text).toContain('及辖区外 1 个机构');
      expect(await row.getByRole('button', { name: '删除' }).count()).toBe(0);
      // The list fades in after it loads.
      await county.waitForTimeout(600);
      await shot(county, 'contracts-county');
    } finally {
      await app.stop();
    }
  });
});
