import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PURE = ['quotas', 'dispatch', 'excel', 'lib'];
const FORBIDDEN = ['db', 'server', 'electron', 'renderer'];

function sources(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(sources(p));
    else if (/\.tsx?$/.test(n)) out.push(p);
  }
  return out;
}

describe('import direction', () => {
  it('pure domain folders import nothing from db, server, electron or renderer', () => {
    const violations: string[] = [];
    for (const folder of PURE) {
      for (const file of sources(join(ROOT, folder))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
          const target = relative(ROOT, resolve(dirname(file), m[1])).split(/[\\/]/)[0];
          if (FORBIDDEN.includes(target)) violations.push(`${relative(ROOT, file)} -> ${m[1]}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('the CLI and Electron reach the ledger through server/, which ships no bench or test code, and bench runs no e2e code', () => {
    const never: [string, string[]][] = [['cli', ['db']], ['electron', ['db']], ['server', ['bench', 'tests']], ['bench', ['tests/e2e']]];
    const violations: string[] = [];
    for (const [folder, targets] of never) {
      for (const file of sources(join(ROOT, folder))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
          const target = relative(ROOT, resolve(dirname(file), m[1])).split(/[\\/]/).join('/');
          if (targets.some((t) => target === t || target.startsWith(`${t}/`))) violations.push(`${relative(ROOT, file)} -> ${m[1]}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
