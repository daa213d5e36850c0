// Rebuilds native modules (better-sqlite3) for Electron when Electron's binary is installed.
// Where the binary could not be downloaded (closed networks, CI), the Node build is kept so the
// CLI, the HTTP server and the tests still run.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

if (process.env.CI || !electronBinary()) {
  console.log('postinstall: no Electron binary here; native modules stay built for Node.');
} else {
  const r = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(r.status ?? 1);
}
