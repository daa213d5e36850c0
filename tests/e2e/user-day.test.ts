import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { suiteBrowser } from './suite';
import { startApp } from './harness';
import * as XLSX from 'xlsx';
import { saveTask } from '../../db/queries/tasks';
import { sqliteStore } from '../../db/store';
import { actorNow } from '../../db/queries/audit';
import { addDays } from '../../lib/dates';

const browser = suiteBrowser();

type WatchedPage = Page & { errors: string[] };

async function openPage(url: string): Promise<WatchedPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // antd's virtual list warns when a tree select scrolls to a node it filtered to: its own noise, not ours.
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('rc-virtual-list') && errors.push(m.text()));
  await page.goto(url);
  return Object.assign(page, { errors });
}

const stored = (app: { db: import('../../db/types').Db }, tag: string, column: string) =>
  app.db.$client.prepare(`select ${column} from assets where asset_tag = ?`).pluck().get(tag);

/** A new ledger's first screen: the administrator's account, which signs them in. */
async function createAdministrator(page: Page, password = 'admin-pass-2026') {
  await page.getByTestId('setup').waitFor();
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('姓名').fill('王管理');
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel('确认密码').fill(password);
  await shot(page, 'setup');
  await page.getByTestId('sign-in').click();
}

/** A fresh ledger in the browser: the administrator, the first-run screen, then the demo province, landing on 总览. */
async function openDemo(url: string): Promise<WatchedPage> {
  const page = await openPage(url);
  await createAdministrator(page);
  await page.getByText('欢迎使用执法装备台账').waitFor();
  await page.getByTestId('open-demo').click();
  await page.getByTestId('ov-maintenance').locator('.ant-statistic-content').waitFor({ timeout: 60_000 });
  return page;
}

async function closeDrawer(page: Page) {
  await page.locator('.ant-drawer-close').click();
  await page.locator('.ant-drawer-content').waitFor({ state: 'detached' });
}

const firstCounty = (app: { db: import('../../db/types').Db }) =>
  app.db.$client.prepare(`select code, name from agencies where level = 'county' order by code limit 1`).get() as { code: string; name: string };

/** On 台账, finds a county's vehicles by quick search and selects the first two. */
async function selectTwoVehicles(page: Page, countyCode: string) {
  await page.getByRole('menuitem', { name: '台账' }).click();
  await page.getByTestId('quick-search').locator('input').fill(`${countyCode}-S01`);
  await page.getByTestId('quick-search').locator('input').press('Enter');
  await page.getByTestId('ledger-count').filter({ hasText: /共 [1-9]/ }).waitFor();
  const checkboxes = page.locator('.ag-row .ag-selection-checkbox input');
  await checkboxes.nth(0).check();
  await checkboxes.nth(1).check();
}

const rowCount = (page: Page) => page.locator('.ag-center-cols-container .ag-row').count();

describe('an equipment manager’s day in the browser', () => {
  it('opens the demo, finds a vehicle by plate, edits it, logs a repair, scraps a county vehicle and sees its shortfall rise by one', { timeout: 120_000 }, async () => {
    const app = await startApp();
    try {
      const page = await openDemo(app.url);

      // The overview's figures each open the list behind them, and the list has as many rows.
      const figure = async (id: string) => Number((await page.getByTestId(id).locator('.ant-statistic-content').innerText()).replace(/,/g, ''));
      const maintenanceDue = await figure('ov-maintenance');
      expect(maintenanceDue).toBeGreaterThan(0);
      await page.getByTestId('ov-maintenance').click();
      await page.getByTestId('ledger-count').filter({ hasText: `共 ${maintenanceDue.toLocaleString('zh-CN')} 件` }).waitFor();
      await page.getByRole('menuitem', { name: '总览' }).click();
      const held = await figure('ov-assets');
      await page.getByTestId('ov-assets').click();
      await page.getByTestId('ledger-count').filter({ hasText: `共 ${held.toLocaleString('zh-CN')} 件` }).waitFor();

      const car = app.db.$client
        .prepare(`select asset_tag as tag, plate_number as plate from assets where plate_number is not null and status = 'in_service' limit 1 offset 17`)
        .get() as { tag: string; plate: string };
      await page.getByTestId('quick-search').locator('input').fill(car.plate);
      await page.getByTestId('quick-search').locator('input').press('Enter');
      await page.getByTestId('ledger-count').filter({ hasText: '共 1 件' }).waitFor();
      await expect.poll(() => page.locator('.ag-row .ag-cell[col-id="assetTag"]').allInnerTexts()).toContain(car.tag);

      // Edit the vehicle: a new custodian.
      await page.locator('.ag-row .ag-cell[col-id="assetTag"]').first().click();
      const form = page.getByTestId('asset-form');
      await form.getByLabel('责任人').fill('周建国');
      await page.getByTestId('asset-save').click();
      await expect.poll(() => stored(app, car.tag, 'custodian')).toBe('周建国');

      // Log a repair that sends it to the workshop.
      const records = () => app.db.$client.prepare(`select count(*) from maintenance_records m join assets s on s.id = m.asset_id where s.asset_tag = ?`).pluck().get(car.tag) as number;
      const before = records();
      await page.getByRole('tab', { name: `维护记录 (${before})` }).click();
      const maint = page.getByTestId('maintenance-form');
      await maint.getByLabel('维护内容').fill('更换刹车片及前轮轴承');
      await maint.getByLabel('装备状态').click();
      await page.getByTitle('送修(改为维修)').click();
      await maint.getByRole('button', { name: '登记维护' }).click();
      await page.getByRole('tab', { name: `维护记录 (${before + 1})` }).waitFor();
      await page.getByRole('cell', { name: '更换刹车片及前轮轴承' }).waitFor();
      expect(stored(app, car.tag, 'status')).toBe('under_repair');

      // A bad value is refused next to its field and what was typed stays.
      await page.getByRole('tab', { name: '基本信息' }).click();
      const other = app.db.$client.prepare(`select asset_tag from assets where asset_tag <> ? limit 1`).pluck().get(car.tag) as string;
      await form.getByLabel('资产编号').fill(other);
      await form.getByLabel('备注').fill('这段备注不能丢');
      await page.getByTestId('asset-save').click();
      await page.getByText(`资产编号「${other}」已被其他装备使用`).waitFor();
      expect(await form.getByLabel('备注').inputValue()).toBe('这段备注不能丢');
      expect(stored(app, car.tag, 'notes')).not.toBe('这段备注不能丢');
      await closeDrawer(page);

      // Scrap one vehicle of a county and see the county's vehicle shortfall rise by one.
      await page.getByRole('menuitem', { name: '配备达标' }).click();
      // A county holding at least one vehicle but no more than it needs, so scrapping one shows as shortfall.
      const county = app.db.$client.prepare(
        `select a.code, a.staff, count(s.id) as held from agencies a join assets s on s.agency_id = a.id and s.item_code = 'S01' and s.status <> 'scrapped'
         where a.level = 'county' group by a.id having held between 1 and (a.staff + 4) / 5 order by a.code limit 1`,
      ).get() as { code: string; staff: number; held: number };
      const countyHeld = county.held;
      const cell = page.getByTestId(`cell-${county.code}-S01`);
      await expect.poll(() => cell.innerText()).toBe(`${countyHeld}/${Math.ceil(county.staff / 5)}`);

      await cell.hover();
      const shortfall = Math.max(0, Math.ceil(county.staff / 5) - countyHeld);
      await expect.poll(() => cell.getAttribute('title')).toContain(`缺额 ${shortfall}`);
      await cell.click();
      await page.getByTestId('ledger-count').filter({ hasText: `共 ${countyHeld} 件` }).waitFor();
      await expect.poll(() => rowCount(page)).toBe(countyHeld);
      expect(page.url()).toContain(`agency=${county.code}`);

      await page.locator('.ag-row .ag-cell[col-id="assetTag"]').first().click();
      await page.getByRole('tab', { name: '报废' }).click();
      await page.getByTestId('disposal-request-form').getByLabel('报废原因').fill('车龄超过 8 年,行驶超过 20 万公里');
      await page.getByRole('button', { name: '申请报废' }).click();
      await page.getByText('待审批').waitFor();
      await closeDrawer(page);

      await page.getByRole('menuitem', { name: '报废' }).click();
      await page.getByTestId('disposals').getByRole('button', { name: '批准', exact: true }).click();
      await page.getByLabel('审批文号').fill('示环执〔2026〕8号');
      await page.getByRole('button', { name: '提交', exact: true }).click();
      await page.getByText('已批准', { exact: true }).first().click();
      await page.getByTestId('disposals').getByRole('button', { name: '办结报废' }).click();
      await page.getByRole('button', { name: '提交', exact: true }).click();
      await page.getByText('已报废', { exact: true }).first().click();
      await page.getByTestId('disposals').getByText('示环执〔2026〕8号').waitFor();

      await page.getByRole('menuitem', { name: '配备达标' }).click();
      await expect.poll(() => cell.innerText()).toBe(`${countyHeld - 1}/${Math.ceil(county.staff / 5)}`);
      await expect.poll(() => cell.getAttribute('title')).toContain(`缺额 ${shortfall + 1}`);
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('keeping the ledger in shape', () => {
  it('edits an agency’s staff, bulk-sets custodians, and edits cells in place (refused values revert)', { timeout: 120_000 }, async () => {
    const app = await startApp();
    try {
      const page = await openDemo(app.url);

      // 机构: raise a county's staff; its vehicle requirement follows.
      const county = firstCounty(app);
      await page.getByRole('menuitem', { name: '机构' }).click();
      await page.getByPlaceholder('搜索机构').fill(county.name);
      await page.getByTestId('agency-tree').getByText(county.name).click();
      await expect.poll(() => page.getByTestId('agency-form').getByLabel('机构名称').inputValue()).toBe(county.name);
      await page.getByTestId('agency-form').getByLabel('执法人员数').fill('40');
      await page.getByTestId('agency-save').click();
      await expect.poll(() => app.db.$client.prepare('select staff from agencies where code = ?').pluck().get(county.code)).toBe(40);
      await page.getByRole('menuitem', { name: '配备达标' }).click();
      await expect.poll(() => page.getByTestId(`cell-${county.code}-S01`).innerText()).toMatch(/\/8$/);

      // The Zhejiang rules ask a county for 3 cameras where the national standard asks 2; roll-up sums the subtree.
      const camera = page.getByTestId(`cell-${county.code}-S10`);
      await expect.poll(() => camera.innerText()).toMatch(/\/2$/);
      await page.getByTestId('rule-set').click();
      await page.getByTitle('浙江省评分细则配备要求(2022)').click();
      await expect.poll(() => camera.innerText()).toMatch(/\/3$/);
      const city = app.db.$client.prepare(`select p.code, count(*) as counties from agencies a join agencies p on p.id = a.parent_id where a.code = ? group by p.id`).get(county.code) as { code: string };
      const counties = app.db.$client.prepare(`select count(*) from agencies a join agencies p on p.id = a.parent_id where p.code = ?`).pluck().get(city.code) as number;
      await page.getByTestId('rollup').click();
      await expect.poll(() => page.getByTestId(`cell-${city.code}-S10`).innerText()).toMatch(new RegExp(`/${2 + 3 * counties}$`));

      // 台账: select two assets of the county and set their custodian at once.
      await selectTwoVehicles(page, county.code);
      await page.getByTestId('bulk-custodian').click();
      await page.locator('.ant-popover').getByRole('textbox').fill('批量责任人');
      await page.locator('.ant-popover').getByRole('button', { name: '应用' }).click();
      await expect.poll(() => app.db.$client.prepare(`select count(*) from assets where custodian = '批量责任人'`).pluck().get()).toBe(2);

      // Edit a cell in place; an odometer beyond reason is refused and put back.
      const firstTag = await page.locator('.ag-row .ag-cell[col-id="assetTag"]').first().innerText();
      const odometer = page.locator('.ag-row[row-index="0"] .ag-cell[col-id="odometerKm"]');
      const before = app.db.$client.prepare('select odometer_km from assets where asset_tag = ?').pluck().get(firstTag);
      await odometer.dblclick();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('9999999');
      await page.keyboard.press('Enter');
      await page.getByText(`${firstTag} 未保存`).waitFor();
      expect(app.db.$client.prepare('select odometer_km from assets where asset_tag = ?').pluck().get(firstTag)).toBe(before);
      await expect.poll(() => odometer.innerText()).toBe(Number(before).toLocaleString('zh-CN'));
      await odometer.dblclick();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('250000');
      await page.keyboard.press('Enter');
      await expect.poll(() => app.db.$client.prepare('select odometer_km from assets where asset_tag = ?').pluck().get(firstTag)).toBe(250_000);
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

/** Screenshots for a person to look at, when SCREENSHOTS names a folder. */
async function shot(page: Page, name: string) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/${name}.png` });
}

async function signIn(page: Page, username: string, password: string) {
  await page.getByTestId('login').waitFor();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await shot(page, 'login');
  await page.getByTestId('sign-in').click();
}

async function signOut(page: Page) {
  await page.getByTestId('user-menu').click();
  await page.getByText('退出登录').click();
}

describe('the safety of the data', () => {
  it('undoes a bulk edit, shows and exports the audit log, scopes a read-only user, and restores a backup', { timeout: 180_000 }, async () => {
    const app = await startApp();
    try {
      const page = await openDemo(app.url);
      const county = firstCounty(app);
      const statuses = () => app.db.$client.prepare(`select status from assets s join agencies a on a.id = s.agency_id where a.code = ? order by s.id`).pluck().all(county.code);
      const before = statuses();

      // A bulk edit, taken back with one click; the undo shows in the audit log.
      await selectTwoVehicles(page, county.code);
      await page.getByTestId('bulk-status').click();
      await page.locator('.ant-popover .ant-select').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '闲置' }).click();
      await page.locator('.ant-popover').getByRole('button', { name: '应用' }).click();
      await expect.poll(statuses).not.toEqual(before);
      await page.getByTestId('undo').click();
      await shot(page, 'undo-confirm');
      await page.locator('#undo-ok').click();
      await expect.poll(statuses).toEqual(before);
      await page.getByTestId('undo').waitFor({ state: 'detached' });

      await page.getByRole('menuitem', { name: '审计日志' }).click();
      await page.getByTestId('audit-key').locator('input').fill(`${county.code}-S01`);
      await page.getByTestId('audit-key').locator('input').press('Enter');
      await page.getByTestId('audit-count').filter({ hasText: '共 4 条' }).waitFor();
      await shot(page, 'audit');
      const download = page.waitForEvent('download');
      await page.getByTestId('audit-export').click();
      const file = await (await download).path();
      const rows = XLSX.utils.sheet_to_json<Record<string, string>>(XLSX.read(readFileSync(file)).Sheets['审计日志']);
      expect(rows).toHaveLength(4);
      expect(rows.map((r) => r['操作人'])).toEqual(Array(4).fill('王管理 (admin)'));

      // A read-only user of one county sees that county only, and no administration.
      await page.getByRole('menuitem', { name: '用户' }).click();
      await page.getByTestId('user-new').click();
      const dialog = page.locator('.ant-modal');
      await dialog.getByLabel('用户名').fill('viewer');
      await dialog.getByLabel('姓名').fill('李查看');
      await dialog.getByLabel('角色').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '只读' }).click();
      await dialog.getByTestId('agency-picker').click();
      await dialog.getByTestId('agency-picker').locator('input').fill(county.name.slice(-12));
      await page.locator('.ant-select-tree-node-content-wrapper').filter({ hasText: county.name }).click();
      await dialog.getByLabel('密码').fill('viewer-pass-1');
      await shot(page, 'user-form');
      await dialog.getByRole('button', { name: '保存' }).click();
      await page.getByText('已保存用户 viewer').waitFor();
      await signOut(page);
      await signIn(page, 'viewer', 'viewer-pass-1');
      await page.getByRole('menuitem', { name: '台账' }).click();
      const held = app.db.$client.prepare(`select count(*) from assets s join agencies a on a.id = s.agency_id where a.code = ? and s.status <> 'scrapped'`).pluck().get(county.code) as number;
      await page.getByTestId('ledger-count').filter({ hasText: `共 ${held.toLocaleString('zh-CN')} 件` }).waitFor();
      expect(await page.getByRole('menuitem', { name: '用户' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: '登记装备' }).count()).toBe(0);
      expect(await page.locator('.ag-row .ag-selection-checkbox').count()).toBe(0);
      await shot(page, 'viewer-ledger');
      const refused = await page.evaluate(() => fetch('/api/assets/bulkUpdate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [1], change: { custodian: 'x' } }) }).then((r) => r.json()));
      expect(refused).toMatchObject({ ok: false, problems: [{ code: 'forbidden' }] });
      await signOut(page);

      // Back up, change the ledger, preview the backup and restore it: everyone signs in again.
      await signIn(page, 'admin', 'admin-pass-2026');
      await page.getByRole('menuitem', { name: '备份与恢复' }).click();
      await page.getByTestId('backup-now').click();
      await page.getByText(/已备份:/).waitFor();
      const name = (await page.locator('.ant-table-row').first().locator('td').nth(2).innerText()).trim();
      app.db.$client.prepare(`update agencies set staff = staff + 1 where code = ?`).run(county.code);
      await page.getByTestId(`preview-${name}`).click();
      await page.getByTestId('backup-integrity').filter({ hasText: '完好' }).waitFor();
      await shot(page, 'backup-preview');
      await page.getByTestId('restore').click();
      await page.locator('#restore-ok').click();
      await page.getByTestId('login').waitFor();
      await signIn(page, 'admin', 'admin-pass-2026');
      await page.getByRole('menuitem', { name: '备份与恢复' }).waitFor();
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('a dispatcher’s operation', () => {
  it('writes a task from a team size, plans it with another, approves, exports the order, sends the units out and takes them back', { timeout: 180_000 }, async () => {
    const app = await startApp();
    try {
      const page = await openDemo(app.url);
      const city = app.db.$client.prepare(`select code, name from agencies where level = 'city' order by code limit 1`).get() as { code: string; name: string };
      // Both tasks started in the last days (the units come back today, which the server accepts);
      // a second one on overlapping dates, already in the ledger, is planned together with the first.
      const today = app.clock.today();
      const [start, end] = [addDays(today, -9), addDays(today, -1)];
      await sqliteStore(app.db).write((tx) => saveTask(tx, actorNow('seed', app.clock), null, {
        code: 'JC-01', name: '跨市交叉检查', type: 'cross', leadAgency: city.code, locationAgency: null, latitude: null, longitude: null,
        startDate: addDays(today, -5), endDate: addDays(today, 2), priority: 5, teamSize: null, notes: null, demand: [{ item: 'S09', quantity: 3 }, { item: 'S15', quantity: 2 }],
      }));
      await page.getByRole('menuitem', { name: '任务调度' }).click();
      await page.getByTestId('task-new').click();
      const form = page.getByTestId('task-form');
      await form.getByLabel('任务名称').fill('秋冬季大气污染防治专项');
      await form.getByTestId('agency-picker').first().click();
      await form.getByTestId('agency-picker').first().locator('input').fill(city.name.slice(-10));
      await page.locator('.ant-select-tree-node-content-wrapper').filter({ hasText: city.name }).first().click();
      await form.getByPlaceholder('开始日期').click();
      await form.getByPlaceholder('开始日期').fill(start);
      await form.getByPlaceholder('开始日期').press('Enter');
      await form.getByPlaceholder('结束日期').fill(end);
      await form.getByPlaceholder('结束日期').press('Enter');
      await form.locator('#teamSize').fill('12');
      await page.getByTestId('task-derive').click();
      await expect.poll(() => form.locator('.ant-select-content').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('S04')]));
      await page.getByTestId('task-add-line').click();
      await form.locator('.ant-select').last().click();
      await page.keyboard.type('S09');
      await page.keyboard.press('Enter');
      await shot(page, 'dispatch-task-form');
      await page.getByTestId('task-save').click();
      await page.getByText(new RegExp(`任务 RW-${start.slice(0, 4)}-\\d+ 已保存`)).waitFor();
      const saved = app.db.$client.prepare(`select t.code, json_group_object(d.item_code, d.quantity) as demand from tasks t join task_demands d on d.task_id = t.id where t.name = ?`)
        .get('秋冬季大气污染防治专项') as { code: string; demand: string };
      expect(JSON.parse(saved.demand)).toEqual({ S01: 3, S02: 3, S04: 12, S09: 1 });

      // Plan both tasks together.
      const tasks = page.getByTestId('tasks');
      for (const code of [saved.code, 'JC-01']) await tasks.locator('tr', { hasText: code }).locator('.ant-checkbox-input').check();
      await shot(page, 'dispatch-tasks');
      await page.getByTestId('plan-create').click();
      const view = page.getByTestId('plan-view');
      await view.getByText('最优(HiGHS 已证明)').waitFor({ timeout: 30_000 });
      const plan = app.db.$client.prepare(`select id, code, (select count(*) from plan_assignments where plan_id = plans.id) as units from plans order by id desc limit 1`).get() as { id: number; code: string; units: number };
      expect(plan.units).toBeGreaterThan(10);
      await shot(page, 'dispatch-plan');

      // The bureau head keeps one small drone (O06) at home in every agency from now on.
      await page.getByRole('button', { name: '选配留守(0 项)' }).click();
      // The dialog that holds the reserve list: another dialog closing under load may still be in the page.
      const reserve = page.locator('.ant-modal').filter({ has: page.getByRole('button', { name: '添加需求' }) });
      await reserve.getByRole('button', { name: '添加需求' }).click();
      await reserve.locator('.ant-select').click();
      await page.keyboard.type('O06');
      await page.keyboard.press('Enter');
      await shot(page, 'dispatch-optional-reserve');
      await reserve.getByRole('button', { name: '保存' }).click();
      await page.getByRole('button', { name: '选配留守(1 项)' }).waitFor();
      expect(JSON.parse(app.db.$client.prepare(`select value from settings where key = 'dispatch'`).pluck().get() as string).optionalReserve).toEqual({ O06: 1 });

      // The bureau head's approval (the administrator holds that right too), then the dispatch order.
      await page.getByTestId('plan-approve').click();
      await page.locator('.ant-modal').getByLabel('审批文号').fill('环执调〔2026〕12号');
      await page.locator('.ant-modal').getByRole('button', { name: '提交' }).click();
      await page.getByText('方案已批准,所列装备在任务日期内已占用').waitFor();
      await page.getByTestId('plans').locator('.ant-tag', { hasText: '已批准' }).waitFor();
      await shot(page, 'dispatch-approved');
      expect(app.db.$client.prepare('select status, approval_ref from plans where id = ?').get(plan.id)).toEqual({ status: 'approved', approval_ref: '环执调〔2026〕12号' });
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('plan-export').click()]);
      expect(download.suggestedFilename()).toBe(`调度单-${plan.code}.xlsx`);
      const book = XLSX.read(readFileSync((await download.path())!));
      expect(XLSX.utils.sheet_to_json(book.Sheets['调出装备'])).toHaveLength(plan.units);

      await page.getByTestId('plan-dispatch').click();
      await page.locator('.ant-modal').getByRole('button', { name: '提交' }).click();
      await page.getByText('装备已出发,已登记使用记录').waitFor();
      expect(app.db.$client.prepare(`select count(*) from custody_records where to_date is null and purpose like ?`).pluck().get(`调度单 ${plan.code}%`)).toBe(plan.units);

      await page.getByRole('tab', { name: '装备占用' }).click();
      await page.getByTestId('timeline').waitFor();
      await shot(page, 'dispatch-timeline');

      // Everything comes back; one drone with a broken propeller goes to repair.
      await page.getByRole('tab', { name: '调度方案' }).click();
      await page.getByTestId('plan-return').click();
      const dialog = page.locator('.ant-modal');
      const drone = dialog.locator('tr', { hasText: '无人机' }).first();
      const droneTag = await drone.locator('td').nth(1).innerText();
      await drone.locator('input:not([type=checkbox])').last().fill('螺旋桨断裂');
      await drone.locator('.ant-checkbox-input').last().check();
      await shot(page, 'dispatch-return');
      await dialog.getByRole('button', { name: '提交' }).click();
      await page.getByText('归还已登记').waitFor();
      expect(app.db.$client.prepare('select status from plans where id = ?').pluck().get(plan.id)).toBe('returned');
      expect(stored(app, droneTag, 'status')).toBe('under_repair');

      await page.getByRole('tab', { name: '调度台次' }).click();
      await page.getByTestId('dispatch-counts').locator('.ant-table-row').first().waitFor();
      await shot(page, 'dispatch-counts');
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('bringing an agency’s own ledger in, and the reports out', () => {
  it('imports a messy workbook through the wizard, assigns an unknown name, keeps the valid rows, and exports the ledger and the compliance report', { timeout: 180_000 }, async () => {
    const app = await startApp();
    try {
      const page = await openDemo(app.url);
      const county = firstCounty(app);
      await page.getByRole('menuitem', { name: 'Excel 导入' }).click();

      const [template] = await Promise.all([page.waitForEvent('download'), page.getByTestId('wizard-template').click()]);
      expect(template.suggestedFilename()).toBe('装备台账导入模板.xlsx');
      expect(XLSX.read(readFileSync((await template.path())!)).SheetNames).toContain('填写说明');

      const ws = XLSX.utils.aoa_to_sheet([
        [`${county.name}执法装备台账`],
        ['资产编码', '设备名称', '使用单位', '购置信息', null, '使用状态', '数量'],
        [null, null, null, '日期', '单价(元)', null, null],
        ['MX-001', '执法车', county.name, '2019.05', '¥128,000', '正常', null],
        ['MX-002', '执法记录仪', county.name, '2019年5月', '３５００', '使用中', 2],
        ['MX-003', '公务用车', county.name, '2020/7/1', '156,000', '备用', 1],
        ['MX-004', '执法记录仪', county.name, '明年', '3500', '在用', 1],
        ['MX-005', '执法记录仪', county.name, '2021-03-01', '3500', '当月新增', 1],
        ['合计', null, null, null, '294,500'],
      ]);
      ws['!merges'] = [
        { s: { r: 0, c: 0 }, e: { r: 0, c: 6 } }, { s: { r: 1, c: 3 }, e: { r: 1, c: 4 } },
        ...[0, 1, 2, 5, 6].map((c) => ({ s: { r: 1, c }, e: { r: 2, c } })),
      ];
      const book = XLSX.utils.book_new(ws, '台账');
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('wizard-choose').click()]);
      await chooser.setFiles({ name: '县局台账.xlsx', mimeType: 'application/octet-stream', buffer: XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) });
      await page.getByTestId('wizard-file').filter({ hasText: '县局台账.xlsx' }).waitFor();
      await shot(page, 'wizard-file');
      await page.getByTestId('wizard-next').click();

      // Header rows 2–3 found under the title; the merged 购置信息 gives the date and the price.
      await page.getByTestId('wizard-columns').waitFor();
      await expect.poll(() => page.getByTestId('column-购置日期').textContent()).toContain('D 列 购置信息/日期');
      await expect.poll(() => page.getByTestId('column-所属机构编码').textContent()).toContain('C 列 使用单位');
      await expect.poll(() => page.getByTestId('column-数量').textContent()).toContain('G 列 数量');
      await page.getByTestId('wizard-quantity-hint').waitFor();
      await shot(page, 'wizard-columns');
      await page.getByTestId('wizard-next').click();

      // 执法车 and 执法记录仪 match by alias; 公务用车 the user assigns.
      await page.getByTestId('item-names').waitFor();
      await page.getByTestId('name-公务用车').click();
      await page.keyboard.type('S01');
      await page.keyboard.press('Enter');
      // A status word of the county's own (当月新增) is asked once: the user says it means 在用.
      await page.getByTestId('status-names').waitFor();
      await page.getByTestId('status-当月新增').click();
      await page.locator('.ant-select-item-option', { hasText: /^在用$/ }).click();
      await page.getByText('所有名称都已对应').waitFor();
      await shot(page, 'wizard-names');
      await page.getByTestId('wizard-check').click();

      await page.getByTestId('wizard-preview').locator('.ag-row').first().waitFor();
      expect(await page.getByTestId('wizard-preview').locator('.ag-center-cols-container .ag-row').count()).toBe(5);
      const bad = page.getByTestId('wizard-preview').locator('.ag-row[row-id="7"] [col-id="购置日期"]');
      expect(await bad.textContent()).toBe('明年');
      expect(await bad.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 241, 240)');
      expect(await page.getByTestId('wizard-skipped').textContent()).toContain('第 9 行 合计行「合计」');
      await shot(page, 'wizard-preview');
      await page.getByTestId('wizard-import').click();

      await page.getByTestId('wizard-result').waitFor();
      await shot(page, 'wizard-done');
      expect(stored(app, 'MX-001', 'price_fen')).toBe(12_800_000);
      expect(stored(app, 'MX-002-1', 'purchase_date')).toBe('2019-05-01');
      expect(stored(app, 'MX-002-2', 'price_fen')).toBe(350_000);
      expect(stored(app, 'MX-003', 'item_code')).toBe('S01');
      expect(stored(app, 'MX-003', 'status')).toBe('idle');
      expect(stored(app, 'MX-004', 'item_code')).toBeUndefined();
      expect(stored(app, 'MX-005', 'status')).toBe('in_service');
      const [errors] = await Promise.all([page.waitForEvent('download'), page.getByTestId('wizard-errors').click()]);
      const left = XLSX.utils.sheet_to_json<Record<string, unknown>>(XLSX.read(readFileSync((await errors.path())!)).Sheets['未导入的行']);
      expect(left).toEqual([expect.objectContaining({ 资产编码: 'MX-004', 原行号: 7, 未导入原因: expect.stringContaining('D 列(购置日期)') })]);

      // The ledger, filtered to the new assets, goes out as .xlsx with the same values.
      await page.getByRole('menuitem', { name: '台账' }).click();
      await page.getByTestId('quick-search').locator('input').fill('MX-00');
      await page.getByTestId('quick-search').locator('input').press('Enter');
      await page.getByTestId('ledger-count').filter({ hasText: '共 5 ' }).waitFor();
      const [ledger] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ledger-export').click()]);
      const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(XLSX.read(readFileSync((await ledger.path())!)).Sheets['装备台账']);
      expect(rows.map((r) => [r['资产编号'], r['装备代码'], r['购置金额(元)']]).sort()).toEqual([['MX-001', 'S01', 128_000], ['MX-002-1', 'S04', 3_500], ['MX-002-2', 'S04', 3_500], ['MX-003', 'S01', 156_000], ['MX-005', 'S04', 3_500]]);

      await page.getByRole('menuitem', { name: '配备达标' }).click();
      const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('compliance-export').click()]);
      expect(XLSX.read(readFileSync((await report.path())!)).SheetNames).toEqual(['机构汇总', '本级明细', '含下级汇总', '说明']);
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('a bureau head’s budget, score card and charts', () => {
  it('reads the charts, exports a figure and the 预算申请表, plans five years under caps, edits a price, and fills the score checklist', { timeout: 240_000 }, async () => {
    const app = await startApp();
    try {
      const page = await openDemo(app.url);
      const county = firstCounty(app);
      // 总览: the vehicle figures of the Jilin report, for this ledger.
      const age = page.getByTestId('chart-vehicleAge');
      await age.locator('canvas').waitFor();
      await expect.poll(() => age.getByTestId('chart-vehicleAge-subtitle').textContent()).toMatch(/使用满 8 年 \d+ 辆,占 [\d.]+%/);
      await page.getByTestId('chart-budgetByYear').locator('canvas').waitFor();
      await age.scrollIntoViewIfNeeded();
      await shot(page, 'overview-charts');
      const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-vehicleAge-png').click()]);
      expect(png.suggestedFilename()).toBe('车辆车龄分布.png');
      expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
      const [figure] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-odometer-xlsx').click()]);
      const km = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(readFileSync((await figure.path())!)).Sheets['车辆行驶里程分布'], { header: 1 });
      expect(km[2]).toEqual(['里程(万公里,区间起点,每 2 万一档)', '车辆数']);
      const vehicles = app.db.$client.prepare(`select count(*) from assets where item_code in ('S01', 'O01') and status <> 'scrapped' and odometer_km is not null`).pluck().get();
      expect(km.slice(3).reduce((s, r) => s + (r[1] as number), 0)).toBe(vehicles);

      await page.getByRole('menuitem', { name: '配备达标' }).click();
      await page.getByTestId('compliance-view').getByText('图表').click();
      await page.getByTestId('chart-coverage').locator('canvas').waitFor();
      await expect.poll(() => page.getByTestId('chart-staffPerVehicle-subtitle').textContent()).toMatch(/平均每 [\d.]+ 人 1 辆/);
      await shot(page, 'compliance-charts');

      // 预算申请: this year's request for the whole province, exported for the finance office.
      await page.getByRole('menuitem', { name: '预算与规划' }).click();
      await page.getByTestId('budget-total').getByText('万元').waitFor({ timeout: 30_000 });
      await page.getByTestId('budget-grid').locator('.ag-center-cols-container .ag-row').first().waitFor();
      await shot(page, 'budget-request');
      const [request] = await Promise.all([page.waitForEvent('download'), page.getByTestId('budget-export').click()]);
      const sheet = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(readFileSync((await request.path())!)).Sheets['预算申请表'], { header: 1 });
      expect(sheet[2]).toEqual(['序号', '单位', '装备代码', '装备名称', '计量单位', '数量', '单价(元)', '金额(元)', '申请理由']);
      expect(new Set(sheet.slice(3).map((r) => r[8]).filter((r) => r === '缺额' || r === '更新'))).toEqual(new Set(['缺额', '更新']));

      // 多年规划: five years at 3,000 万元 a year.
      await page.getByRole('tab', { name: '多年购置规划' }).click();
      await page.getByTestId('plan-solve').click();
      await page.getByTestId('chart-plan').locator('canvas').waitFor({ timeout: 60_000 });
      await page.getByTestId('plan-grid').locator('.ag-center-cols-container .ag-row').first().waitFor();
      await expect.poll(() => page.getByTestId('chart-plan-subtitle').textContent()).toMatch(/计划支出 [\d,.]+ 万元/);
      await shot(page, 'budget-plan');

      // 单价与年限: the head sets the vehicle's price from this year's agreement.
      await page.getByRole('tab', { name: '单价与更新年限' }).click();
      const priceCell = page.getByTestId('terms-grid').locator('.ag-center-cols-container [row-id="S01"] [col-id="price"]');
      await priceCell.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('180000');
      await page.keyboard.press('Enter');
      await page.getByTestId('terms-save').click();
      await expect.poll(() => app.db.$client.prepare(`select unit_price_fen from item_terms where item_code = 'S01'`).pluck().get()).toBe(18_000_000);
      await priceCell.filter({ hasText: '180,000.00' }).waitFor();
      await page.getByTestId('terms-save').filter({ hasText: '(0)' }).waitFor();
      await shot(page, 'budget-terms');

      // 装备评分: the first county's card; the checklist adds item 1; a 50 万元 budget's best purchases.
      await page.getByRole('menuitem', { name: '装备评分' }).click();
      await page.getByTestId('score-items').getByText(county.name.slice(0, 4), { exact: false }).or(page.getByTestId('score-items').locator('tr').nth(4)).first().waitFor();
      const totalOf = async () => Number(await page.getByTestId('score-total').locator('.ant-statistic-content-value').textContent());
      const before = await totalOf();
      await page.getByTestId('check-plan').click();
      await page.getByTestId('checklist-save').click();
      await expect.poll(totalOf).toBe(before + 5);
      await page.getByTestId('raise-run').click();
      await expect.poll(() => page.getByTestId('raise-summary').textContent()).toMatch(new RegExp(`^${before + 5} 分 → \\d+ 分`));
      await shot(page, 'score');
      expect(app.db.$client.prepare(`select count(*) from audit_log where entity = 'score_checklist'`).pluck().get()).toBe(1);
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
