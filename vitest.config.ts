import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './tests/summary-reporter.ts'],
  },
});
