/** Failed sign-ins count for this long. */
export const FAILURE_WINDOW_MS = 15 * 60_000;
/** Failures of one name within the window lock it for the rest of the window. */
export const MAX_NAME_FAILURES = 5;
/** Failures from one address before each further attempt from it has to wait, twice as long each time. */
export const FREE_ADDRESS_FAILURES = 5;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = FAILURE_WINDOW_MS;
/** Names and addresses remembered at most; the least recently failed are forgotten first. */
export const MAX_TRACKED = 10_000;

/** Recent failure times per key, bounded in keys and in times per key. */
class FailureTimes {
  private readonly byKey = new Map<string, number[]>();

  constructor(private readonly maxPerKey: number) {}

  recent(key: string, t: number): number[] {
    const all = this.byKey.get(key);
    if (!all) return [];
    const live = all.filter((x) => t - x < FAILURE_WINDOW_MS);
    if (live.length === 0) this.byKey.delete(key);
    else if (live.length !== all.length) this.byKey.set(key, live);
    return live;
  }

  add(key: string, t: number): number {
    const list = [...this.recent(key, t), t].slice(-this.maxPerKey);
    this.byKey.delete(key); // re-inserted last: the map's order is the order of the latest failure
    this.byKey.set(key, list);
    for (const oldest of this.byKey.keys()) {
      if (this.byKey.size <= MAX_TRACKED) break;
      this.byKey.delete(oldest);
    }
    return list.length;
  }

  /** Takes back one failure recorded at `t` (an attempt that turned out right). */
  remove(key: string, t: number): void {
    const list = this.byKey.get(key);
    const i = list?.lastIndexOf(t) ?? -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.byKey.delete(key);
  }

  clear(key: string): void {
    this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }
}

export type Refusal = { reason: 'name' | 'address'; retryMs: number };

/** An attempt counted as failed until it is known to be right, so concurrent guesses cannot outrun the limit. */
export interface Attempt {
  /** The password was right: the attempt is taken back and the name's failures are forgotten. */
  succeeded(): void;
  /** The password was wrong; says whether this failure locked the name or started the address's back-off. */
  failed(): { locked: 'name' | 'address' | null };
}

/** Attempts from one address that may wait for others of it to be checked; more are refused at once. */
export const MAX_WAITING = 256;
/** How long an attempt waits for the others from its address before it is refused. */
const MAX_WAIT_MS = 30_000;

/**
 * Limits password guesses: five failures of one name within 15 minutes lock it for the rest of the
 * window; from one address, after five failures each further attempt waits twice as long as the
 * one before (1 s, 2 s, … at most 15 minutes), whatever names it tries.
 *
 * An attempt counts as failed until its password is checked. When the failures an address has are only
 * attempts still being checked, a further attempt waits for them rather than being refused: a bureau whose
 * whole staff reaches the provincial server through one address signs in at nine without being throttled,
 * while guesses sent together are still checked five at a time and then slowed down.
 */
export class SignInLimits {
  private readonly names = new FailureTimes(MAX_NAME_FAILURES);
  private readonly addresses = new FailureTimes(64);
  /** Attempts being checked, per address, and those waiting for them. */
  private readonly checking = new Map<string, { n: number; waiting: Set<() => void> }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Reserves an attempt before the password is checked, or says why it is refused. */
  async reserve(username: string, address: string): Promise<Attempt | Refusal> {
    const until = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const r = this.tryReserve(username, address);
      const busy = this.checking.get(address);
      if (!('reason' in r) || r.reason === 'name' || !busy || busy.waiting.size >= MAX_WAITING || Date.now() >= until) return r;
      await new Promise<void>((wake) => {
        const done = () => (clearTimeout(timer), busy.waiting.delete(done), wake());
        const timer = setTimeout(done, Math.max(0, until - Date.now()));
        busy.waiting.add(done);
      });
    }
  }

  private tryReserve(username: string, address: string): Attempt | Refusal {
    const t = this.now();
    const byName = this.names.recent(username, t);
    if (byName.length >= MAX_NAME_FAILURES) return { reason: 'name', retryMs: byName[0] + FAILURE_WINDOW_MS - t };
    const byAddress = this.addresses.recent(address, t);
    if (byAddress.length >= FREE_ADDRESS_FAILURES) {
      const wait = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (byAddress.length - FREE_ADDRESS_FAILURES));
      const next = byAddress[byAddress.length - 1] + wait;
      if (t < next) return { reason: 'address', retryMs: next - t };
    }
    const nameCount = this.names.add(username, t);
    const addressCount = this.addresses.add(address, t);
    const busy = this.checking.get(address) ?? { n: 0, waiting: new Set() };
    busy.n++;
    this.checking.set(address, busy);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      if (--busy.n === 0) this.checking.delete(address);
      for (const wake of [...busy.waiting]) wake();
    };
    return {
      succeeded: () => {
        this.names.clear(username);
        this.addresses.remove(address, t);
        settle();
      },
      failed: () => {
        settle();
        return { locked: nameCount === MAX_NAME_FAILURES ? 'name' : addressCount === FREE_ADDRESS_FAILURES ? 'address' : null };
      },
    };
  }

  /** How many names and addresses are remembered (bounded by MAX_TRACKED each). */
  tracked(): { names: number; addresses: number } {
    return { names: this.names.size, addresses: this.addresses.size };
  }
}
