import { WorkerPool, type WorkerOutcome } from '../lib/worker';
import { unpack, type PackedResult } from './packed';
import type { ParseLimits, ReadResult, TextChoice } from './sheets';

export type { ParseLimits, ReadResult, Sheet, TextChoice, Workbook } from './sheets';

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




export interface ReadOptions extends Partial<ParseLimits>, TextChoice {
  heapMb?: number;
  timeoutMs?: number;
}

const SOURCE_WORKER = './workbook-worker.ts';

export interface ParseJob {
  buf: Uint8Array;
  file: string;
  limits: ParseLimits;
  choice: TextChoice;
}

/** Two files parse at once and eight more may wait: each parse may take its worker's full heap. */
const parsers = new WorkerPool<ParseJob, PackedResult>(new URL(SOURCE_WORKER, import.meta.url), { maxWorkers: 2, maxWaiting: 8 });

/**
 * Parses the file in a worker thread with its own heap limit and a wall-clock limit: a workbook
 * that unpacks honestly to far more than any ledger costs the worker, never the server or the
 * desktop app's main process.
 */
async function parseInWorker(buf: Uint8Array, file: string, options: ReadOptions): Promise<ReadResult> {
  const limits: ParseLimits = {
    unpackedBytes: options.unpackedBytes ?? MAX_UNPACKED_BYTES,
    sheetRows: options.sheetRows ?? MAX_SHEET_ROWS,
    cells: options.cells ?? MAX_CELLS,
    textChars: options.textChars ?? MAX_TEXT_CHARS,
  };
  const heapMb = options.heapMb ?? PARSE_HEAP_MB;
  const timeoutMs = options.timeoutMs ?? PARSE_TIMEOUT_MS;
  const r = await parsers.run({ buf, file, limits, choice: { encoding: options.encoding, delimiter: options.delimiter } }, { heapMb, timeoutMs });
  if (r.ok) return unpack(r.value);
  return { ok: false, problems: [{ file, message: failure(r, file, heapMb, timeoutMs) }] };
}

function failure(r: Exclude<WorkerOutcome<unknown>, { ok: true }>, file: string, heapMb: number, timeoutMs: number): string {
  switch (r.why) {
    case 'timeout': return `读取「${file}」超过 ${Math.round(timeoutMs / 1000)} 秒仍未完成,已停止;文件可能过大,请拆分后导入`;
    case 'memory': return `读取「${file}」所需内存超过 ${heapMb} MB,已停止;文件内容过多,请拆分后导入`;
    case 'busy': return `同时读取的文件过多,请稍后再导入「${file}」`;
    case 'error': return `无法读取文件「${file}」:${r.error.message}`;
    case 'exit': return `读取「${file}」时读取程序意外退出(代码 ${r.code}),请重试或拆分后导入`;
  }
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
