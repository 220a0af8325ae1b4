// Hearth's engine in-process: createEngine as the node does (cache off), every image through engine.ocr with
// workers×2 in flight, timed after load and a short warm-up. With options.total it cycles the set that many
// times over and records RSS at checkpoints (the long-run memory check).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../server/engine';
import { cpuSeconds, pool, readJob, sinceProcessStart, writeReport, type ImageOutcome } from './protocol';

interface EngineOptions {
  /** Images to run in all (the set cycled); default: the set once. */
  total?: number;
  /** Completed-image counts at which to record RSS. */
  checkpoints?: number[];
  providers?: string[];
  workers?: number;
}

/** What the bare-session limit needs to rebuild this image's tensors: its size and its text boxes. */
export interface ImageShape {
  file: string;
  width: number;
  height: number;
  /** [width, height] of each recognised line's box. */
  lines: [number, number][];
}

const job = readJob();
const opts = (job.options ?? {}) as EngineOptions;
const engine = await createEngine({ workers: opts.workers ?? 0, queueDepth: 1000, cacheEntries: 0, providers: opts.providers ?? [] });
const loadS = sinceProcessStart();
const workers = engine.stats().workers;
const images = job.files.map((f) => new Uint8Array(readFileSync(join(job.dir, f))));

// Warm-up: one image per worker, so first-run allocations are not billed to the measured phase.
await Promise.all(images.slice(0, Math.max(1, workers)).map((img) => engine.ocr(img)));

const total = opts.total ?? images.length;
const order = Array.from({ length: total }, (_, i) => i % images.length);
const checkpoints = new Set(opts.checkpoints ?? []);
const rss: Record<string, number> = {};
const outcomes: ImageOutcome[] = [];
const shapes: ImageShape[] = [];
const seen = new Set<string>();
let completed = 0;
const t0 = performance.now();
const c0 = cpuSeconds();
await pool(order, workers * 2, async (idx) => {
  const file = job.files[idx];
  const s = performance.now();
  try {
    const r = await engine.ocr(images[idx]);
    const ms = performance.now() - s;
    // Keep texts and shapes of each file's first answer only: later passes are the same images again.
    if (!seen.has(file)) {
      seen.add(file);
      outcomes.push({ file, ms, text: r.text });
      shapes.push({
        file,
        width: r.width,
        height: r.height,
        lines: r.lines.map((l) => {
          const [p0, p1, , p3] = l.box;
          return [Math.hypot(p1[0] - p0[0], p1[1] - p0[1]), Math.hypot(p3[0] - p0[0], p3[1] - p0[1])];
        }),
      });
    } else outcomes.push({ file: `${file}#${completed}`, ms });
  } catch (err) {
    outcomes.push({ file, ms: performance.now() - s, error: (err as Error).message });
  }
  completed++;
  if (checkpoints.has(completed)) rss[String(completed)] = process.memoryUsage().rss / 2 ** 20;
});
const measuredS = (performance.now() - t0) / 1000;
const measuredCpuS = cpuSeconds() - c0;
const stats = engine.stats();
const providers = engine.providers;
await engine.close();
writeReport(job, {
  loadS,
  measuredS,
  measuredCpuS,
  outcomes,
  extra: { workers, providers, stats, rss, shapes },
});
