import { UserError } from './problems';
import { WorkerPool, type WorkerLimits } from './worker';

export interface LpSolution {
  /** HiGHS's model status, e.g. "Optimal", "Infeasible", "Time limit reached". */
  status: string;
  objective: number;
  values: (name: string) => number;
}

export interface SolveJob {
  lp: string;
  options: { output_flag: false; mip_rel_gap: number; mip_abs_gap: number; time_limit: number };
}

export type SolveReply =
  | { ok: true; status: string; objective: number; primal: Map<string, number> }
  | { ok: false; message: string };

/**
 * The worker's JavaScript heap: the model's text and the solution's columns. HiGHS's own memory
 * is WebAssembly's, outside that heap, and its build caps it at 2 GB.
 */
export const SOLVE_HEAP_MB = 512;
/** HiGHS stops itself at the time limit, checking it now and then; past this much more, the worker is ended. */
export const SOLVE_GRACE_MS = 10_000;

const SOURCE_WORKER = './solver-worker.ts';

/**
 * Two solves run at once, each on its own thread, and eight more may wait their turn: a solve
 * holds a core for up to its time limit, and a queue longer than that waits minutes.
 */
const solvers = new WorkerPool<SolveJob, SolveReply>(new URL(SOURCE_WORKER, import.meta.url), {
  maxWorkers: 2,
  maxWaiting: 8,
  // A failed solve may leave the WebAssembly instance aborted: the next solve gets a fresh one.
  reusable: (reply) => reply.ok,
});

/**
 * Solves a model in CPLEX LP format with HiGHS (WebAssembly), by default to proven optimality: no
 * relative gap is allowed, since the dispatch's distance objective of a few km sits beside
 * penalties in the millions. HiGHS runs synchronously, so it runs in a worker thread: the server
 * goes on answering everyone else meanwhile.
 */
export async function solveLp(lp: string, timeLimitSeconds = 60, relativeGap = 0, limits: Partial<WorkerLimits> = {}): Promise<LpSolution> {
  const heapMb = limits.heapMb ?? SOLVE_HEAP_MB;
  const timeoutMs = limits.timeoutMs ?? timeLimitSeconds * 1000 + SOLVE_GRACE_MS;
  const options = { output_flag: false, mip_rel_gap: relativeGap, mip_abs_gap: 1e-6, time_limit: timeLimitSeconds } as const;
  const r = await solvers.run({ lp, options }, { heapMb, timeoutMs });
  if (!r.ok) {
    switch (r.why) {
      case 'timeout': throw new UserError([{ message: `求解超过 ${Math.round(timeoutMs / 1000)} 秒仍未完成,已停止;请缩小范围(减少机构、年度或任务)后重试` }]);
      case 'memory': throw new UserError([{ message: `求解所需内存超过 ${heapMb} MB,已停止;请缩小范围(减少机构、年度或任务)后重试` }]);
      case 'busy': throw new UserError([{ message: '正在计算的规划过多,请稍后重试' }]);
      case 'error': throw r.error;
      case 'exit': throw new Error(`求解程序意外退出(代码 ${r.code})`);
    }
  }
  const reply = r.value;
  if (!reply.ok) throw new Error(`求解失败:${reply.message}`);
  return { status: reply.status, objective: reply.objective, values: (name) => reply.primal.get(name) ?? 0 };
}
