import { describe, expect, it, onTestFinished } from 'vitest';
import { startApp } from './harness';
import { suiteBrowser } from './suite';

/**
 * The desktop app's first screen, rendered in Chromium as Electron shows it: the page with `?screen=start`
 * and the preload's `api.start` bridge, here played by the test (Electron's main process cannot run on
 * these machines; electron/main/connection.ts is tested on its own).
 */
const { newPage } = suiteBrowser();

const FINGERPRINT = '3A:9F:12:C4:7B:E0:55:81:0D:6A:2E:F3:98:44:B1:07:C2:5D:E9:10:8A:73:4F:66:2B:D8:91:0C:E5:37:A4:F2';

async function startScreen(probe: unknown) {
  const app = await startApp();
  const page = await newPage();
  onTestFinished(async () => {
    await page.close();
    await app.stop();
  });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.addInitScript((answer) => {
    const calls: unknown[][] = [];
    Object.assign(window, {
      calls,
      api: {
        invoke: async () => ({ ok: false, problems: [{ message: 'not on the first screen' }] }),
        openFile: async () => null,
        saveFile: async () => null,
        start: {
          probe: async (typed: string) => (calls.push(['probe', typed]), answer),
          connect: async (origin: string, fingerprint: string) => (calls.push(['connect', origin, fingerprint]), null),
          local: async () => void calls.push(['local']),
        },
      },
    });
  }, probe);
  await page.goto(`${app.url}?screen=start`);
  return page;
}

const calls = (page: Awaited<ReturnType<typeof startScreen>>) => page.evaluate(() => (window as unknown as { calls: unknown[][] }).calls);

describe('the desktop app’s first screen', () => {
  it('offers the local ledger or the provincial server, and shows the server’s certificate to check before connecting', async () => {
    const page = await startScreen({ origin: 'https://ledger.sthjt.example:5180', fingerprint: FINGERPRINT, subject: 'CN=ledger.sthjt.example', validTo: '2036-11-30T08:00:00.000Z', trusted: false });
    await page.getByText('本机台账', { exact: true }).waitFor();
    await page.getByText('连接省级服务器').waitFor();
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/desktop-start.png` });
    await page.getByLabel('服务器地址').fill('ledger.sthjt.example:5180');
    await page.getByRole('button', { name: '连接', exact: true }).click();
    await page.getByText('首次连接:请核对服务器证书').waitFor();
    await expect(page.getByText(FINGERPRINT).isVisible()).resolves.toBe(true);
    await page.getByText('更须核对指纹').waitFor();
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/desktop-start-certificate.png` });
    await page.getByRole('button', { name: '指纹一致,连接' }).click();
    await expect.poll(() => calls(page)).toEqual([['probe', 'ledger.sthjt.example:5180'], ['connect', 'https://ledger.sthjt.example:5180', FINGERPRINT]]);
  });

  it('says under the address why a server cannot be reached, and opens the local ledger on request', async () => {
    const page = await startScreen({ error: '无法连接 https://10.9.9.9:5180:连接服务器超时' });
    await page.getByLabel('服务器地址').fill('10.9.9.9:5180');
    await page.getByRole('button', { name: '连接', exact: true }).click();
    await page.getByText('连接服务器超时').waitFor();
    await page.getByRole('button', { name: '打开本机台账' }).click();
    await expect.poll(() => calls(page)).toEqual([['probe', '10.9.9.9:5180'], ['local']]);
  });
});
