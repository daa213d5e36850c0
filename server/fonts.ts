import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const FONT_FILE = 'SourceHanSansSC-Regular.otf';
let font: Buffer | undefined;

/**
 * Source Han Sans SC, embedded (as a subset) in every PDF the server draws — label sheets, the 盘点报告: beside a
 * packaged app (electron-builder's extraResources), else from its npm package.
 */
export function chineseFont(): Buffer {
  if (font) return font;
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const packaged = resources ? join(resources, 'fonts', FONT_FILE) : '';
  const file = packaged && existsSync(packaged) ? packaged : createRequire(import.meta.url).resolve(`node-source-han-sans-sc/${FONT_FILE}`);
  font = readFileSync(file);
  return font;
}
