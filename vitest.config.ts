import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * The integration tests written on the engine-neutral fixture (tests/fixtures/engine.ts) run twice: on an
 * embedded ledger file and, in the `postgres` project, on the provincial database. The others test what
 * only one engine has (a file's lock, backups, its kill safety; the provincial database's fail-over).
 */
const neutral = readdirSync('tests/integration')
  .filter((f) => f.endsWith('.test.ts') && /from '\.\.\/fixtures\/engine'/.test(readFileSync(`tests/integration/${f}`, 'utf8')))
  .map((f) => `tests/integration/${f}`);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './tests/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: neutral, env: { EQL_TEST_ENGINE: 'postgres' } } },
    ],
  },
});
