import { api, type Envelope, type OpName } from '../api/contract';
import { UserError } from '../lib/problems';
import type { Context } from './context';
import { handlers } from './handlers';

let writes: Promise<unknown> = Promise.resolve();

/** Runs mutations one at a time, in the order they arrive. */
function queued<T>(f: () => T | Promise<T>): Promise<T> {
  const next = writes.then(f, f);
  writes = next.catch(() => undefined);
  return next;
}

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(api, name);
}

/** Validates an operation's input with its schema and runs its handler; every failure comes back as problems. */
export async function dispatch(ctx: Context, name: string, raw: unknown): Promise<Envelope<unknown>> {
  if (!isOpName(name)) return { ok: false, problems: [{ message: `未知操作「${name}」` }] };
  const spec = api[name];
  const parsed = spec.input.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ field: i.path.join('.') || undefined, message: i.message })) };
  }
  const handler = handlers[name] as (ctx: Context, input: unknown) => unknown;
  try {
    const value = await (spec.writes ? queued(() => handler(ctx, parsed.data)) : handler(ctx, parsed.data));
    return { ok: true, value };
  } catch (e) {
    if (e instanceof UserError) return { ok: false, problems: e.problems };
    console.error(`[${name}]`, e);
    return { ok: false, problems: [{ message: `内部错误:${(e as Error).message}` }] };
  }
}
