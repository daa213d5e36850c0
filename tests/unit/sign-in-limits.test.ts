import { describe, expect, it } from 'vitest';
import { MAX_TRACKED, SignInLimits } from '../../server/auth/sign-in-limits';

describe('sign-in limits', () => {
  it('remembers a bounded number of names and addresses however many are tried', () => {
    const limits = new SignInLimits(() => 0);
    for (let i = 0; i < MAX_TRACKED + 5_000; i++) {
      const attempt = limits.reserve(`name${i}`, `10.0.${i >> 8 & 255}.${i & 255}-${i}`);
      if (!('reason' in attempt)) attempt.failed();
    }
    expect(limits.tracked()).toEqual({ names: MAX_TRACKED, addresses: MAX_TRACKED });
  });

  it('takes back a right attempt, so a user who signs in is not slowed down by it', () => {
    let now = 0;
    const limits = new SignInLimits(() => now);
    for (let i = 0; i < 20; i++) {
      const attempt = limits.reserve('k1', '192.168.1.20');
      expect('reason' in attempt).toBe(false);
      if (!('reason' in attempt)) attempt.succeeded();
      now += 1;
    }
  });
});
