import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { suiteBrowser } from './suite';
import { startApp } from './harness';
import { agency, asset, seedTemplate, templateBuffer } from '../fixtures/factories';
import { addMaintenance } from '../../db/queries/maintenance';
import { saveTask } from '../../db/queries/tasks';
import { sqliteStore } from '../../db/store';
import { addDays } from '../../lib/dates';
import { dispatch } from '../../server/dispatch';
import { contextAs } from '../fixtures/context';

const browser = suiteBrowser();

const seedCar = (app: Awaited<ReturnType<typeof startApp>>, place: { longitude: number; latitude: number } | null = null) =>
  seedTemplate(app.db, templateBuffer([agency({ code: '990101', name: '示范县执法大队', level: 'county', ...place })], [asset({ assetTag: 'CAR-1', itemCode: 'S01', agencyCode: '990101', odometerKm: 100_000 })]),
    { file: 't.xlsx', who: { actor: 'seed', at: '2026-11-23T01:00:00.000Z' }, today: '2026-11-23' });

/** A ledger with one county and one vehicle, its administrator signed in, the vehicle's drawer open on 维护记录. */
async function vehicleDrawer(app: Awaited<ReturnType<typeof startApp>>, records: (carId: number) => unknown[] | Promise<unknown[]> = () => []): Promise<Page & { errors: string[] }> {
  await seedCar(app);
  const logged = (await records(app.db.$client.prepare(`select id from assets where asset_tag = 'CAR-1'`).pluck().get() as number)).length;
  const page = await browser.adminPage(app.url);
  await page.getByRole('menuitem', { name: '台账' }).click();
  await page.locator('.ag-row .ag-cell[col-id="assetTag"]', { hasText: 'CAR-1' }).click();
  await page.getByRole('tab', { name: `维护记录 (${logged})` }).click();
  return page;
}

const records = (app: Awaited<ReturnType<typeof startApp>>) => app.db.$client.prepare('select count(*) from maintenance_records').pluck().get() as number;

describe('the maintenance form refuses what it cannot store and never submits by accident', () => {
  it('the calendar is in Chinese', { timeout: 90_000 }, async () => {
    const app = await startApp();
    try {
      const page = await vehicleDrawer(app);
      await page.getByTestId('maintenance-form').getByLabel('下次保养日期').click();
      const calendar = page.locator('.ant-picker-dropdown:visible');
      await calendar.waitFor();
      const header = await calendar.locator('thead').innerText();
      expect(header.replace(/\s+/g, '')).toBe('一二三四五六日');
      expect(await calendar.locator('.ant-picker-header-view').innerText()).toMatch(/\d{4}年\s*\d{1,2}月/);
    } finally {
      await app.stop();
    }
  });

  it('Enter in a date field takes the date and does not save the record', { timeout: 90_000 }, async () => {
    const app = await startApp();
    try {
      const page = await vehicleDrawer(app);
      const form = page.getByTestId('maintenance-form');
      await form.getByLabel('维护内容').fill('更换机油');
      const due = form.getByLabel('下次保养日期');
      await due.click();
      await due.fill('2027-05-20');
      await due.press('Enter');
      // The form is still being filled in: a negative cost is refused at its field, and nothing was saved meanwhile.
      await form.getByLabel('费用(元)').fill('-350');
      await form.getByRole('button', { name: '登记维护' }).click();
      await form.getByText('费用不能为负数').waitFor();
      expect(await form.getByLabel('维护内容').inputValue()).toBe('更换机油');
      expect(await due.inputValue()).toBe('2027-05-20');
      expect(await form.getByLabel('费用(元)').inputValue()).toBe('-350.00');
      expect(records(app)).toBe(0);
      // Corrected, it saves once, with the cost and the due date as typed.
      await form.getByLabel('费用(元)').fill('350');
      await form.getByRole('button', { name: '登记维护' }).click();
      await page.getByRole('tab', { name: '维护记录 (1)' }).waitFor();
      expect(app.db.$client.prepare('select cost_fen as cost, next_due_date as due from maintenance_records').all()).toEqual([{ cost: 35_000, due: '2027-05-20' }]);
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });

  it('a typed date that does not exist is refused with a message, not dropped', { timeout: 90_000 }, async () => {
    const app = await startApp();
    try {
      const page = await vehicleDrawer(app);
      const form = page.getByTestId('maintenance-form');
      await form.getByLabel('维护内容').fill('更换机油');
      const due = form.getByLabel('下次保养日期');
      await due.click();
      await due.fill('2019-13-45');
      await due.press('Enter');
      await form.getByText('下次保养日期「2019-13-45」不是存在的日期').waitFor();
      await form.getByRole('button', { name: '登记维护' }).click();
      await form.getByText('下次保养日期「2019-13-45」不是存在的日期').waitFor();
      expect(records(app)).toBe(0);
      // Cleared, the field no longer holds the text, and the record saves without a due date.
      await due.click();
      await due.fill('');
      await form.getByLabel('维护内容').click();
      await form.getByText('下次保养日期「2019-13-45」不是存在的日期').waitFor({ state: 'detached' });
      await form.getByRole('button', { name: '登记维护' }).click();
      await page.getByRole('tab', { name: '维护记录 (1)' }).waitFor();
      expect(app.db.$client.prepare('select next_due_date from maintenance_records').pluck().all()).toEqual([null]);
    } finally {
      await app.stop();
    }
  });

  it('a record entered by mistake is corrected, or voided with its reason and stays listed as 已作废', { timeout: 90_000 }, async () => {
    const app = await startApp();
    try {
      const who = { actor: 'admin', at: '2026-11-23T02:00:00.000Z' };
      let wrong = 0;
      let cheap = 0;
      const page = await vehicleDrawer(app, async (assetId) => {
        const base = { assetId, date: '2026-11-20', kind: 'repair' as const, costFen: 0, vendor: null, odometerKm: null, nextDueDate: null, setStatus: null };
        const store = sqliteStore(app.db);
        wrong = await store.write((tx) => addMaintenance(tx, who, { ...base, description: '录错车辆的维修' }));
        cheap = await store.write((tx) => addMaintenance(tx, who, { ...base, description: '更换雨刮' }));
        return [wrong, cheap];
      });

      await page.getByTestId(`correct-maintenance-${cheap}`).click();
      const edit = page.getByTestId('maintenance-edit-form');
      await edit.getByLabel('费用(元)').fill('80');
      await edit.getByRole('button', { name: '保存更正' }).click();
      await edit.waitFor({ state: 'detached', timeout: 60_000 }); // a loaded CI machine runs other suites' browsers beside this one
      expect(app.db.$client.prepare('select cost_fen from maintenance_records where id = ?').pluck().get(cheap)).toBe(8_000);

      await page.getByTestId(`void-maintenance-${wrong}`).click();
      const voiding = page.getByTestId('void-form');
      // The form is in place (its field shown) before its button is pressed empty: on a loaded machine the modal is still opening.
      await voiding.getByLabel('作废原因').waitFor();
      await voiding.getByRole('button', { name: '作废' }).click();
      await voiding.getByText('请输入作废原因').waitFor({ timeout: 60_000 });
      await voiding.getByLabel('作废原因').fill('录错车辆');
      await voiding.getByRole('button', { name: '作废' }).click();
      await page.getByTestId(`voided-maintenance-${wrong}`).filter({ hasText: '已作废:录错车辆' }).waitFor();
      expect(app.db.$client.prepare('select void_reason, voided_by from maintenance_records where id = ?').get(wrong)).toEqual({ void_reason: '录错车辆', voided_by: 'admin' });

      await page.getByRole('tab', { name: '变更记录' }).click();
      await page.getByText('费用:0.00 元 → 80.00 元').waitFor();
      await page.getByText('王管理 (admin)').first().waitFor();
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('an empty grid explains itself in Chinese', () => {
  it('a column filter that matches nothing says which column is filtered', { timeout: 90_000 }, async () => {
    const app = await startApp();
    try {
      const page = await vehicleDrawer(app);
      await page.locator('.ant-drawer-close').click();
      await page.locator('.ag-header-cell[col-id="model"] .ag-header-cell-filter-button').click();
      await page.locator('.ag-filter input.ag-input-field-input').first().fill('没有这种型号');
      await page.getByTestId('grid-empty').filter({ hasText: '没有符合筛选条件的记录(已按 规格型号 筛选' }).waitFor();
      expect(await page.locator('.ag-overlay').innerText()).not.toContain('无显示行');
    } finally {
      await app.stop();
    }
  });
});

describe('numbers out of range are refused with a message, never clamped', () => {
  it('a negative return odometer, a team of 0 and an eleven-year plan stay as typed, marked with what is wrong', { timeout: 120_000 }, async () => {
    const app = await startApp();
    try {
      await seedCar(app, { longitude: 120.15, latitude: 30.28 });
      const today = app.clock.today();
      const admin = contextAs(app.db, app.db.$client.name, 'admin', {}, app.clock);
      const task = await sqliteStore(app.db).write((tx) => saveTask(tx, admin.who(), null, {
        code: 'JC-01', name: '专项检查', type: 'special', leadAgency: '990101', locationAgency: null, latitude: 30.3, longitude: 120.2,
        startDate: addDays(today, -3), endDate: addDays(today, -1), priority: 3, teamSize: null, notes: null, demand: [{ item: 'S01', quantity: 1 }],
      }));
      // Nothing kept at home, so that the county's one car goes.
      const settings = await dispatch(admin, 'dispatch/saveSettings', { reserveRatio: 0, optionalReserve: {} });
      if (!settings.ok) throw new Error(JSON.stringify(settings.problems));
      const plan = await dispatch(admin, 'plans/create', { taskIds: [task.id] });
      if (!plan.ok) throw new Error(JSON.stringify(plan.problems));
      const id = (plan.value as { id: number }).id;
      for (const [op, input] of [['plans/approve', { id, approvalRef: null }], ['plans/dispatch', { id, date: addDays(today, -3) }]] as const) {
        const r = await dispatch(admin, op, input);
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
      }
      const page = await browser.adminPage(app.url);

      // The return dialog: −5 km is refused at the unit's row and nothing is returned.
      await page.getByRole('menuitem', { name: '任务调度' }).click();
      await page.getByRole('tab', { name: '调度方案' }).click();
      await page.getByTestId('plan-return').click();
      const dialog = page.locator('.ant-modal');
      const odometer = dialog.locator('tr', { hasText: 'CAR-1' }).locator('.ant-input-number input');
      await odometer.fill('-5');
      await dialog.getByRole('button', { name: '提交' }).click();
      await dialog.getByText('归还里程不能为负数').waitFor();
      expect(await odometer.inputValue()).toBe('-5');
      expect(app.db.$client.prepare('select status from plans where id = ?').pluck().get(id)).toBe('dispatched');
      await odometer.fill('100250');
      await dialog.getByRole('button', { name: '提交' }).click();
      await page.getByText('归还已登记').waitFor();
      expect(app.db.$client.prepare('select return_odometer_km from plan_assignments where plan_id = ?').pluck().all(id)).toEqual([100_250]);

      // A team of 0 is not made a team of 1: deriving the demand is refused with the field's message.
      await page.getByRole('tab', { name: '任务' }).click();
      await page.getByTestId('task-new').click();
      const form = page.getByTestId('task-form');
      await form.locator('#teamSize').fill('0');
      await page.getByTestId('task-derive').click();
      await form.getByText('执法人数应在 1 至 10000 之间').waitFor();
      expect(await form.locator('#teamSize').inputValue()).toBe('0');
      await page.locator('.ant-drawer-close').click();

      // Eleven plan years are not made ten: the field keeps 11, says why, and the plan keeps its years.
      await page.getByRole('menuitem', { name: '预算与规划' }).click();
      await page.getByRole('tab', { name: '多年购置规划' }).click();
      const years = page.getByTestId('plan-years');
      await years.fill('11');
      await years.press('Tab');
      await page.getByText('年数应在 1 至 10 之间').waitFor();
      expect(await years.inputValue()).toBe('11');
      expect(await page.locator('[data-testid^="cap-"]').count()).toBe(5);
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('the backup preview in Chinese', () => {
  it('a sound backup reads 完好, not ok', { timeout: 90_000 }, async () => {
    const app = await startApp();
    try {
      const page = await vehicleDrawer(app);
      await page.locator('.ant-drawer-close').click();
      await page.getByRole('menuitem', { name: '备份与恢复' }).click();
      await page.getByTestId('backup-now').click();
      await page.getByText(/已备份:/).waitFor();
      const name = (await page.locator('.ant-table-row').first().locator('td').nth(2).innerText()).trim();
      await page.getByTestId(`preview-${name}`).click();
      await page.getByTestId('backup-integrity').filter({ hasText: '完好' }).waitFor();
      expect(await page.locator('.ant-modal .ant-descriptions').innerText()).not.toMatch(/\bok\b/);
    } finally {
      await app.stop();
    }
  });
});
