// Builds the three Electron targets into out/: main (ESM), preload (CommonJS: a sandboxed preload cannot be ESM)
// and the React console, which `hearth serve` also serves to browsers at `/` (hence the relative base).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CSP_META } from './main/csp';

/** The built console carries the CSP as a meta tag so LAN browsers get the window's policy (build only: the
 * dev server injects inline scripts for hot reload). */

function cspMeta(): Plugin {
  return {
    name: 'hearth-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { index: resolve('main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve('main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    base: './',
    plugins: [react(), cspMeta()],
    build: {
      outDir: resolve('out/renderer'),
      // Served to browsers over the LAN, so it is worth the extra second.
      minify: true,
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
