import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { RENDERER } from '../../scripts/browser';
import type { Page } from 'playwright-core';
import { shortAgency } from '../../renderer/lib/format';
import { seedAccounts } from '../fixtures/db';
import { startApp } from './harness';
import { screenshots, signIn as signInAs, signOut, suiteBrowser } from './suite';

/**
 * A county's stocktake walked in Chromium: the county manager scans with a USB scanner (fast keys and Enter while
 * the focus is elsewhere on the screen) and by typing, closes, fills 原因 and 处置意见 and proposes; the bureau head
 * approves and the ledger changes. Then the phone page at 360×740 keeps a scan typed while offline and sends it,
 * once, when the connection returns.
 */

const { newPage, demoPage } = suiteBrowser();
const PASSWORD = 'stock-pass-2026';

const shot = screenshots('stocktake');
const signIn = (page: Page, username: string) => signInAs(page, username, PASSWORD);

/**
 * What a USB scanner sends: the code's keys a few ms apart, then Enter, to whatever has the focus. Sent inside the
 * page, so a busy test machine does not slow the keys down to a person's pace.
 */
async function scannerTypes(page: Page, code: string) {
  await page.evaluate(async (keys) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...keys, 'Enter']) {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 3));
    }
  }, [...code]);
}

const figure = async (page: Page, id: string) => Number((await page.getByTestId(id).locator('.ant-statistic-content').innerText()).replace(/[^\d]/g, ''));

/** Calls the api from the page, with its session, as the screens do. */
async function api<T>(page: Page, name: string, input: unknown): Promise<T> {
  const r = await page.evaluate(async ([n, i]) => (await fetch(`/api/${n}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(i) })).json(), [name, input] as const);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problems)}`);
  return r.value as T;
}

/** A label's code as a PNG (base64), made by the zxing encoder, so the phone page's decoder can be shown it. */
async function labelPng(text: string, format: 'QRCode' | 'Code128'): Promise<string> {
  prepareZXingModule({ overrides: { wasmBinary: readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/writer/zxing_writer.wasm')) as unknown as ArrayBuffer } });
  const { image, error } = await writeBarcode(text, { format, scale: 4 });
  if (!image) throw new Error(error);
  return Buffer.from(await image.arrayBuffer()).toString('base64');
}

describe('stocktake screens', () => {
  it('a county manager scans by scanner and by hand, links a blank label at its first scan, closes and proposes; the head returns it with a reason the manager reads, then approves and the ledger changes; the phone queues a scan while offline', { timeout: 300_000 }, async () => {
    const app = await startApp();
    try {
      const page = await demoPage(app.url);

      const q = app.db.$client;
      // The county with the fewest assets in service (at least four), and an asset of another county.
      const county = q.prepare(`select g.code, g.name from agencies g join assets s on s.agency_id = g.id where g.level = 'county' and s.status = 'in_service'
        group by g.id having count(*) >= 4 order by count(*), g.code limit 1`).get() as { code: string; name: string };
      const [a, b, c, d] = q.prepare(`select s.asset_tag as tag from assets s join agencies g on g.id = s.agency_id where g.code = ? and s.status = 'in_service' order by s.id limit 4`)
        .all(county.code) as { tag: string }[];
      const elsewhere = q.prepare(`select s.asset_tag as tag from assets s join agencies g on g.id = s.agency_id where g.code <> ? and g.level = 'county' and s.status = 'in_service' order by s.id limit 1`)
        .get(county.code) as { tag: string };
      const expected = q.prepare(`select count(*) from assets s join agencies g on g.id = s.agency_id where g.code = ? and s.status <> 'scrapped'`).pluck().get(county.code) as number;
      const city = q.prepare(`select p.code from agencies g join agencies p on p.id = g.parent_id where g.code = ?`).pluck().get(county.code) as string;
      await seedAccounts(app.db, { actor: 'admin', at: app.clock.now().toISOString() }, [['county-mgr', '张县管', 'manager', county.code], ['head', '赵局长', 'head', null], ['city-mgr', '钱市管', 'manager', city]], PASSWORD);
      await signOut(page);

      // The county manager starts a stocktake of the county: the agency is theirs already.
      await signIn(page, 'county-mgr');
      await page.getByRole('menuitem', { name: '盘点' }).click();
      await page.getByTestId('stocktakes').getByText('暂无盘点').waitFor();
      await page.getByTestId('st-new').click();
      await page.getByTestId('st-title').fill('2026 年度资产清查');
      await page.getByLabel('盘点人').fill('张县管');
      await page.getByLabel('监盘人').fill('孙监盘');
      await page.getByRole('button', { name: '开始盘点' }).click();
      await page.getByTestId('st-view').waitFor();
      expect(await figure(page, 'st-expected')).toBe(expected);
      expect(await figure(page, 'st-found')).toBe(0);
      await shot(page, 'running-empty');

      // A scanner's burst while the focus is on the page's heading, not in the box: taken as a scan, 账实相符.
      await page.getByRole('heading', { name: '2026 年度资产清查' }).click();
      await scannerTypes(page, a.tag);
      const outcome = page.getByTestId('scan-outcome');
      await outcome.filter({ hasText: '账实相符' }).waitFor();
      expect(await outcome.getAttribute('data-outcome')).toBe('matched');
      await page.getByTestId('st-found').filter({ hasText: '1' }).waitFor();
      await expect.poll(() => page.getByTestId('st-scans').locator('tbody tr.ant-table-row').count()).toBe(1);

      // Keys typed into another input stay there, however fast, Enter and all.
      await page.getByTestId('scan-custodian').click();
      await page.keyboard.type('ZZZ999', { delay: 5 });
      await page.keyboard.press('Enter');
      await scannerTypes(page, 'YYY');
      expect(await page.getByTestId('scan-custodian').inputValue()).toBe('ZZZ999');
      await page.waitForTimeout(500);
      expect(await page.getByTestId('st-scans').locator('tbody tr.ant-table-row').count()).toBe(1);
      await page.getByTestId('scan-custodian').fill('');
      await page.waitForTimeout(500);
      expect(await page.getByTestId('st-scans').locator('tbody tr.ant-table-row').count()).toBe(1);

      // Typed in the box: the same tag again is 重复 (a warning, counted once), another county's asset 位置不符, an unknown code 盘盈.
      const typed = async (code: string, said: string) => {
        await page.getByTestId('scan-box').fill(code);
        await page.getByTestId('scan-box').press('Enter');
        await outcome.filter({ hasText: said }).filter({ hasText: code }).waitFor();
      };
      await typed(a.tag, '重复');
      expect(await outcome.getAttribute('class')).toContain('ant-alert-warning');
      expect(await figure(page, 'st-found')).toBe(1);
      await typed(elsewhere.tag, '位置不符');
      await typed('E2E-盘盈-001', '盘盈');
      // The county's own asset in other hands than the ledger says: 位置不符 too.
      await page.getByTestId('scan-custodian').fill('李四');
      await typed(c.tag, '位置不符');
      await page.getByTestId('scan-custodian').fill('');
      await page.getByTestId('scan-box').fill(b.tag);
      await page.getByTestId('scan-box').press('Enter');
      await page.getByTestId('st-found').filter({ hasText: '3' }).waitFor();
      await expect.poll(() => page.getByTestId('st-scans').locator('tbody tr.ant-table-row').count()).toBe(6);
      await shot(page, 'running-scanned');

      // A pre-printed blank label on an asset that had none: 盘盈 at its first scan, until it is linked to that asset.
      q.prepare(`insert into blank_labels (code, agency_id, printed_by, printed_at) values ('BL-E2E-00000001', (select id from agencies where code = ?), 'e2e', ?)`)
        .run(county.code, app.clock.now().toISOString());
      await page.getByRole('heading', { name: '2026 年度资产清查' }).click();
      await scannerTypes(page, 'BL-E2E-00000001');
      await outcome.filter({ hasText: '盘盈' }).filter({ hasText: '尚未绑定的空白标签' }).waitFor();
      await shot(page, 'blank-label');
      await page.getByTestId('link-tag').fill(d.tag);
      await page.getByTestId('link-send').click();
      await outcome.filter({ hasText: '账实相符' }).filter({ hasText: d.tag }).waitFor();
      await page.getByTestId('st-found').filter({ hasText: '4' }).waitFor();
      expect(q.prepare(`select s.asset_tag from blank_labels b join assets s on s.id = b.asset_id where b.code = 'BL-E2E-00000001'`).pluck().get()).toBe(d.tag);

      // Closing asks first; the rest becomes 盘亏.
      await page.getByTestId('st-close').click();
      await page.locator('.ant-modal-confirm .ant-btn-primary').click();
      await page.getByTestId('st-status').filter({ hasText: '已结束' }).waitFor();
      const differences = page.getByTestId('st-differences');
      await shot(page, 'closed');
      await differences.locator('tr', { hasText: 'E2E-盘盈-001' }).waitFor();
      // The expected less the four found are 盘亏; with the two misplaced and the one surplus, one fewer than expected.
      await page.getByText(`盘点差异(${expected - 1} 项)`).waitFor();
      expect(await page.getByTestId('st-propose').isDisabled()).toBe(true);

      // The county's misplaced asset: given to whom it was found with. Another county's: not this stocktake's to move.
      // The surplus: registered as an item.
      const settle = async (tag: string, reason: string, proposal: string, item?: string) => {
        await differences.locator('tr', { hasText: tag }).getByRole('button', { name: '处置' }).click();
        await page.getByTestId('settle-reason').fill(reason);
        await page.getByTestId('settle-proposal').fill(proposal);
        if (item) {
          await page.getByTestId('settle-item').click();
          await page.keyboard.type(item);
          await page.keyboard.press('Enter');
        }
        await page.locator('.ant-modal-footer .ant-btn-primary').click();
        await differences.locator('tr', { hasText: tag }).filter({ hasText: reason }).waitFor();
      };
      await settle(c.tag, '保管人变更未登记', '按实际保管人调整');
      await settle(elsewhere.tag, '借用未归还', '通知原单位取回');
      await settle('E2E-盘盈-001', '捐赠未入账', '登记入账', 'S09');
      // The 盘亏 rows alike, through the same operation the screen calls.
      type Detail = { id: number; differences: { id: number; reason: string | null }[] };
      const [closed] = await api<{ id: number }[]>(page, 'stocktakes/list', { status: 'closed' });
      const detail = await api<Detail>(page, 'stocktakes/get', { id: closed.id });
      for (const d of detail.differences.filter((x) => !x.reason)) await api(page, 'stocktakes/settle', { id: d.id, reason: '未找到', proposal: '核实后报失', settlement: 'none' });
      await page.getByTestId('st-back').click();
      await page.getByTestId(`st-open-${detail.id}`).click();
      await page.getByTestId('st-propose').click();
      await page.getByTestId('st-status').filter({ hasText: '待审批' }).waitFor();
      await shot(page, 'proposed');
      await signOut(page);

      // The bureau head first returns it with a reason, which the manager reads on the stocktake and proposes again.
      await signIn(page, 'head');
      await page.getByRole('menuitem', { name: '盘点' }).click();
      await page.getByTestId(`st-open-${detail.id}`).click();
      await page.getByTestId('st-reject').click();
      await page.getByTestId('reject-note').fill('盘盈登记的型号请核实');
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await page.getByTestId('st-status').filter({ hasText: '已结束' }).waitFor();
      await signOut(page);
      await signIn(page, 'county-mgr');
      await page.getByRole('menuitem', { name: '盘点' }).click();
      await page.getByTestId(`st-open-${detail.id}`).click();
      await page.getByTestId('st-returned').filter({ hasText: '盘盈登记的型号请核实' }).waitFor();
      await shot(page, 'returned');
      // 盘点 in the menu leads from the stocktake's page back to the list.
      await page.getByRole('menuitem', { name: '盘点' }).click();
      await page.getByTestId(`st-open-${detail.id}`).click();
      await page.getByTestId('st-propose').click();
      await page.getByTestId('st-status').filter({ hasText: '待审批' }).waitFor();
      await signOut(page);

      // The bureau head approves: the misplaced asset is now the county's, the surplus is in the ledger.
      await signIn(page, 'head');
      await page.getByRole('menuitem', { name: '盘点' }).click();
      await page.getByTestId(`st-open-${detail.id}`).click();
      await page.getByTestId('st-approve').click();
      await page.locator('.ant-modal-confirm .ant-btn-primary').click();
      await page.getByTestId('st-status').filter({ hasText: '已批准' }).waitFor();
      await page.locator('.ant-modal-confirm').waitFor({ state: 'detached' });
      const agencyOf = (tag: string) => q.prepare(`select g.code from assets s join agencies g on g.id = s.agency_id where s.asset_tag = ?`).pluck().get(tag);
      const custodianOf = (tag: string) => q.prepare(`select custodian from assets where asset_tag = ?`).pluck().get(tag);
      expect(custodianOf(c.tag)).toBe('李四');
      expect(agencyOf(c.tag)).toBe(county.code);
      expect(agencyOf(elsewhere.tag)).not.toBe(county.code);
      expect(agencyOf('E2E-盘盈-001')).toBe(county.code);
      await shot(page, 'approved');
      await signOut(page);

      await signIn(page, 'county-mgr');
      // The phone page, signed in with the same session, at 360×740.
      const second = await api<{ id: number }>(page, 'stocktakes/start', { agencyCode: county.code, title: '抽盘' });
      const phone = await newPage();
      const errors: string[] = [];
      phone.on('pageerror', (e) => errors.push(e.message));
      await phone.setViewportSize({ width: 360, height: 740 });
      await phone.goto(`${app.url}scan`);
      await phone.getByTestId('scan-page').waitFor();
      await phone.getByTestId('scan-stocktake').click();
      await phone.locator('.ant-select-item-option', { hasText: '抽盘' }).click();
      await phone.getByTestId('scan-code').waitFor();
      await shot(phone, 'phone-ready');

      await phone.context().setOffline(true);
      await phone.getByTestId('scan-code').fill(a.tag);
      await phone.getByTestId('scan-code').press('Enter');
      await phone.getByTestId('scan-result').filter({ hasText: '已暂存' }).waitFor();
      await phone.getByTestId('scan-waiting').filter({ hasText: '1 条' }).waitFor();
      const queued = await phone.evaluate(() => localStorage.getItem('eql.scan.queue'));
      await shot(phone, 'phone-offline');

      const scans = () => q.prepare(`select count(*) from stocktake_scans where stocktake_id = ?`).pluck().get(second.id) as number;
      expect(scans()).toBe(0);
      await phone.context().setOffline(false);
      await phone.getByTestId('scan-result').filter({ hasText: '账实相符' }).waitFor({ timeout: 20_000 });
      await phone.getByTestId('scan-waiting').waitFor({ state: 'detached' });
      expect(scans()).toBe(1);
      await shot(phone, 'phone-sent');

      // Sent again (a reply lost on the way): the server counts it once.
      await phone.evaluate((v) => (localStorage.setItem('eql.scan.queue', v!), window.dispatchEvent(new Event('online'))), queued);
      await expect.poll(() => phone.evaluate(() => localStorage.getItem('eql.scan.queue'))).toBe('[]');
      expect(scans()).toBe(1);

      // The city's stocktake, as the county's manager sees it: the county's part alone, and nothing of it to close.
      await api(page, 'stocktakes/cancel', { id: second.id });
      await signOut(page);
      await signIn(page, 'city-mgr');
      const cityTake = await api<{ id: number }>(page, 'stocktakes/start', { agencyCode: city, title: '市级清查' });
      await signOut(page);
      await signIn(page, 'county-mgr');
      await page.getByRole('menuitem', { name: '盘点' }).click();
      await page.getByTestId(`st-open-${cityTake.id}`).click();
      await page.getByTestId('st-part').filter({ hasText: `只列出${shortAgency(county.name)}及其下属机构` }).waitFor();
      const held = q.prepare(`select count(*) from assets s join agencies g on g.id = s.agency_id where g.code = ? and s.status <> 'scrapped'`).pluck().get(county.code) as number;
      expect(await figure(page, 'st-expected')).toBe(held);
      expect(await page.getByTestId('st-close').count()).toBe(0);
      // Scanning straight away, no place picked: found at the county itself.
      await page.getByTestId('scan-box').fill(b.tag);
      await page.getByTestId('scan-box').press('Enter');
      await page.getByTestId('scan-outcome').filter({ hasText: '账实相符' }).filter({ hasText: b.tag }).waitFor();
      await shot(page, 'city-part');

      // Where the browser has no BarcodeDetector, the bundled decoder, its .wasm from our own server under the page's
      // policy, reads a frame holding a QR label and one holding a Code128 label.
      const chunk = readdirSync(join(RENDERER, 'assets')).find((f) => /^camera-.*\.js$/.test(f))!;
      const frames = [await labelPng(b.tag, 'QRCode'), await labelPng('E2E-128-0001', 'Code128')];
      // Loaded as the page loads it (a string, so the test runner leaves its import alone).
      await phone.evaluate(`import('/assets/${chunk}').then((m) => { window.frameReaderUnderTest = m.frameReader; })`);
      const decoded = await phone.evaluate(async (pngs) => {
        const w = window as unknown as { BarcodeDetector?: unknown; frameReaderUnderTest: () => Promise<(v: HTMLCanvasElement) => Promise<string[]>> };
        delete w.BarcodeDetector;
        const read = await w.frameReaderUnderTest();
        const out: string[][] = [];
        for (const png of pngs) {
          const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(png), (c) => c.charCodeAt(0))], { type: 'image/png' }));
          const frame = Object.assign(document.createElement('canvas'), { width: bitmap.width + 40, height: bitmap.height + 40 });
          const g = frame.getContext('2d')!;
          g.fillStyle = '#fff';
          g.fillRect(0, 0, frame.width, frame.height);
          g.drawImage(bitmap, 20, 20);
          out.push(await read(Object.assign(frame, { videoWidth: frame.width, videoHeight: frame.height })));
        }
        return out;
      }, frames);
      expect(decoded).toEqual([[b.tag], ['E2E-128-0001']]);
      expect(errors).toEqual([]);
      expect(page.errors).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
