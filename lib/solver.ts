import highsLoader, { type Highs } from 'highs';

let loading: Promise<Highs> | null = null;

export interface LpSolution {
  /** HiGHS's model status, e.g. "Optimal", "Infeasible", "Time limit reached". */
  status: string;
  objective: number;
  values: (name: string) => number;
}

/**
 * Solves a model in CPLEX LP format with HiGHS (WebAssembly), by default to proven optimality: no
 * relative gap is allowed, since the dispatch's distance objective of a few km sits beside
 * penalties in the millions.
 */
export async function solveLp(lp: string, timeLimitSeconds = 60, relativeGap = 0): Promise<LpSolution> {
  const highs = await (loading ??= highsLoader());
  const result = highs.solve(lp, { output_flag: false, mip_rel_gap: relativeGap, mip_abs_gap: 1e-6, time_limit: timeLimitSeconds });
  const columns = result.Columns as Record<string, { Primal?: number }>;
  return { status: result.Status, objective: result.ObjectiveValue, values: (name) => columns[name]?.Primal ?? 0 };
}
