import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    // The ledger, and the phone page /scan (served by the same host, signed in with the same session).
    rollupOptions: { input: { main: fileURLToPath(new URL('renderer/index.html', import.meta.url)), scan: fileURLToPath(new URL('renderer/scan.html', import.meta.url)) } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:5180' } },
});
