#!/usr/bin/env node
// The `hearth` command. Runs the bundle `npm run build` (and so `npm ci`) writes to out/node; where that is
// missing, or older than a source it was built from (server/, models/: a checkout being edited), it runs the
// sources through tsx instead, so `hearth` always runs the code in front of you.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out', 'node', 'cli.js');

/** Newest modification time of the .ts/.mjs/.json files under the source folders (0 in a packaged app). */
function newestSource() {
  let newest = 0;
  for (const dir of ['server', 'models'].map((d) => join(root, d)).filter((d) => existsSync(d))) {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !/\.(ts|mjs|json)$/.test(entry.name)) continue;
      newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource();
// earlyWorker first: `hearth ocr` boots its first engine worker while the rest of the CLI loads.
if (fresh) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(join(root, 'out', 'node', 'early.js')).href);
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli/earlyWorker.ts');
  await import('../server/cli.ts');
}
