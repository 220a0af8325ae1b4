// Bundles the node (the `hearth` CLI, server and engine worker) into out/node with esbuild, so `hearth` starts
// without compiling TypeScript on every run, in the main thread and again in each engine worker. Packages stay
// external (native addons load from node_modules); each lazily imported part becomes its own chunk so
// `hearth --version` does not load the server, and `hearth ocr` does not load Express.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'out', 'node');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    early: 'server/cli/earlyWorker.ts',
    cli: 'server/cli.ts',
    worker: 'server/engine/worker.ts',
    sessionThread: 'server/engine/gpu/sessionThread.ts',
    probe: 'server/engine/gpu/probeMain.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
});
