/** What both bench scripts measure with: the median of timed runs, and the 台账 grid's page requests on either engine. */
import { performance } from 'node:perf_hooks';
import type { Store } from '../db/store';
import { sql } from 'kysely';
import { countAssets, listAssets, type AssetPage } from '../db/queries/assets';

export interface BenchKit {
  work: string;
  today: string;
  report: (name: string, lines: string[], ok: boolean) => void;
  fmt: (n: number, digits?: number) => string;
}

export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** The median time of `runs` calls of f, after one call that warms the caches. */
export async function timeItAsync(runs: number, f: () => Promise<unknown>): Promise<number> {
  await f();
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return median(times);
}

/**
 * The 台账 grid's requests over the national ledger (generateAgencies' provinces), measured at the query (HTTP
 * and rendering not included), as the grid asks them: each block of rows within 100 ms, and the count of the
 * rows the filter matches (asked apart, shown when it comes) within 1 s, beside a bare count of the table.
 */
export async function ledgerPages(k: BenchKit, engine: string, store: Store, county: string): Promise<void> {
  const statuses = ['in_service', 'under_repair', 'idle'] as ('in_service' | 'under_repair' | 'idle')[];
  const cases: [string, Omit<AssetPage, 'startRow' | 'endRow'>, number?][] = [
    ['first page (default statuses)', { query: { statuses } }],
    ['a later block (row 500,000, scrollbar dragged to the middle)', { query: { statuses } }, 500_000],
    ['sorted by purchase date', { query: { statuses }, sort: [{ colId: 'purchaseDate', sort: 'desc' }] }],
    ['sorted by plate number', { query: {}, sort: [{ colId: 'plateNumber', sort: 'asc' }] }],
    ['quick search of a plate', { query: { quick: '示A109' } }],
    ['quick search of two characters (执法: item names, models, custodians)', { query: { quick: '执法' } }],
    ['one province subtree', { query: { agency: '110000', statuses } }],
    ['one county, sorted by purchase date', { query: { agency: county, statuses }, sort: [{ colId: 'purchaseDate', sort: 'desc' }] }],
    ['custodian contains', { query: { filters: { custodian: { filterType: 'text', type: 'contains', filter: '王' } } } }],
    ['replacement due by the end of the year', { query: { due: { kind: 'replacement', until: `${k.today.slice(0, 4)}-12-31` } } }],
  ];
  const bare = await timeItAsync(3, () => store.all(sql`select count(*) as n from assets`));
  const lines = [`bare: count(*) of all assets: ${k.fmt(bare, 1)} ms (median of 3)`];
  let worstPage = 0;
  let worstCount = 0;
  for (const [name, page, startRow = 0] of cases) {
    const rows = await timeItAsync(3, () => store.read((tx) => listAssets(tx, { ...page, startRow, endRow: startRow + 100, withTotal: false })));
    let total = 0;
    const count = await timeItAsync(3, async () => (total = await store.read((tx) => countAssets(tx, page.query))));
    worstPage = Math.max(worstPage, rows);
    worstCount = Math.max(worstCount, count);
    lines.push(`${name}: 100 rows ${k.fmt(rows, 1)} ms; count (${k.fmt(total)}) ${k.fmt(count, 1)} ms (medians of 3)`);
  }
  k.report(`${engine}: ledger over 1M assets: each block of rows within 100 ms, its count within 1 s`, lines, worstPage < 100 && worstCount < 1000);
}
