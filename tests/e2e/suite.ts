import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildRenderer, launchBrowser } from './browser';

/** One Chromium for a test file: the renderer built and the browser started before its tests, closed after. */
export function suiteBrowser(): { newPage: () => Promise<Page> } {
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  beforeAll(async () => {
    await buildRenderer();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  return { newPage: () => browser!.context.newPage() };
}
