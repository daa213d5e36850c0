import { randomUUID } from 'node:crypto';
import type { Problem } from '../lib/problems';

/**
 * An unexpected error, as the caller is told of it: its text (which may name tables, paths or data) stays in the
 * server's log, under a reference the user can quote. `what` names what failed, in the log; `said`, to the user.
 */
export function internalProblem(what: string, e: unknown, said = '内部错误'): Problem {
  const ref = randomUUID().slice(0, 8);
  console.error(`[${what}] ${ref}`, e);
  return { message: `${said}(编号 ${ref}):请稍后重试;若一再出现,请把编号告诉管理员` };
}
