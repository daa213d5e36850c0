import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const TSX_API = '../node_modules/tsx/dist/esm/api/index.mjs';

/**
 * The worker to start for the .ts entry at `source`. The bundled app ships each entry as one .mjs
 * beside its main file (scripts/build-electron.mjs), unpacked from the asar (electron-builder.yml)
 * so that the worker loads it like any file; bundled, every module's import.meta.url is the main
 * file's, so the .mjs is looked for beside this module. The source tree runs the .ts through tsx:
 * a line of script that registers tsx and imports the entry.
 */
export function workerEntry(source: URL): { script: string; eval: boolean } {
  const name = basename(fileURLToPath(source)).replace(/\.ts$/, '.mjs');
  const bundled = fileURLToPath(new URL(`./${name}`, import.meta.url)).replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  if (existsSync(bundled)) return { script: bundled, eval: false };
  const beside = fileURLToPath(new URL(TSX_API, import.meta.url));
  const api = pathToFileURL(existsSync(beside) ? beside : join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return { script: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); });`, eval: true };
}

export interface WorkerLimits {
  heapMb: number;
  /** Wall clock from the moment the job reaches a worker (time spent queued does not count). */
  timeoutMs: number;
}

/** Why a job gave no result: out of time or memory (the worker was ended), crashed, or refused because too many jobs wait. */
export type WorkerOutcome<R> =
  | { ok: true; value: R }
  | { ok: false; why: 'timeout' | 'memory' | 'busy' }
  | { ok: false; why: 'error'; error: Error }
  | { ok: false; why: 'exit'; code: number };

export interface PoolOptions<R> {
  /** How many jobs run at once; more wait their turn. */
  maxWorkers?: number;
  /** How many jobs may wait; one more is refused as 'busy'. */
  maxWaiting?: number;
  /** Whether the worker that gave this result may take the next job (default: yes). */
  reusable?: (result: R) => boolean;
}

interface Idle {
  worker: Worker;
  heapMb: number;
}

/**
 * Runs jobs in worker threads, each with its own heap limit and a wall-clock limit, so that a job
 * that runs long or large costs its worker, never the main thread; a worker out of time or memory
 * is ended. One worker is kept warm between jobs (starting one costs more than a small job) and
 * unref'd while idle, so it never keeps the process alive.
 */
export class WorkerPool<Job, Result> {
  readonly #entry: () => { script: string; eval: boolean };
  readonly #maxWorkers: number;
  readonly #maxWaiting: number;
  readonly #reusable: (result: Result) => boolean;
  #idle: Idle | null = null;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(source: URL, options: PoolOptions<Result> = {}) {
    this.#entry = () => workerEntry(source);
    this.#maxWorkers = options.maxWorkers ?? Infinity;
    this.#maxWaiting = options.maxWaiting ?? Infinity;
    this.#reusable = options.reusable ?? (() => true);
  }

  async run(job: Job, limits: WorkerLimits): Promise<WorkerOutcome<Result>> {
    if (this.#running < this.#maxWorkers) this.#running++;
    else if (this.#waiting.length >= this.#maxWaiting) return { ok: false, why: 'busy' };
    // The finishing job hands its slot straight to the next one, so no newcomer can slip in between.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await this.#runNow(job, limits);
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }

  #take(heapMb: number): Worker {
    const idle = this.#idle;
    if (idle && idle.heapMb === heapMb) {
      this.#idle = null;
      idle.worker.ref();
      return idle.worker;
    }
    const entry = this.#entry();
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(16, Math.round(heapMb / 8))) },
      stdout: false,
      stderr: false,
    });
    worker.once('exit', () => { if (this.#idle?.worker === worker) this.#idle = null; });
    return worker;
  }

  #release(worker: Worker, heapMb: number, reusable: boolean): void {
    if (reusable && !this.#idle) {
      worker.unref();
      this.#idle = { worker, heapMb };
    } else {
      void worker.terminate();
    }
  }

  #runNow(job: Job, { heapMb, timeoutMs }: WorkerLimits): Promise<WorkerOutcome<Result>> {
    const worker = this.#take(heapMb);
    return new Promise((resolve) => {
      let settled = false;
      const done = (outcome: WorkerOutcome<Result>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        this.#release(worker, heapMb, outcome.ok && this.#reusable(outcome.value));
        resolve(outcome);
      };
      const timer = setTimeout(() => done({ ok: false, why: 'timeout' }), timeoutMs);
      const onMessage = (value: Result) => done({ ok: true, value });
      const onError = (error: Error & { code?: string }) => done(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { ok: false, why: 'memory' } : { ok: false, why: 'error', error });
      const onExit = (code: number) => done({ ok: false, why: 'exit', code });
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(job);
    });
  }
}
