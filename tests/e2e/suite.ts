import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildRenderer, launchBrowser } from '../../scripts/browser';

/** One Chromium for a test file: the renderer built and the browser started before its tests, closed after. */
export function suiteBrowser(): {
  newPage: () => Promise<Page>;
  adminPage: (url: string) => Promise<Page & { errors: string[] }>;
  demoPage: (url: string) => Promise<Page & { errors: string[] }>;
} {
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  beforeAll(async () => {
    await buildRenderer();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  const newPage = () => browser!.context.newPage();
  /** The app's page with its first administrator created and signed in; page errors are collected. */
  const adminPage = async (url: string) => {
    const page = await newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.getByTestId('setup').waitFor();
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('姓名').fill('王管理');
    await page.getByLabel('密码', { exact: true }).fill('admin-pass-2026');
    await page.getByLabel('确认密码').fill('admin-pass-2026');
    await page.getByTestId('sign-in').click();
    return Object.assign(page, { errors });
  };
  /** The administrator's page with the demo province opened, on 总览. */
  const demoPage = async (url: string) => {
    const page = await adminPage(url);
    await page.getByTestId('open-demo').click();
    await page.getByTestId('ov-assets').locator('.ant-statistic-content').waitFor({ timeout: 60_000 });
    return page;
  };
  return { newPage, adminPage, demoPage };
}

/** Signs in on the login page, and waits for what the signed-in user sees first (the desktop's user menu unless told). */
export async function signIn(page: Page, username: string, password: string, ready = 'user-menu'): Promise<void> {
  await page.getByTestId('login').waitFor();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByTestId('sign-in').click();
  await page.getByTestId(ready).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByText('退出登录').click();
  await page.getByTestId('login').waitFor();
}

/** A screenshot named `<prefix>-<name>.png` in $SCREENSHOTS, when it is set (to look at the screens after a run). */
export const screenshots = (prefix: string) => async (page: Page, name: string): Promise<void> => {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/${prefix}-${name}.png` });
};
