import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/problems';
import { solveLp, type SolveJob, type SolveReply } from '../../lib/solver';
import { WorkerPool } from '../../lib/worker';

const ROOT = resolve(import.meta.dirname, '..', '..');

const SMALL = 'Maximize\n obj: x + 2 y\nSubject To\n c1: x + y <= 4\nBounds\n 0 <= x <= 3\n 0 <= y <= 2\nEnd\n';

/**
 * A market split problem (Cornuéjols and Dawande): four equality rows over thirty binaries, which
 * branch and bound takes far longer than a few seconds to prove optimal.
 */
function marketSplit(): string {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows: string[] = [];
  for (let i = 0; i < 4; i++) {
    const a = Array.from({ length: 30 }, () => Math.floor(random() * 100));
    rows.push(` r${i}: ${a.map((c, j) => `${c} x${j}`).join(' + ')} + p${i} - q${i} = ${Math.floor(a.reduce((s, c) => s + c, 0) / 2)}`);
  }
  const slack = Array.from({ length: 4 }, (_, i) => `p${i} + q${i}`).join(' + ');
  return `Minimize\n obj: ${slack}\nSubject To\n${rows.join('\n')}\nBinary\n ${Array.from({ length: 30 }, (_, j) => `x${j}`).join(' ')}\nEnd\n`;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UserError);
  return (e as UserError).problems[0].message;
}

describe('solving with HiGHS', () => {
  it('keeps the event loop turning while a long solve runs, so other users are answered', async () => {
    await solveLp(SMALL);
    let solving = true;
    let ticks = 0;
    const timer = setInterval(() => { if (solving) ticks++; }, 20);
    const long = await solveLp(marketSplit(), 2);
    solving = false;
    clearInterval(timer);
    expect(long.status).toBe('Time limit reached');
    expect(ticks).toBeGreaterThan(0);
  });

  it('gives the same solution as before: status, objective and each variable', async () => {
    const s = await solveLp(SMALL);
    expect([s.status, s.objective, s.values('x'), s.values('y'), s.values('absent')]).toEqual(['Optimal', 6, 2, 2, 0]);
  });

  it('stops a solve that outlasts its wall clock with a message, and solves the next model as usual', async () => {
    const message = await refusal(solveLp(marketSplit(), 60, 0, { timeoutMs: 1000 }));
    expect(message).toBe('求解超过 1 秒仍未完成,已停止;请缩小范围(减少机构、年度或任务)后重试');
    expect((await solveLp(SMALL)).objective).toBe(6);
  });

  it('queues solves beyond the two that run at once, and refuses with a message when too many wait', async () => {
    const all = await Promise.allSettled(Array.from({ length: 11 }, () => solveLp(SMALL)));
    expect(all.filter((r) => r.status === 'fulfilled' && r.value.objective === 6)).toHaveLength(10);
    const refused = all.filter((r) => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as UserError).problems[0].message)).toEqual(['正在计算的规划过多,请稍后重试']);
    expect((await solveLp(SMALL)).status).toBe('Optimal');
  });

  it('runs no more jobs at once than the pool allows: a waiting job starts when one finishes', async () => {
    const pool = new WorkerPool<SolveJob, SolveReply>(new URL('../../lib/solver-worker.ts', import.meta.url), { maxWorkers: 1, maxWaiting: 1 });
    const options = { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-6, time_limit: 1 } as const;
    const limits = { heapMb: 256, timeoutMs: 20_000 };
    const finished: string[] = [];
    const long = pool.run({ lp: marketSplit(), options }, limits).then((r) => (finished.push('long'), r));
    const small = pool.run({ lp: SMALL, options }, limits).then((r) => (finished.push('small'), r));
    expect(await pool.run({ lp: SMALL, options }, limits)).toEqual({ ok: false, why: 'busy' });
    expect(await long).toMatchObject({ ok: true, value: { ok: true, status: 'Time limit reached' } });
    expect(await small).toMatchObject({ ok: true, value: { ok: true, status: 'Optimal', objective: 6 } });
    expect(finished).toEqual(['long', 'small']);
  });
});

describe('the desktop build', () => {
  const build = readFileSync(join(ROOT, 'scripts/build-electron.mjs'), 'utf8');
  const unpacked = [...readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8').split(/^asarUnpack:\n/m)[1].matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1]);

  it('bundles every worker entry and unpacks it from the asar, so a worker thread can load it', () => {
    const workers = ['lib', 'excel'].flatMap((dir) => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('-worker.ts')).map((f) => `${dir}/${f}`));
    expect(workers.sort()).toEqual(['excel/workbook-worker.ts', 'lib/solver-worker.ts']);
    for (const w of workers) {
      const out = w.split('/')[1].replace(/\.ts$/, '.mjs');
      expect(build).toContain(`input: '${w}'`);
      expect(build).toContain(`entryFileNames: '${out}'`);
      expect(unpacked).toContain(`dist/electron/${out}`);
    }
  });

  it('unpacks HiGHS with its highs.wasm, which it reads from beside its own script', () => {
    expect(unpacked).toContain('node_modules/highs/**');
    expect(readdirSync(join(ROOT, 'node_modules/highs/build'))).toEqual(expect.arrayContaining(['highs.mjs', 'highs.wasm']));
  });
});
