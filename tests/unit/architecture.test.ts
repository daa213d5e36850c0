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

/** The imports of `folder` that reach one of `forbidden` (top-level folders). */
function reaching(folder: string, forbidden: readonly string[]): string[] {
  const violations: string[] = [];
  for (const file of sources(join(ROOT, folder))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
      const target = relative(ROOT, resolve(dirname(file), m[1])).split(/[\\/]/)[0];
      if (forbidden.includes(target)) violations.push(`${relative(ROOT, file)} -> ${m[1]}`);
    }
  }
  return violations;
}

describe('import direction', () => {
  it('pure domain folders import nothing from db, server, electron or renderer', () => {
    expect(PURE.flatMap((folder) => reaching(folder, FORBIDDEN))).toEqual([]);
  });

  it('the storage layer knows no contract and no spreadsheet; spreadsheets and helpers know no contract', () => {
    expect(reaching('db', ['api', 'excel', 'server'])).toEqual([]);
    expect([...reaching('excel', ['api']), ...reaching('lib', ['api'])]).toEqual([]);
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
