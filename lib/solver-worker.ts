// The solver worker's entry: models in, HiGHS's answers out, one at a time.
import highsLoader from 'highs';
import { parentPort } from 'node:worker_threads';
import type { SolveJob, SolveReply } from './solver';

const highs = await highsLoader();

parentPort!.on('message', ({ lp, options }: SolveJob) => {
  let reply: SolveReply;
  try {
    const result = highs.solve(lp, options);
    const primal = new Map<string, number>();
    for (const [name, column] of Object.entries(result.Columns as Record<string, { Primal?: number }>)) primal.set(name, column.Primal ?? 0);
    reply = { ok: true, status: result.Status, objective: result.ObjectiveValue, primal };
  } catch (e) {
    reply = { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
