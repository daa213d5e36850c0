// Electron is an optional dependency: where its binary cannot be downloaded, npm leaves the whole
// package out, types included. The type-check of electron/ then uses the same version's
// electron.d.ts, taken from its registry tarball (the registry is reachable where npm install is).
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const dir = 'node_modules/.electron-types';
if (!existsSync('node_modules/electron/electron.d.ts') && !existsSync(join(dir, 'package/electron.d.ts'))) {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  const version = lock.packages['node_modules/electron'].version;
  mkdirSync(dir, { recursive: true });
  const shell = process.platform === 'win32';
  const pack = spawnSync('npm', ['pack', `electron@${version}`, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'], shell });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (pack.status !== 0 || !tgz) {
    console.error(`无法取得 electron@${version} 的类型声明(npm pack 失败)`);
    process.exit(1);
  }
  const untar = spawnSync('tar', ['-xzf', join(dir, tgz), '-C', dir, 'package/electron.d.ts'], { stdio: 'inherit', shell });
  if (untar.status !== 0) process.exit(untar.status ?? 1);
}
