import { describe, expect, it } from 'vitest';
import { KeyBurst } from '../../renderer/lib/scanner';
import { BATCH, nextBatch, type QueuedScan } from '../../renderer/scan/queue';

const typed = (burst: KeyBurst, code: string, gapMs: number, from = 1_000) => {
  [...code].forEach((ch, i) => burst.key(ch, from + i * gapMs));
  return from + code.length * gapMs;
};

describe('a USB scanner told from a person typing', () => {
  it('a code typed at a scanner pace and ended by Enter is a scan', () => {
    const burst = new KeyBurst();
    const end = typed(burst, '991101-S01-0001', 8);
    expect(burst.take(end)).toBe('991101-S01-0001');
  });

  it('one slow key in a scanner burst (the page busy for a moment) still leaves it a scan', () => {
    const burst = new KeyBurst();
    let at = typed(burst, '991101-S0', 8);
    at = typed(burst, '1-0001', 8, at + 120);
    expect(burst.take(at)).toBe('991101-S01-0001');
  });

  it("a person's quick typing, a stray key and Enter, or an Enter long after the keys, is not a scan", () => {
    const burst = new KeyBurst();
    expect(burst.take(typed(burst, 'S01-0001', 110))).toBeNull();
    expect(burst.take(typed(burst, 'ab', 5))).toBeNull();
    const end = typed(burst, 'S01-0001', 5);
    expect(burst.take(end + 400)).toBeNull();
  });

  it('keys after a pause start a new burst: the earlier ones are not glued onto the code', () => {
    const burst = new KeyBurst();
    typed(burst, 'xyz', 100);
    const end = typed(burst, 'S01-0001', 5, 10_000);
    expect(burst.take(end)).toBe('S01-0001');
  });
});

describe("the phone's queue sends scans in requests of one place each", () => {
  const scan = (n: number, over: Partial<QueuedScan> = {}): QueuedScan => ({ stocktakeId: 1, code: `T${n}`, clientId: `c${n}`, source: 'typed', ...over });

  it('the oldest scan\'s stocktake, place and source go together, in the order scanned; the rest wait', () => {
    const q = [scan(1), scan(2, { atAgency: '991102' }), scan(3), scan(4, { stocktakeId: 2 }), scan(5)];
    expect(nextBatch(q).map((s) => s.code)).toEqual(['T1', 'T3', 'T5']);
    expect(nextBatch([])).toEqual([]);
  });

  it('no request carries more than the contract accepts', () => {
    expect(nextBatch(Array.from({ length: BATCH + 20 }, (_, i) => scan(i)))).toHaveLength(BATCH);
  });
});
