// Bundles Electron's main process (ESM) and preload (CommonJS, as sandboxed preloads must be).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = ['electron', ...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const isExternal = (id) => external.some((e) => id === e || id.startsWith(`${e}/`));
const isBuiltin = (id) => id === 'electron' || builtinModules.includes(id.replace(/^node:/, '')) || id.startsWith('node:');

const common = { configFile: false, logLevel: 'warn', build: { outDir: 'dist/electron', emptyOutDir: false, target: 'node20', minify: false, ssr: true } };

await build({
  ...common,
  build: { ...common.build, rollupOptions: { input: 'electron/main/index.ts', external: isExternal, output: { format: 'es', entryFileNames: 'main.js' } } },
});
await build({
  ...common,
  build: { ...common.build, rollupOptions: { input: 'electron/preload/index.ts', external: ['electron'], output: { format: 'cjs', entryFileNames: 'preload.cjs' } } },
});
// The workbook parser runs in a worker thread (excel/workbook.ts): one self-contained .mjs, SheetJS
// included, unpacked from the asar (electron-builder.yml) so the worker can load it like any file.
await build({
  ...common,
  ssr: { noExternal: true },
  build: { ...common.build, rollupOptions: { input: 'excel/workbook-worker.ts', external: isBuiltin, output: { format: 'es', entryFileNames: 'workbook-worker.mjs', codeSplitting: false } } },
});
// The solver runs in a worker thread too (lib/solver.ts). HiGHS stays outside the bundle: it loads
// its highs.wasm from beside its own script, so the worker imports it from node_modules, which
// electron-builder.yml unpacks from the asar with the worker.
await build({
  ...common,
  ssr: { noExternal: true },
  build: { ...common.build, rollupOptions: { input: 'lib/solver-worker.ts', external: (id) => isBuiltin(id) || id === 'highs', output: { format: 'es', entryFileNames: 'solver-worker.mjs', codeSplitting: false } } },
});
console.log('Electron main, preload, the workbook worker and the solver worker built in dist/electron');
