import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; optional?: boolean; dev?: boolean; engines?: { node?: string } }> };

describe('installing on a machine that reaches only the npm registry', () => {
  it('keeps Electron optional, so a binary that cannot be downloaded leaves the browser mode instead of failing the install', () => {
    expect(pkg.optionalDependencies?.electron).toBeTruthy();
    expect(pkg.dependencies?.electron).toBeUndefined();
    expect(pkg.devDependencies?.electron).toBeUndefined();
  });

  it('installs no package that needs its own download host, like electron-builder’s rebuild tools', () => {
    const fromGit = Object.entries(lock.packages).filter(([, p]) => /^(git|https?):/.test((p as { resolved?: string }).resolved ?? '') && !(p as { resolved?: string }).resolved!.startsWith('https://registry.npmjs.org/'));
    expect(fromGit.map(([name]) => name)).toEqual([]);
  });

  it('asks for a Node.js version that every installed package accepts', () => {
    const range = pkg.engines.node as string;
    // The lowest version of each line the range allows (20.19.0, 22.13.0, 24.0.0).
    const lowest = range.split('||').map((part) => semver.minVersion(part.trim())!.version);
    expect(lowest.length).toBeGreaterThan(0);
    expect(semver.satisfies('20.18.0', range)).toBe(false);
    const refused = Object.entries(lock.packages)
      .filter(([name, p]) => name && !p.optional && p.engines?.node)
      .flatMap(([name, p]) => lowest.filter((v) => !semver.satisfies(v, p.engines!.node!)).map((v) => `${name} (${p.engines!.node}) refuses ${v}`));
    expect(refused).toEqual([]);
  });

  it('approves the install scripts the app needs, which npm 12 skips unless package.json allows them (better-sqlite3’s native build, Electron’s binary)', () => {
    const lockAll = lock as { packages: Record<string, { hasInstallScript?: boolean }> };
    const scripted = [...new Set(Object.entries(lockAll.packages).filter(([, p]) => p.hasInstallScript).map(([path]) => path.split('node_modules/').pop()!))];
    expect(scripted).toContain('better-sqlite3');
    expect(scripted.filter((name) => pkg.allowScripts?.[name] !== true)).toEqual([]);
  });

  it('says in the README the Node.js versions package.json asks for', () => {
    const lines = (pkg.engines.node as string).split('||').map((part) => semver.minVersion(part.trim())!).map((v) => `${v.major}${v.minor ? `.${v.minor}` : ''}+`);
    expect(readFileSync('README.md', 'utf8')).toContain(`Node.js ${lines.slice(0, -1).join(', ')} or ${lines.at(-1)}`);
  });
});
