// Where Hearth's own files are. The same code runs from the TypeScript sources (server/) and from the bundle
// `npm run build` writes to out/node/, so paths are taken from the package root rather than from this file.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}: Hearth's files are incomplete; reinstall it`);
  }
}

/** The folder holding Hearth's package.json. */
export const APP_ROOT = packageRoot();

/** The bundled node (CLI, server and engine worker), built by `npm run build`. */
export const NODE_BUNDLE_DIR = join(APP_ROOT, 'out', 'node');
