// better-sqlite3 is a native module built for one runtime at a time: Node (tests, CLI, browser
// mode) or Electron (the desktop app). Each entry point makes sure it has the build it needs.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const shell = process.platform === 'win32';
const probe = "new (require('better-sqlite3'))(':memory:').close()";

export function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function loads(executable, env = {}) {
  return spawnSync(executable, ['-e', probe], { env: { ...process.env, ...env }, stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

export function ensureNodeBuild() {
  if (loads(process.execPath)) return;
  console.log('better-sqlite3 is built for Electron; rebuilding it for Node…');
  run('npm', ['rebuild', 'better-sqlite3']);
}

export function ensureElectronBuild(electron) {
  if (loads(electron, { ELECTRON_RUN_AS_NODE: '1' })) return;
  console.log('better-sqlite3 is built for Node; rebuilding it for Electron…');
  // npm's own rebuild, pointed at Electron's headers (where the Electron binary could be fetched, so can these).
  const { version } = require('electron/package.json');
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3'], {
    stdio: 'inherit', shell,
    env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: version, npm_config_disturl: 'https://electronjs.org/headers' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (process.argv[2] === 'node') ensureNodeBuild();
