import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSP } from '../../lib/csp';

const directives = (policy: string) => policy.split(';').map((d) => d.trim()).filter(Boolean);

describe('the Content-Security-Policy', () => {
  it('allows no frames, no form posts and no framing of the page', () => {
    expect(directives(CSP)).toEqual(expect.arrayContaining(["frame-src 'none'", "form-action 'none'", "frame-ancestors 'none'", "object-src 'none'"]));
  });

  it('is the same in the page itself, less what a meta tag cannot carry', () => {
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync('renderer/index.html', 'utf8'))![1];
    expect(directives(meta)).toEqual(directives(CSP).filter((d) => !d.startsWith('frame-ancestors')));
  });
});
