/**
 * Simulated users against running servers over loopback HTTP: each signs in, then works in a loop
 * (80% ledger pages and overviews, 15% edits, 5% imports of 500 assets) with a pause between requests
 * as a person reading a screen makes; requests go to the servers in turn, as a load balancer sends them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { templateSheets, workbookBuffer } from '../excel/write';

export interface LoadOptions {
  /** The servers' base URLs (http://127.0.0.1:port/); requests are spread over them. */
  servers: string[];
  users: number;
  seconds: number;
  /** County managers' accounts (one password for all): user i signs in as the i-th, in turn, and works in its county. */
  accounts: readonly { username: string; county: string }[];
  password: string;
  /** Each county's asset ids, which its manager edits. */
  assetsOf: ReadonlyMap<string, readonly number[]>;
  /** The pause between one user's requests, ms (uniform in [min, max]). */
  thinkMs: [number, number];
  /** Tags of imported assets start with it; the edits write it into the custodian. */
  mark: string;
}

export interface LoadFigures {
  requests: number;
  errors: number;
  /** The first few error messages, for the operator. */
  errorSamples: string[];
  perSecond: number;
  latency: Record<'all' | 'page' | 'edit' | 'import', { n: number; p50: number; p95: number; p99: number }>;
  /** Edits and imported assets the servers reported as saved. */
  saved: { edits: number; imported: number };
}

type Kind = 'page' | 'edit' | 'import';

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);

function figures(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99) };
}

/** A deterministic random source, so two runs make the same requests. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

export async function post(base: string, name: string, input: unknown, cookie?: string): Promise<{ ok: boolean; value?: unknown; problems?: { message: string }[]; cookie?: string }> {
  const res = await fetch(`${base}api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(input),
  });
  const set = res.headers.get('set-cookie')?.split(';')[0];
  const body = (await res.json()) as { ok: boolean; value?: unknown; problems?: { message: string }[] };
  return { ...body, cookie: set };
}

const BIN = join(import.meta.dirname, '..', 'bin', 'eql.mjs');

export interface Served {
  base: string;
  stop: () => Promise<void>;
}

/** Starts `eql serve` with these arguments on a free loopback port. */
export function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (url) done({ base: url[1], stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => fail(new Error(`eql serve exited ${code}: ${out}`)));
  });
}

/** Signs a user in on a server; the session cookie, which every server of the same database accepts. */
export async function signIn(base: string, username: string, password: string): Promise<string> {
  const r = await post(base, 'auth/login', { username, password });
  if (!r.ok || !r.cookie) throw new Error(`sign-in failed: ${JSON.stringify(r.problems)}`);
  return r.cookie;
}

export async function runLoad(o: LoadOptions): Promise<LoadFigures> {
  const cookies: string[] = [];
  // Signed in a few at a time: each sign-in is a deliberate scrypt on the server.
  const account = (user: number) => o.accounts[user % o.accounts.length];
  for (let i = 0; i < o.users; i += 10) {
    cookies.push(...(await Promise.all(Array.from({ length: Math.min(10, o.users - i) }, (_, k) => signIn(o.servers[(i + k) % o.servers.length], account(i + k).username, o.password)))));
  }
  const latencies: Record<Kind, number[]> = { page: [], edit: [], import: [] };
  const errorSamples: string[] = [];
  let errors = 0;
  let edits = 0;
  let imported = 0;
  let imports = 0;
  let turn = 0;
  const started = performance.now();
  const end = started + o.seconds * 1000;

  const block = (k: number) => ({ startRow: 100 * k, endRow: 100 * k + 100 });
  const request = async (user: number, random: () => number): Promise<void> => {
    const base = o.servers[turn++ % o.servers.length];
    const roll = random();
    const kind: Kind = roll < 0.8 ? 'page' : roll < 0.95 ? 'edit' : 'import';
    const county = account(user).county;
    let name: string;
    let input: unknown;
    if (kind === 'page') {
      const which = random();
      if (which < 0.5) {
        name = 'assets/list';
        input = { query: random() < 0.5 ? { agency: county } : { quick: ['示', '执法', 'A1', '张'][Math.floor(random() * 4)] }, ...block(Math.floor(random() * 5)), withTotal: random() < 0.3 };
      } else if (which < 0.8) {
        name = 'overview/summary';
        input = {};
      } else {
        name = 'quotas/shortfall';
        input = { agency: county };
      }
    } else if (kind === 'edit') {
      name = 'assets/bulkUpdate';
      const ids = o.assetsOf.get(county)!;
      input = { ids: [ids[Math.floor(random() * ids.length)]], change: { custodian: `${o.mark}${user}` } };
    } else {
      const n = imports++;
      const assets = Array.from({ length: 500 }, (_, k) => ({
        assetTag: `${o.mark}${user}-${n}-${k}`, itemCode: 'S10', agencyCode: county, model: '执法记录仪 DSJ-V9', purchaseDate: '2025-03-01' as const,
        priceFen: 320_000, status: 'in_service' as const, custodian: null, plateNumber: null, odometerKm: null, calibrationValidUntil: null, notes: null, lost: false,
      }));
      name = 'imports/template';
      input = { fileName: `load-${user}-${n}.xlsx`, base64: workbookBuffer(templateSheets([], assets)).toString('base64') };
    }
    const t = performance.now();
    let r: Awaited<ReturnType<typeof post>>;
    try {
      r = await post(base, name, input, cookies[user]);
    } catch (e) {
      r = { ok: false, problems: [{ message: (e as Error).message }] };
    }
    latencies[kind].push(performance.now() - t);
    if (!r.ok) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(`${name}: ${r.problems?.map((p) => p.message).join('; ')}`);
    } else if (kind === 'edit') edits++;
    else if (kind === 'import') imported += (r.value as { assets: { created: number } }).assets.created;
  };

  await Promise.all(Array.from({ length: o.users }, async (_, user) => {
    const random = rng(1000 + user);
    // Users arrive spread over the first pause, not all in one instant.
    await new Promise((r) => setTimeout(r, random() * o.thinkMs[1]));
    while (performance.now() < end) {
      await request(user, random);
      await new Promise((r) => setTimeout(r, o.thinkMs[0] + random() * (o.thinkMs[1] - o.thinkMs[0])));
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const all = [...latencies.page, ...latencies.edit, ...latencies.import];
  return {
    requests: all.length,
    errors,
    errorSamples,
    perSecond: all.length / elapsed,
    latency: { all: figures(all), page: figures(latencies.page), edit: figures(latencies.edit), import: figures(latencies.import) },
    saved: { edits, imported },
  };
}
