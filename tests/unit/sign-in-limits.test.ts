import { describe, expect, it } from 'vitest';
import { MAX_TRACKED, SignInLimits } from '../../server/auth/sign-in-limits';

describe('sign-in limits', () => {
  it('remembers a bounded number of names and addresses however many are tried', async () => {
    const limits = new SignInLimits(() => 0);
    for (let i = 0; i < MAX_TRACKED + 5_000; i++) {
      const attempt = await limits.reserve(`name${i}`, `10.0.${i >> 8 & 255}.${i & 255}-${i}`);
      if (!('reason' in attempt)) attempt.failed();
    }
    expect(limits.tracked()).toEqual({ names: MAX_TRACKED, addresses: MAX_TRACKED });
  });

  it('takes back a right attempt, so a user who signs in is not slowed down by it', async () => {
    let now = 0;
    const limits = new SignInLimits(() => now);
    for (let i = 0; i < 20; i++) {
      const attempt = await limits.reserve('k1', '192.168.1.20');
      expect('reason' in attempt).toBe(false);
      if (!('reason' in attempt)) attempt.succeeded();
      now += 1;
    }
  });

  it('lets a whole bureau behind one address sign in at once, each waiting for the attempts before it', async () => {
    const limits = new SignInLimits();
    const check = async (name: string) => {
      const attempt = await limits.reserve(name, '10.33.0.1');
      if ('reason' in attempt) return attempt.reason;
      await new Promise((r) => setTimeout(r, 5)); // the password being checked
      attempt.succeeded();
      return 'signed in';
    };
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => check(`staff${i}`)));
    expect(outcomes).toEqual(Array(40).fill('signed in'));
  });

  it('still checks guesses sent together five at a time, then slows the address down', async () => {
    const limits = new SignInLimits();
    let checked = 0;
    const guess = async (i: number) => {
      const attempt = await limits.reserve(`name${i}`, '10.33.0.2');
      if ('reason' in attempt) return attempt.reason;
      checked++;
      await new Promise((r) => setTimeout(r, 5));
      attempt.failed();
      return 'wrong';
    };
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => guess(i)));
    expect(checked).toBe(5);
    expect(outcomes.filter((o) => o === 'address')).toHaveLength(35);
  });
});
