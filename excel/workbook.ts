import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Problem } from '../lib/problems';
import type { Cell } from './cells';
import type { FileFormat, TextReading } from './formats';
import type { ParseLimits, TextChoice } from './parse';

export const MAX_FILE_BYTES = 200 * 1024 * 1024;
/**
 * What all the parts of a workbook may come to once unpacked: the 100,000-row template the bench
 * generates unpacks to 31 MB; Excel's own files of that size, with shared strings and styles, stay
 * well inside four times that.
 */
export const MAX_UNPACKED_BYTES = 128 * 1024 * 1024;
export const MAX_SHEET_ROWS = 200_000;
/** The 100,000-row template holds 0.9 million cells; a wider layout of the same rows, under 3 million. */
export const MAX_CELLS = 3_000_000;
export const MAX_TEXT_CHARS = 100_000_000;
/** The parse worker's heap: parsing the 100,000-row template peaks well under 1 GB. */
export const PARSE_HEAP_MB = 1024;
export const PARSE_TIMEOUT_MS = 120_000;

export interface Sheet {
  name: string;
  /** Rows indexed by absolute 0-based row number; cells by 0-based column. */
  rows: (Cell | undefined)[][];
  /** Merged ranges, 0-based and inclusive. */
  merges: { s: { r: number; c: number }; e: { r: number; c: number } }[];
  /** Hidden or very hidden in Excel: offered to the user, marked, never read on a guess. */
  hidden: boolean;
}

export interface Workbook {
  sheets: Sheet[];
  date1904: boolean;
  format: FileFormat;
  /** For a text file: how it was read. */
  text?: TextReading;
}

export type ReadResult = { ok: true; workbook: Workbook } | { ok: false; problems: Problem[] };

export interface ReadOptions extends Partial<ParseLimits>, TextChoice {
  heapMb?: number;
  timeoutMs?: number;
}

/** The bundled app ships the worker as one .mjs beside its main file (unpacked from the asar); the source tree runs the .ts through tsx. */
const BUNDLED_WORKER = './workbook-worker.mjs';
const SOURCE_WORKER = './workbook-worker.ts';

const TSX_API = '../node_modules/tsx/dist/esm/api/index.mjs';

/** The worker to start: a file, or (from the source tree) a line of script that registers tsx and imports the .ts entry. */
function workerEntry(): { script: string; eval: boolean } {
  const bundled = fileURLToPath(new URL(BUNDLED_WORKER, import.meta.url)).replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  if (existsSync(bundled)) return { script: bundled, eval: false };
  const beside = fileURLToPath(new URL(TSX_API, import.meta.url));
  const api = pathToFileURL(existsSync(beside) ? beside : join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const entry = new URL(SOURCE_WORKER, import.meta.url).href;
  return { script: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, eval: true };
}

export interface ParseJob {
  buf: Uint8Array;
  file: string;
  limits: ParseLimits;
  choice: TextChoice;
}

/** One worker kept warm between files (starting one costs more than parsing a small file); it is unref'd while idle. */
let idle: { worker: Worker; heapMb: number } | null = null;

function startWorker(heapMb: number): Worker {
  const entry = workerEntry();
  return new Worker(entry.script, {
    eval: entry.eval,
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(16, Math.round(heapMb / 8))) },
    stdout: false,
    stderr: false,
  });
}

/**
 * Parses the file in a worker thread with its own heap limit and a wall-clock limit: a workbook
 * that unpacks honestly to far more than any ledger costs the worker, never the server or the
 * desktop app's main process. A worker that runs out of memory or time is ended.
 */
function parseInWorker(buf: Uint8Array, file: string, options: ReadOptions): Promise<ReadResult> {
  const limits: ParseLimits = {
    unpackedBytes: options.unpackedBytes ?? MAX_UNPACKED_BYTES,
    sheetRows: options.sheetRows ?? MAX_SHEET_ROWS,
    cells: options.cells ?? MAX_CELLS,
    textChars: options.textChars ?? MAX_TEXT_CHARS,
  };
  const heapMb = options.heapMb ?? PARSE_HEAP_MB;
  const timeoutMs = options.timeoutMs ?? PARSE_TIMEOUT_MS;
  const fail = (message: string): ReadResult => ({ ok: false, problems: [{ file, message }] });
  let worker: Worker;
  if (idle && idle.heapMb === heapMb) {
    worker = idle.worker;
    idle = null;
  } else {
    worker = startWorker(heapMb);
  }
  worker.ref();
  if (!worker.listenerCount('exit')) worker.once('exit', () => { if (idle?.worker === worker) idle = null; });
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ReadResult, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (reusable && !idle) {
        worker.unref();
        idle = { worker, heapMb };
      } else {
        void worker.terminate();
      }
      resolve(r);
    };
    const timer = setTimeout(() => done(fail(`读取「${file}」超过 ${Math.round(timeoutMs / 1000)} 秒仍未完成,已停止;文件可能过大,请拆分后导入`), false), timeoutMs);
    const onMessage = (r: ReadResult) => done(r, true);
    const onError = (e: Error & { code?: string }) => {
      done(fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `读取「${file}」所需内存超过 ${heapMb} MB,已停止;文件内容过多,请拆分后导入`
        : `无法读取文件「${file}」:${e.message}`), false);
    };
    const onExit = (code: number) => done(fail(`读取「${file}」时读取程序意外退出(代码 ${code}),请重试或拆分后导入`), false);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage({ buf, file, limits, choice: { encoding: options.encoding, delimiter: options.delimiter } } satisfies ParseJob);
  });
}

/**
 * Reads a spreadsheet of any format the importer takes (.xlsx, .xlsm, .xlsb, .xls, .et, .ods,
 * .csv/.txt; told by content, not name) in the parse worker, refusing anything else with a clear
 * message. A text file is read in `options.encoding`/`delimiter` where given, else as detected.
 */
export async function readWorkbook(buf: Uint8Array, file: string, options: ReadOptions = {}): Promise<ReadResult> {
  const fail = (message: string): ReadResult => ({ ok: false, problems: [{ file, message }] });
  if (buf.length === 0) return fail('文件为空');
  if (buf.length > MAX_FILE_BYTES) return fail(`文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB,请拆分后导入`);
  return parseInWorker(buf, file, options);
}
