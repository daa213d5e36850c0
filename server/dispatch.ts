import { api, refusal, type Envelope, type OpName } from '../api/contract';
import { UserError, type Problem } from '../lib/problems';
import type { Context } from './context';
import { internalProblem } from './internal-error';
import { handlers } from './handlers';
import { loadScope } from './scope';

let writes: Promise<unknown> = Promise.resolve();

/**
 * Runs mutations one at a time, in the order they arrive: the embedded ledger has one writer. The provincial
 * database takes them concurrently, from this process as from the others, each in a serializable transaction
 * retried on conflict, taking their turn there (db/store.ts); queued here they would wait for each other's
 * parsing and checks too.
 */
function queued<T>(f: () => T | Promise<T>): Promise<T> {
  const next = writes.then(f, f);
  writes = next.catch(() => undefined);
  return next;
}

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(api, name);
}

/** SQLite's errors that the user's machine causes, in words they can act on; the transaction was rolled back. */
const STORAGE_ERRORS: Record<string, string> = {
  SQLITE_FULL: '磁盘空间已满,本次修改未保存(已存数据完好);请清理磁盘后重试',
  SQLITE_READONLY: '台账文件为只读(或所在文件夹不可写),本次修改未保存;请检查文件属性与权限',
  SQLITE_CANTOPEN: '无法打开台账文件,本次修改未保存;请检查文件是否被移动或删除',
  SQLITE_CORRUPT: '台账文件已损坏,本次修改未保存;请从备份恢复',
  SQLITE_IOERR: '读写台账文件出错(磁盘故障或空间不足),本次修改未保存',
};

function storageProblem(e: unknown): Problem | null {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  const base = Object.keys(STORAGE_ERRORS).find((k) => code === k || code.startsWith(`${k}_`));
  return base ? { message: STORAGE_ERRORS[base] } : null;
}

/**
 * Checks the caller's right, validates the input with the operation's schema and runs its handler;
 * every failure comes back as problems.
 */
export async function dispatch(ctx: Context, name: string, raw: unknown): Promise<Envelope<unknown>> {
  if (!isOpName(name)) return { ok: false, problems: [{ message: `未知操作「${name}」` }] };
  const spec = api[name];
  const refused = refusal(ctx.user, name);
  if (refused) return { ok: false, problems: [refused] };
  const parsed = spec.input.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ field: i.path.join('.') || undefined, message: i.message })) };
  }
  const handler = handlers[name] as (ctx: Context, input: unknown) => unknown;
  try {
    await loadScope(ctx);
    const value = await (spec.writes && ctx.store.engine === 'sqlite' ? queued(() => handler(ctx, parsed.data)) : handler(ctx, parsed.data));
    return { ok: true, value };
  } catch (e) {
    if (e instanceof UserError) return { ok: false, problems: e.problems };
    const storage = storageProblem(e);
    if (storage) return { ok: false, problems: [storage] };
    return { ok: false, problems: [internalProblem(name, e)] };
  }
}
