import { afterEach, describe, expect, it, vi } from 'vitest';
import { internalProblem } from '../../server/internal-error';

afterEach(() => vi.restoreAllMocks());

describe('an unexpected error, as the caller sees it', () => {
  it('says 内部错误 with a reference, never the error\'s own text, which stays in the log under that reference', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const secret = new Error('relation "users" column password_hash at /srv/eql/ledger.db');
    const { message } = internalProblem('assets/update', secret);
    const ref = /编号 ([0-9a-f]{8})/.exec(message)?.[1];
    expect(message.startsWith('内部错误')).toBe(true);
    expect(ref).toBeDefined();
    expect(message).not.toMatch(/password|users|srv|ledger/);
    expect(logged).toHaveBeenCalledWith(`[assets/update] ${ref}`, secret);
    expect(internalProblem('assets/update', secret).message).not.toBe(message);
  });
});
