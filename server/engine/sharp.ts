// sharp (libvips), as every part of the node uses it. Loaded through require: its ES module entry brings in
// semver's 47 CommonJS files through the ES module loader, which made loading sharp the largest part of an
// engine worker's start; its CommonJS build is the same code at a third of the cost (0.12 against 0.32 CPU s).
import { createRequire } from 'node:module';
import type sharpModule from 'sharp';

export type { Sharp } from 'sharp';

export const sharp = createRequire(import.meta.url)('sharp') as typeof sharpModule;

// Each sharp call in a worker would otherwise spread over every core; the scheduler already runs one
// image per core, so one libvips thread per pipeline keeps workers from fighting.
sharp.concurrency(1);
sharp.cache(false);
