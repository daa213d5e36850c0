import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { chromium, type BrowserContext } from 'playwright-core';

export const RENDERER = resolve(import.meta.dirname, '..', 'dist', 'renderer');

export async function buildRenderer(): Promise<void> {
  await build({ configFile: resolve(import.meta.dirname, '..', 'vite.config.ts'), logLevel: 'warn' });
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless at 1366x768, with everything that would call out to the network turned off; `args`
 * are further switches (a fake camera playing a file, say).
 */
export async function launchBrowser(options: { args?: readonly string[] } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'eql-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(options.args ?? [])],
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
