// Bundles Electron's main process (ESM) and preload (CommonJS, as sandboxed preloads must be).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = ['electron', ...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const isExternal = (id) => external.some((e) => id === e || id.startsWith(`${e}/`));

const common = { configFile: false, logLevel: 'warn', build: { outDir: 'dist/electron', emptyOutDir: false, target: 'node20', minify: false, ssr: true } };

await build({
  ...common,
  build: { ...common.build, rollupOptions: { input: 'electron/main/index.ts', external: isExternal, output: { format: 'es', entryFileNames: 'main.js' } } },
});
await build({
  ...common,
  build: { ...common.build, rollupOptions: { input: 'electron/preload/index.ts', external: ['electron'], output: { format: 'cjs', entryFileNames: 'preload.cjs' } } },
});
console.log('Electron main and preload built in dist/electron');
