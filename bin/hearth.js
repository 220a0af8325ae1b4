#!/usr/bin/env node
// The `hearth` command. Runs the bundle `npm run build` (and so `npm ci`) writes to out/node; where that is
// missing, or older than a TypeScript source under server/ (a checkout being edited), it runs the sources
// through tsx instead, so `hearth` always runs the code in front of you.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out', 'node', 'cli.js');

/** Newest modification time of the .ts/.mjs files under dir (0 when there are none, as in a packaged app). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(ts|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

const sources = join(root, 'server');
const fresh = existsSync(bundle) && (!existsSync(sources) || statSync(bundle).mtimeMs >= newestSource(sources));
if (fresh) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli.ts');
}
