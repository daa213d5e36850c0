/**
 * The layering of README "Layout", checked in `npm test` (npm run lint:layers): which folder may import which.
 * A rule names what must never be imported; anything not forbidden is allowed.
 */
const PURE = '^(quotas|dispatch|excel|print|lib)/';
const STORAGE_PACKAGES = 'node_modules/(better-sqlite3|pg|kysely|drizzle-orm|electron)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module that needs itself back through another is one module, or two with the wrong seam.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-domain',
      severity: 'error',
      comment: 'quotas/, dispatch/, excel/ and lib/ are pure: plain data in and out, no storage, no server, no window.',
      from: { path: PURE },
      to: { path: ['^(db|server|electron|renderer|cli|bench)/', STORAGE_PACKAGES] },
    },
    {
      name: 'helpers-know-no-contract',
      severity: 'error',
      comment: 'The contract is built on lib/ and excel/, never the other way.',
      from: { path: '^(excel|print|lib)/' },
      to: { path: '^api/' },
    },
    {
      name: 'storage-knows-no-contract',
      severity: 'error',
      comment: 'db/ is the storage layer: it knows no contract, no spreadsheet and nothing above it.',
      from: { path: '^db/' },
      to: { path: '^(api|excel|server|electron|renderer|cli|bench)/' },
    },
    {
      name: 'contract-is-declarations',
      severity: 'error',
      comment: 'api/ declares operations; it reaches no storage and no transport.',
      from: { path: '^api/' },
      to: { path: ['^(db|server|electron|renderer|cli|bench)/', STORAGE_PACKAGES] },
    },
    {
      name: 'renderer-through-the-contract',
      severity: 'error',
      comment: 'The window talks to the backend only through api/; it imports no node, storage or server code, and of excel/ only the names of the formats it offers.',
      from: { path: '^renderer/' },
      to: { path: ['^(db|server|electron|cli|bench|quotas|dispatch|print)/', '^excel/(?!formats[.]ts$)', STORAGE_PACKAGES] },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'transports-through-server',
      severity: 'error',
      comment: 'eql and the desktop app reach a ledger only through server/ (the dispatcher, server/ledger.ts).',
      from: { path: '^(cli|electron)/' },
      to: { path: '^db/' },
    },
    {
      name: 'server-ships-no-bench-or-tests',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^(bench|tests|renderer|electron|cli)/' },
    },
    {
      name: 'bench-runs-no-e2e',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^tests/e2e/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|tests)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
