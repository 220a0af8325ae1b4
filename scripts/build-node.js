// Bundles the node (the `hearth` CLI, server and engine worker) into out/node with esbuild, so `hearth` starts
// without compiling TypeScript on every run, in the main thread and again in each engine worker. Packages stay
// external (native addons load from node_modules) but for the few every command needs (BUNDLED_PACKAGES); each
// lazily imported part becomes its own chunk so
// `hearth --version` does not load the server, and `hearth ocr` does not load Express.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Packages bundled into the build rather than loaded from node_modules at run time, because every command
 * imports them: zod (the config and the API contract) loads as one bundled module in about half the time its
 * hundred files take through the ES module loader, and commander (CommonJS) no longer goes through the loader's
 * scan of CommonJS exports: together about 75 ms off every command's start.
 */
const BUNDLED_PACKAGES = ['zod', 'commander'];

/**
 * Leaves every package import external (native addons load from node_modules) except those named.
 * @param {string[]} bundled
 * @returns {import('esbuild').Plugin}
 */
function packagesExternalBut(bundled) {
  return {
    name: 'packages-external-but',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return bundled.includes(name) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true };
      });
    },
  };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'out', 'node');

rmSync(outdir, { recursive: true, force: true });
/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [packagesExternalBut(BUNDLED_PACKAGES)],
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  // Stack traces need the mappings only; the sources are in the checkout.
  sourcesContent: false,
  // Bundled CommonJS code calls require() for Node's own modules, which an ES module lacks.
  banner: { js: "import { createRequire as __hearthRequire } from 'node:module'; const require = __hearthRequire(import.meta.url);" },
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: {
    early: 'server/cli/earlyWorker.ts',
    cli: 'server/cli.ts',
    sessionThread: 'server/engine/gpu/sessionThread.ts',
    probe: 'server/engine/gpu/probeMain.ts',
  },
});
// The engine worker on its own: what it loads at start is one file rather than a couple of dozen chunks shared
// with the CLI, each resolved, read and linked by the ES module loader in every worker (its lazily loaded parts
// are still chunks of their own).
await build({ ...common, entryPoints: { worker: 'server/engine/worker.ts' }, chunkNames: 'chunks/worker-[name]-[hash]' });
