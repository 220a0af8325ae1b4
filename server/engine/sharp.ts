// sharp (libvips), as every part of the node uses it. Loaded through require: its ES module entry brings in
// semver's 47 CommonJS files through the ES module loader, which made loading sharp the largest part of an
// engine worker's start; its CommonJS build is the same code at a third of the cost (0.12 against 0.32 CPU s).
// Loaded on first use, not with the module: a worker booted ahead of its start loads it while it waits (60-100 ms
// its first image then does not pay), and a thread that never touches pixels never loads it.
import { createRequire } from 'node:module';
import type sharpModule from 'sharp';

export type { Sharp } from 'sharp';

let loaded: typeof sharpModule | undefined;

/** sharp's module, loaded and configured once per thread. */
export function loadSharp(): typeof sharpModule {
  if (!loaded) {
    loaded = createRequire(import.meta.url)('sharp') as typeof sharpModule;
    // Each sharp call in a worker would otherwise spread over every core; the scheduler already runs one
    // image per core, so one libvips thread per pipeline keeps workers from fighting.
    loaded.concurrency(1);
    loaded.cache(false);
  }
  return loaded;
}

/** sharp(input, options), as the package's own default export is called. */
export function sharp(...args: Parameters<typeof sharpModule>): ReturnType<typeof sharpModule> {
  return loadSharp()(...args);
}
