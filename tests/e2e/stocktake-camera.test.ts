import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StocktakeDetail } from '../../api/stocktakes';
import { sqliteStore } from '../../db/store';
import { labelSheet } from '../../print/labels';
import { loadDemo } from '../../server/handlers/demo';
import { cameraView, greyOfPng, plain, y4m, type Grey } from '../fixtures/camera-clip';
import { seedAccounts } from '../fixtures/db';
import { tempDir } from '../fixtures/factories';
import { call } from '../fixtures/serve';
import { buildRenderer, launchBrowser } from '../../scripts/browser';
import { startApp } from './harness';
import { screenshots, signIn as signInAs } from './suite';

/**
 * The phone page /scan reads the ledger's printed labels through a camera: Chromium's fake camera plays a clip made
 * here from the labels PDF a county manager printed for a stocktake, one label after another, each held in view
 * for many frames. The server's stocktake then holds one scan of each, from the camera, 账实相符.
 */

const hasTools = spawnSync('which', ['pdftoppm']).status === 0;
if (!hasTools) {
  if (process.env.CI) throw new Error('摄像头盘点测试需要 Debian 的 poppler-utils 软件包(pdftoppm)');
  console.warn('跳过摄像头盘点的浏览器测试:需要 Debian 的 poppler-utils 软件包');
}

const PASSWORD = 'camera-pass-2026';
const DPI = 200;
const FPS = 5;
/** The camera's frame: what a phone's rear camera gives a page asking for no size. */
const [WIDTH, HEIGHT] = [640, 480];
/** The clip, in frames: the desk before the first label (the page loads its decoder meanwhile), each label, the desk after. */
const LEAD_FRAMES = 2 * FPS;
const LABEL_FRAMES = 8;
/** Longer than the test watches after the last label, so the looping clip does not bring the first back meanwhile. */
const TAIL_FRAMES = 10 * FPS;

/** Signs in over HTTP as the web UI does; calls operations with that session. */
async function session(base: string, username: string) {
  const login = await call(base, 'auth/login', { username, password: PASSWORD });
  if (!login.ok || !login.cookie) throw new Error(`auth/login ${username}: ${JSON.stringify(login.problems)}`);
  return async <T>(name: string, input: unknown): Promise<T> => {
    const r = await call(base, name, input, login.cookie);
    if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problems)}`);
    return r.value as T;
  };
}

/**
 * The camera's clip over an A4 3×8 sheet of `count` labels: the desk, then each label of the first row in turn,
 * held still but for a hand's drift of a millimetre a frame, then the desk again.
 */
function labelsClip(sheet: Grey, count: number): { clip: Buffer; held: Grey[] } {
  const geometry = labelSheet('a4-3x8');
  const px = DPI / 25.4;
  const desk = plain(WIDTH, HEIGHT, 110);
  const frames: Grey[] = Array.from({ length: LEAD_FRAMES }, () => desk);
  const held: Grey[] = [];
  for (let i = 0; i < count; i++) {
    const cx = (geometry.margins.left + (i + 0.5) * geometry.labelWidth) * px;
    const cy = (geometry.margins.top + 0.5 * geometry.labelHeight) * px;
    // The whole label and a little of the sheet around it fills the frame's width.
    const w = (geometry.labelWidth + 10) * px;
    const h = (w * HEIGHT) / WIDTH;
    for (let k = 0; k < LABEL_FRAMES; k++) {
      const drift = (k - LABEL_FRAMES / 2) * px;
      frames.push(cameraView(sheet, { x: cx - w / 2 + drift, y: cy - h / 2 + drift / 2, width: w, height: h }, WIDTH, HEIGHT));
    }
    held.push(frames[frames.length - 1]);
  }
  frames.push(...Array.from({ length: TAIL_FRAMES }, () => desk));
  return { clip: y4m(frames, FPS), held };
}

describe.skipIf(!hasTools)('盘点 with the phone camera', () => {
  beforeAll(() => buildRenderer(), 120_000);

  it('the phone page reads printed labels from the camera: one scan of each, from the camera, 账实相符', { timeout: 120_000 }, async () => {
    const app = await startApp();
    let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
    try {
      const who = { actor: 'admin', at: app.clock.now().toISOString() };
      await sqliteStore(app.db).write((tx) => loadDemo(tx, who, app.clock.today()));
      const q = app.db.$client;
      const county = q.prepare(`select g.code from agencies g join assets s on s.agency_id = g.id where g.level = 'county' and s.status = 'in_service'
        group by g.id having count(*) >= 3 order by count(*), g.code limit 1`).pluck().get() as string;
      const tags = q.prepare(`select s.asset_tag from assets s join agencies g on g.id = s.agency_id where g.code = ? and s.status = 'in_service' order by s.id limit 3`)
        .pluck().all(county) as string[];
      await seedAccounts(app.db, who, [['admin', '王管理', 'admin', null], ['county-mgr', '张县管', 'manager', county]], PASSWORD);

      // Labels carry the server's address, as printed for phones: the scan reads the tag out of it.
      const base = app.url.replace(/\/$/, '');
      await (await session(app.url, 'admin'))('labels/saveServerAddress', { serverAddress: base });
      const asManager = await session(app.url, 'county-mgr');
      const stocktake = await asManager<{ id: number }>('stocktakes/start', { agencyCode: county, title: '2026 年度资产清查' });
      const pdf = await asManager<{ base64: string }>('labels/pdf', { tags, layout: 'a4-3x8' });

      const dir = tempDir();
      writeFileSync(join(dir, 'labels.pdf'), Buffer.from(pdf.base64, 'base64'));
      execFileSync('pdftoppm', ['-r', String(DPI), '-gray', '-png', '-singlefile', join(dir, 'labels.pdf'), join(dir, 'sheet')]);
      const { clip, held } = labelsClip(greyOfPng(readFileSync(join(dir, 'sheet.png'))), tags.length);
      // The clip shows what the labels carry (read here by another decoder), so a failure below is the page's.
      expect(held.map(qrOf)).toEqual(tags.map((tag) => `${base}/a/${encodeURIComponent(tag)}`));
      const file = join(dir, 'labels.y4m');
      writeFileSync(file, clip);

      browser = await launchBrowser({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`] });
      const phone = await browser.context.newPage();
      const errors: string[] = [];
      phone.on('pageerror', (e) => errors.push(e.message));
      await phone.setViewportSize({ width: 360, height: 740 });
      await phone.goto(`${app.url}scan`);
      await phone.getByTestId('login').waitFor();
      await shot(phone, 'sign-in');
      await signIn(phone, 'county-mgr');
      await phone.getByTestId('scan-stocktake').click();
      await phone.locator('.ant-select-item-option', { hasText: '2026 年度资产清查' }).click();
      await phone.getByTestId('scan-camera').click();

      const scans = async () => (await asManager<StocktakeDetail>('stocktakes/get', { id: stocktake.id })).scans;
      await phone.getByTestId('scan-result').filter({ hasText: '账实相符' }).waitFor({ timeout: 20_000 });
      await shot(phone, 'reading');
      await expect.poll(async () => new Set((await scans()).map((s) => s.assetTag)).size, { timeout: 20_000 }).toBe(tags.length);
      // The last label stays in view a while more, then the desk: read many times over, it is still one scan.
      await phone.waitForTimeout((LABEL_FRAMES / FPS) * 1000 + 500);
      await phone.getByRole('button', { name: '关闭摄像头' }).click();

      const detail = await asManager<StocktakeDetail>('stocktakes/get', { id: stocktake.id });
      expect(detail.scans.map((s) => ({ tag: s.assetTag, source: s.source, outcome: s.outcome })).reverse())
        .toEqual(tags.map((tag) => ({ tag, source: 'camera', outcome: 'matched' })));
      expect(detail.found).toBe(tags.length);
      const last = phone.getByTestId('scan-result');
      expect(await last.getAttribute('data-outcome')).toBe('matched');
      expect(await last.innerText()).toContain(tags[tags.length - 1]);
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
      await app.stop();
    }
  });
});

/** The QR code a frame shows, read by jsQR. */
function qrOf(frame: Grey): string | undefined {
  const rgba = new Uint8ClampedArray(frame.pixels.length * 4);
  frame.pixels.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
  return jsQR(rgba, frame.width, frame.height)?.data;
}

const shot = screenshots('camera');
const signIn = (page: Page, username: string) => signInAs(page, username, PASSWORD, 'scan-page');
