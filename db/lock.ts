import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../lib/problems';

/** Lock files this process holds, by path, with how many connections share each. */
const held = new Map<string, number>();

process.once('exit', () => {
  for (const path of held.keys()) rmSync(path, { force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes this process the ledger's only owner: a `<ledger>.lock` file beside it names the owner's
 * pid. The server, the desktop app and the `eql` command each take it, so a restore in one can
 * never pull the file from under another. A lock left by a process that is gone is taken over.
 * Returns the release function; connections in one process share the lock.
 */
export function lockLedger(file: string): () => void {
  const path = `${resolve(file)}.lock`;
  const release = () => {
    const n = held.get(path) ?? 0;
    if (n > 1) return void held.set(path, n - 1);
    held.delete(path);
    rmSync(path, { force: true });
  };
  const n = held.get(path);
  if (n) {
    held.set(path, n + 1);
    return release;
  }
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  try {
    writeFileSync(path, mine, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    let owner: { pid?: number; host?: string } = {};
    try {
      owner = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      // A lock file cut short by a crash: nobody owns it.
    }
    if (typeof owner.pid === 'number' && owner.pid !== process.pid && (owner.host !== hostname() || alive(owner.pid))) {
      throw new UserError([{
        file,
        message: `该台账正由另一个程序使用(进程 ${owner.pid}${owner.host && owner.host !== hostname() ? `,计算机 ${owner.host}` : ''}):桌面版、浏览器版与 eql 命令不能同时打开同一台账;请先关闭它。若确认没有其他程序在用,可删除 ${path} 后重试`,
      }]);
    }
    writeFileSync(path, mine);
  }
  held.set(path, 1);
  return release;
}
