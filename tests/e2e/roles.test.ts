import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedAccounts } from '../fixtures/db';
import * as XLSX from 'xlsx';
import type { BrowserContext, Page } from 'playwright-core';
import type { Input, OpName, Output } from '../../api/contract';
import type { Db } from '../../db/types';
import { approveDisposal, requestDisposal } from '../../db/queries/disposals';
import { sqliteStore } from '../../db/store';
import { screenshots, signIn as signInAs, signOut as signOutOf } from './suite';
import { dispatch } from '../../server/dispatch';
import { contextAs } from '../fixtures/context';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/open';
import { createHttpServer, listen } from '../../server/http';
import { ledgerOf } from '../fixtures/context';
import { buildRenderer, launchBrowser, RENDERER } from '../../scripts/browser';

/**
 * The demo province walked by each role: what the menu offers, which actions a screen shows, whose figures it
 * counts, where signing in lands and that nothing of the previous user's place survives signing out.
 */

let context: BrowserContext;
let closeBrowser: () => Promise<void>;
/** One server for the whole walk (the harness's temp dir belongs to a single test): the demo province is loaded once. */
let app: { url: string; db: Db; server: Server; dir: string };
let page: Page & { errors: string[] };
const PASSWORD = 'role-pass-2026';

interface Place { code: string; name: string }
let city: Place;
let counties: Place[];
let county: Place;
let requested: string;
let approved: string;

const ALL_MENU = ['总览', '台账', '维护与检定', '配备达标', '预算与规划', '装备评分', '报废', '盘点', '任务调度', 'Excel 导入', '机构', '审计日志', '用户', '备份与恢复'];

const shotOf = screenshots('roles');
const shot = (name: string) => shotOf(page, name);

/** An operation as the whole ledger's administrator sees it, to compare a scoped user's screen against. */
async function asAdmin<N extends OpName>(name: N, input: Input<N>): Promise<Output<N>> {
  const r = await dispatch(contextAs(app.db, ':memory:'), name, input);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problems)}`);
  return r.value as Output<N>;
}

const liveAssets = (db: Db, agency: string, subtree: boolean) => db.$client.prepare(
  subtree
    ? `with recursive sub(id) as (select id from agencies where code = ? union all select a.id from agencies a join sub on a.parent_id = sub.id)
       select count(*) from assets where status <> 'scrapped' and agency_id in (select id from sub)`
    : `select count(*) from assets s join agencies a on a.id = s.agency_id where a.code = ? and s.status <> 'scrapped'`,
).pluck().get(agency) as number;

const signIn = (username: string) => signInAs(page, username, PASSWORD);
const signOut = () => signOutOf(page);

const menu = () => page.locator('.ant-layout-sider .ant-menu-item').allInnerTexts();
const selectedMenu = () => page.locator('.ant-layout-sider .ant-menu-item-selected').innerText();
const ledgerCount = async () => Number((await page.getByTestId('ledger-count').innerText()).replace(/[^\d]/g, ''));

async function openLedger() {
  await page.getByRole('menuitem', { name: '台账' }).click();
  await page.getByTestId('ledger-count').filter({ hasText: /共 [\d,]+ 件/ }).waitFor();
}

/** The 报废 screen's row of an asset, in the tab of its status. */
async function disposalRow(status: '待审批' | '已批准', tag: string) {
  await page.getByRole('menuitem', { name: '报废' }).click();
  await page.locator('.ant-segmented-item', { hasText: status }).click();
  const row = page.getByTestId('disposals').locator('tr', { hasText: tag });
  await row.waitFor();
  return row;
}

beforeAll(async () => {
  await buildRenderer();
  ({ context, close: closeBrowser } = await launchBrowser());
  const dir = mkdtempSync(join(tmpdir(), 'eql-roles-'));
  const file = join(dir, 'ledger.db');
  const { db: opened } = openDatabase(file);
  const server = createHttpServer(ledgerOf(opened, file), RENDERER);
  const { port } = await listen(server, 0, '127.0.0.1');
  app = { url: `http://127.0.0.1:${port}/`, db: opened, server, dir };
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  page = Object.assign(p, { errors });
  await page.goto(app.url);
  await page.getByTestId('setup').waitFor();
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('姓名').fill('王管理');
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByLabel('确认密码').fill(PASSWORD);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('open-demo').click();
  await page.getByTestId('ov-maintenance').locator('.ant-statistic-content').waitFor({ timeout: 60_000 });

  const db = app.db;
  city = db.$client.prepare(
    `select c.code, c.name from agencies c where c.level = 'city' and (select count(*) from agencies k where k.parent_id = c.id) >= 2 order by c.code limit 1`,
  ).get() as Place;
  counties = db.$client.prepare(`select k.code, k.name from agencies k join agencies c on c.id = k.parent_id where c.code = ? order by k.code`).all(city.code) as Place[];
  county = counties[0];
  const who = { actor: 'admin', at: new Date().toISOString() };
  await seedAccounts(db, who, [
    ['county-mgr', '张县管', 'manager', county.code], ['city-mgr', '李市管', 'manager', city.code], ['head', '赵局长', 'head', null], ['dsp', '钱调度', 'dispatcher', city.code],
  ], PASSWORD);

  // One request waiting for approval and one approved, both in the county.
  const [a, b] = db.$client.prepare(
    `select s.id, s.asset_tag as tag from assets s join agencies g on g.id = s.agency_id where g.code = ? and s.status = 'in_service' order by s.id limit 2`,
  ).all(county.code) as { id: number; tag: string }[];
  const store = sqliteStore(db);
  await store.write((tx) => requestDisposal(tx, who, a.id, '使用年限已满'));
  await store.write(async (tx) => approveDisposal(tx, who, (await requestDisposal(tx, who, b.id, '损坏无法修复')).id, '示环执〔2026〕3号'));
  [requested, approved] = [a.tag, b.tag];
}, 180_000);

// A test that fails part-way still hands the next one a signed-out window.
afterEach(async () => {
  if (await page.getByTestId('user-menu').isVisible()) await signOut();
});

afterAll(async () => {
  await closeBrowser?.();
  if (app) {
    await new Promise((done) => app.server.close(done));
    app.db.$client.close();
    rmSync(app.dir, { recursive: true, force: true });
  }
});

describe('each role sees its own screens, actions and figures', () => {
  it('after the administrator signs out on 用户 with filters set, a county manager lands on 总览 with none of them, sees only the county, and is offered no approval', { timeout: 120_000 }, async () => {
    // The administrator leaves a filtered ledger of another city behind, then an admin-only screen.
    await openLedger();
    await page.goto(`${app.url}#/ledger?agency=${counties[1].code}&item=S01&q=abc`);
    await page.reload();
    await page.getByTestId('filter-item').waitFor();
    await page.getByRole('menuitem', { name: '用户' }).click();
    await page.getByTestId('user-new').waitFor();
    expect(page.url()).toContain('#/users');
    await signOut();
    expect(page.url()).not.toMatch(/users|agency=|item=|q=/);

    await signIn('county-mgr');
    await page.getByTestId('ov-assets').locator('.ant-statistic-content').waitFor();
    await shot('county-landing');
    expect(await selectedMenu()).toBe('总览');
    expect(page.url()).not.toMatch(/users|agency=|item=|q=/);
    expect(await page.getByTestId('user-new').count()).toBe(0);
    expect(await menu()).toEqual(ALL_MENU.filter((m) => !['审计日志', '用户', '备份与恢复'].includes(m)));
    const held = Number((await page.getByTestId('ov-assets').locator('.ant-statistic-content').innerText()).replace(/,/g, ''));
    expect(held).toBe(liveAssets(app.db, county.code, true));
    // The scope picker says whose figures these are, not 全部机构.
    expect(await page.getByTestId('agency-picker').innerText()).toContain(`${county.name}(含下级)`);

    // 台账: the county's assets, with no filter of the administrator's left over.
    await openLedger();
    expect(await ledgerCount()).toBe(liveAssets(app.db, county.code, true));
    expect(await page.getByTestId('filter-item').count()).toBe(0);
    expect(await page.getByTestId('quick-search').locator('input').inputValue()).toBe('');
    expect(await page.getByRole('button', { name: '登记装备' }).count()).toBe(1);

    // A search that finds nothing says which filters are on and clears them.
    await page.goto(`${app.url}#/ledger?item=S05&q=${encodeURIComponent('没有这个编号')}`);
    await page.reload();
    await page.getByTestId('ledger-empty').waitFor();
    const empty = await page.getByTestId('ledger-empty').innerText();
    expect(empty).toContain('S05');
    expect(empty).toContain('没有这个编号');
    await shot('ledger-empty-filters');
    await page.getByTestId('clear-filters').click();
    await expect.poll(ledgerCount).toBe(liveAssets(app.db, county.code, true));
    expect(await page.getByTestId('filter-item').count()).toBe(0);

    // Excel 导入: names matched only by likeness wait for a click, and the import refuses them until then.
    await page.getByRole('menuitem', { name: 'Excel 导入' }).click();
    const ws = XLSX.utils.aoa_to_sheet([
      ['资产编码', '设备名称', '购置日期', '使用状态'],
      ['LK-001', '笔记本电脑', '2024-03-01', '在用'], ['LK-002', '对讲机', '2024-03-01', '在用'], ['LK-003', '执法记录仪', '2024-03-01', '在用'],
    ]);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('wizard-choose').click()]);
    await chooser.setFiles({ name: '县局台账.xlsx', mimeType: 'application/octet-stream', buffer: XLSX.write(XLSX.utils.book_new(ws, '台账'), { type: 'buffer', bookType: 'xlsx' }) });
    await page.getByTestId('wizard-file').filter({ hasText: '县局台账.xlsx' }).waitFor();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-columns').waitFor();
    await page.getByTestId('agency-picker').click();
    await page.getByTestId('agency-picker').locator('input').fill(county.name.slice(-12));
    await page.locator('.ant-select-tree-node-content-wrapper', { hasText: county.name }).first().click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('item-names').waitFor();
    expect(await page.getByTestId('source-笔记本电脑').innerText()).toBe('待确认');
    expect(await page.getByTestId('source-对讲机').innerText()).toBe('待确认');
    expect(await page.getByTestId('confirm-笔记本电脑').innerText()).toContain('S02');
    expect(await page.getByTestId('item-names').locator('tr', { hasText: '执法记录仪' }).innerText()).toContain('自动匹配');
    await shot('import-to-confirm');
    await page.getByTestId('wizard-check').click();
    await page.getByTestId('wizard-import').click();
    await page.getByText(/装备名称「笔记本电脑」.*尚未确认/).first().waitFor();
    await page.getByText(/装备名称「对讲机」.*尚未确认/).first().waitFor();
    expect(app.db.$client.prepare(`select count(*) from assets where asset_tag like 'LK-%'`).pluck().get()).toBe(0);
    await page.locator('.ant-steps-item', { hasText: '装备名称与机构' }).click();
    await page.getByTestId('confirm-笔记本电脑').click();
    await page.getByTestId('confirm-对讲机').click();
    await page.getByText('所有名称都已对应').waitFor();
    await page.getByTestId('wizard-check').click();
    await page.getByTestId('wizard-import').click();
    await page.getByTestId('wizard-result').waitFor();
    expect(app.db.$client.prepare(`select item_code from assets where asset_tag = 'LK-001'`).pluck().get()).toBe('S02');

    // 报废: a manager requests and carries out, but does not approve.
    const waiting = await disposalRow('待审批', requested);
    expect(await waiting.getByRole('button').count()).toBe(0);
    await shot('county-disposals');
    const done = await disposalRow('已批准', approved);
    expect(await done.getByRole('button', { name: '办结报废' }).count()).toBe(1);
    await done.getByRole('button', { name: '办结报废' }).click();
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.locator('.ant-message').getByText(`${approved} 已办结报废`).waitFor();

    // Due lists show when each unit falls due, without scrolling.
    await page.getByRole('menuitem', { name: '维护与检定' }).click();
    await page.locator('.ant-segmented-item', { hasText: '到期待更新' }).click();
    const dueHeader = page.locator('.ag-header-cell[col-id="dueDate"]');
    await expect.poll(() => dueHeader.innerText()).toContain('到期日');
    await shot('county-due-replacement');
    const box = (await dueHeader.boundingBox())!;
    expect(box.x + box.width).toBeLessThan(1366);
    await page.locator('.ant-segmented-item', { hasText: '检定到期' }).click();
    await expect.poll(() => dueHeader.innerText()).toContain('检定有效期至');
    await shot('county-due-calibration');
    await signOut();
  });

  it('a city manager sees every county of the city with its own figures, and a cell opens exactly the units it counts', { timeout: 120_000 }, async () => {
    await signIn('city-mgr');
    await openLedger();
    expect(await ledgerCount()).toBe(liveAssets(app.db, city.code, true));

    await page.getByRole('menuitem', { name: '配备达标' }).click();
    const cityCell = page.getByTestId(`cell-${city.code}-S01`);
    await expect.poll(() => cityCell.innerText()).toMatch(/^\d+\/\d+$/);
    // Headers name the items, not only their codes.
    expect(await page.locator('.ag-header-cell[col-id="S01"]').innerText()).toContain('执法执勤专用车');
    await shot('city-compliance');
    // Every item column is rendered, the last basic ones too.
    await page.getByTestId(`cell-${city.code}-S28`).waitFor({ state: 'attached' });

    // Not rolled up: the city's own units; rolled up: the subtree's.
    const own = Number((await cityCell.innerText()).split('/')[0]);
    await cityCell.click();
    await page.getByTestId('filter-own').waitFor();
    await expect.poll(ledgerCount).toBe(own);
    await page.getByRole('menuitem', { name: '配备达标' }).click();
    await page.getByTestId('rollup').click();
    await expect.poll(async () => Number((await cityCell.innerText()).split('/')[0])).toBeGreaterThan(own);
    const subtree = Number((await cityCell.innerText()).split('/')[0]);
    await cityCell.click();
    await page.getByTestId('filter-item').waitFor();
    expect(await page.getByTestId('filter-own').count()).toBe(0);
    await expect.poll(ledgerCount).toBe(subtree);

    // Each county of the city with the shortfall the administrator sees for it (the server's scope fix).
    await page.getByRole('menuitem', { name: '配备达标' }).click();
    const all = await asAdmin('quotas/shortfall', {});
    const basic = new Set((await asAdmin('catalog/list', {})).filter((i) => i.kind === 'basic').map((i) => i.code));
    for (const k of counties) {
      const expected = all.rows.filter((r) => r.agency === k.code && basic.has(r.item)).reduce((s, r) => s + r.shortfall, 0);
      expect(expected).toBeGreaterThan(0);
      const row = page.locator(`.ag-pinned-left-cols-container .ag-row[row-id="${k.code}"]`);
      await expect.poll(() => row.locator('[col-id="totalShortfall"]').innerText(), { timeout: 5_000 }).toBe(String(expected));
    }
    await signOut();
  });

  it('a bureau head approves but does not carry out disposals, reads the audit log, and edits no asset', { timeout: 120_000 }, async () => {
    // An address left in the window from before does not carry into the next user's session.
    await page.goto(`${app.url}#/ledger?agency=${county.code}`);
    await signIn('head');
    await page.getByTestId('ov-assets').waitFor();
    expect(await selectedMenu()).toBe('总览');
    expect(page.url()).not.toContain('agency=');
    expect(await menu()).toEqual(ALL_MENU.filter((m) => !['Excel 导入', '用户', '备份与恢复'].includes(m)));
    await openLedger();
    expect(await page.getByRole('button', { name: '登记装备' }).count()).toBe(0);
    expect(await page.locator('.ag-row .ag-selection-checkbox').count()).toBe(0);
    await page.locator('.ag-row .ag-cell[col-id="assetTag"]').first().click();
    await page.getByTestId('asset-form').waitFor();
    expect(await page.getByTestId('asset-save').count()).toBe(0);
    await page.getByRole('tab', { name: /维护记录/ }).click();
    expect(await page.getByTestId('maintenance-form').count()).toBe(0);
    await page.locator('.ant-drawer-close').click();

    const row = await disposalRow('待审批', requested);
    expect(await row.getByRole('button', { name: /^批\s*准$/ }).count()).toBe(1);
    expect(await row.getByRole('button', { name: /不予批准/ }).count()).toBe(1);
    await row.getByRole('button', { name: /^批\s*准$/ }).click();
    await page.getByLabel('审批文号').fill('示环执〔2026〕9号');
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.locator('.ant-message').getByText(`已批准报废 ${requested}`).waitFor();
    const now = await disposalRow('已批准', requested);
    expect(await now.getByRole('button').count()).toBe(0);
    await shot('head-disposals');

    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await page.getByTestId('audit-count').waitFor();

    // Charts: money in 万元, month labels turned, the 5-per-vehicle line labelled inside the chart.
    await page.getByRole('menuitem', { name: '总览' }).click();
    await page.getByTestId('chart-calibration').scrollIntoViewIfNeeded();
    await page.getByTestId('chart-budgetByYear-subtitle').filter({ hasText: '万元' }).waitFor();
    await page.waitForTimeout(300);
    await shot('overview-charts');
    await page.getByRole('menuitem', { name: '配备达标' }).click();
    await page.getByTestId('compliance-view').getByText('图表').click();
    await page.getByTestId('chart-staffPerVehicle-subtitle').filter({ hasText: '人' }).waitFor();
    await page.waitForTimeout(300);
    await shot('compliance-charts');
    await signOut();
  });

  it('a dispatcher plans tasks but is offered no ledger edit, no import and no approval', { timeout: 120_000 }, async () => {
    await signIn('dsp');
    expect(await menu()).toEqual(ALL_MENU.filter((m) => !['Excel 导入', '审计日志', '用户', '备份与恢复'].includes(m)));
    await openLedger();
    expect(await ledgerCount()).toBe(liveAssets(app.db, city.code, true));
    expect(await page.getByRole('button', { name: '登记装备' }).count()).toBe(0);
    await page.getByRole('menuitem', { name: '报废' }).click();
    await page.getByTestId('disposals').waitFor();
    expect(await page.getByTestId('disposals').locator('th', { hasText: '操作' }).count()).toBe(0);
    await page.getByRole('menuitem', { name: '机构' }).click();
    await page.getByTestId('agency-form').waitFor();
    expect(await page.getByTestId('agency-save').count()).toBe(0);
    expect(await page.getByRole('button', { name: '新增下级机构' }).count()).toBe(0);
    await page.getByRole('menuitem', { name: '任务调度' }).click();
    await page.getByRole('button', { name: /新建任务/ }).waitFor();
    await shot('dispatcher-tasks');
    await signOut();
    expect(page.errors).toEqual([]);
  });
});
