// `npm start`: the desktop app when Electron's binary is installed; otherwise the same app in the
// browser, served on this machine only (what `npm run web` does).
import { spawn, spawnSync } from 'node:child_process';
import { electronBinary, ensureElectronBuild, ensureNodeBuild } from './native.mjs';

function step(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const electron = electronBinary();
step('npx', ['vite', 'build']);
if (electron) {
  ensureElectronBuild(electron);
  step(process.execPath, ['scripts/build-electron.mjs']);
  spawn(electron, ['.'], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('\n未找到 Electron 程序文件(离线安装时无法下载),改为浏览器模式:请在浏览器中打开下面的地址。\n');
  ensureNodeBuild();
  spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...process.argv.slice(2)], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
}
