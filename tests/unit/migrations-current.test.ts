import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../fixtures/factories';

const root = resolve(import.meta.dirname, '../..');

/** What drizzle-kit would write for a schema beside a copy of its committed chain: nothing, when the chain is current. */
function pending(dialect: 'sqlite' | 'postgresql', schema: string, chain: string): string[] {
  const dir = tempDir();
  cpSync(join(root, chain), join(dir, 'out'), { recursive: true });
  execFileSync(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--dialect', dialect, '--schema', join(root, schema), '--out', 'out'], { cwd: dir, stdio: 'pipe' });
  const before = new Set(readdirSync(join(root, chain)));
  return readdirSync(join(dir, 'out')).filter((f) => !before.has(f));
}

it('both migration chains are current with the schema (a table or column changed without `npm run db:generate` fails here)', { timeout: 60_000 }, () => {
  expect(pending('sqlite', 'db/schema/index.ts', 'db/migrations')).toEqual([]);
  expect(pending('postgresql', 'db/schema-pg.ts', 'db/migrations-pg')).toEqual([]);
});
