// The bare limit: the engine's three ONNX sessions (det, cls, rec) run back to back on pre-made tensors of
// the shapes the real pipeline produced for each image — no decoding, no pre/post-processing — with the
// engine's worker count and threads per worker, so "in-process ÷ bare" is the engine's own overhead.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { DETECT_DEFAULTS, detectorInputSize } from '../../server/engine/ocr/detector';
import { loadOcrModels, OCR_DEFAULTS, type OcrSession } from '../../server/engine/ocr/pipeline';
import type { ImageShape } from './hearthEngine';
import { cpuSeconds, readJob, sinceProcessStart, writeReport, type ImageOutcome } from './protocol';

/** The tensors one image costs: det input [h, w], cls batches (crops per run), rec runs ([crops, width]). */
export interface BareImage {
  file: string;
  det: [number, number];
  cls: number[];
  rec: [number, number][];
}

export interface BareOptions {
  workers: number;
  threads: number;
  /** The providers the engine actually ran in the in-process run (e.g. ['cpu']). */
  providers: string[];
  /** What the in-process run saw per image; turned into tensor shapes by the engine's own rules. */
  shapes: ImageShape[];
  /** Times to run the set over. */
  passes: number;
}

interface WorkerOptions {
  threads: number;
  providers: string[];
  images: BareImage[];
}

const CLS_BATCH = 8;

type ToWorker = { kind: 'run'; index: number } | { kind: 'stop' };
type FromWorker = { kind: 'ready'; provider: string } | { kind: 'done'; index: number; ms: number } | { kind: 'error'; message: string };

const CLS_SHAPE = [48, 192] as const;
const REC_HEIGHT = 48;
const REC_BASE_WIDTH = 320;

/**
 * The tensors the pipeline builds for one image, by the engine's rules (server/engine/ocr): detector input
 * size from the detector itself; classifier batches of 8 crops at 48×192; recognition crops sorted by aspect,
 * OCR_DEFAULTS.recBatch per run (0 = 1 on cpu, 8 elsewhere, as runOcr decides), padded to 320 wide when
 * recPad is on. Lines the engine dropped (low confidence) are not counted, so the limit errs on the fast side.
 */
export function bareImage(shape: ImageShape, provider: string): BareImage {
  const det = detectorInputSize(shape.width, shape.height, DETECT_DEFAULTS);
  const n = shape.lines.length;
  const cls = Array.from({ length: Math.ceil(n / CLS_BATCH) }, (_, i) => Math.min(CLS_BATCH, n - i * CLS_BATCH));
  const ratios = shape.lines.map(([w, h]) => w / Math.max(1, h)).sort((a, b) => a - b);
  const batch = Math.max(1, OCR_DEFAULTS.recBatch || (provider === 'cpu' ? 1 : 8));
  const minRatio = OCR_DEFAULTS.recPad === false ? 0 : REC_BASE_WIDTH / REC_HEIGHT;
  const rec: [number, number][] = [];
  for (let start = 0; start < ratios.length; start += batch) {
    const group = ratios.slice(start, start + batch);
    rec.push([group.length, Math.ceil(REC_HEIGHT * Math.max(minRatio, ...group))]);
  }
  return { file: shape.file, det: [det.height, det.width], cls, rec };
}

async function workerMain(): Promise<void> {
  const opts = workerData as WorkerOptions;
  const port = parentPort;
  if (!port) return;
  // The engine's own sessions (same models, same rewrites, same options), so the limit is the engine's.
  const models = await loadOcrModels({ providers: opts.providers, threads: opts.threads });
  const { det, rec, providers } = models;
  const cls = await models.cls();
  // One buffer big enough for the largest input; each run wraps a view of it (no copy, no allocation).
  let largest = 0;
  for (const img of opts.images) {
    largest = Math.max(largest, 3 * img.det[0] * img.det[1]);
    for (const b of img.cls) largest = Math.max(largest, b * 3 * CLS_SHAPE[0] * CLS_SHAPE[1]);
    for (const [b, w] of img.rec) largest = Math.max(largest, b * 3 * REC_HEIGHT * w);
  }
  const buffer = new Float32Array(largest);
  for (let i = 0; i < buffer.length; i++) buffer[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  const tensor = (dims: number[]): ort.Tensor =>
    new ort.Tensor(
      'float32',
      buffer.subarray(
        0,
        dims.reduce((a, b) => a * b, 1),
      ),
      dims,
    );
  const runOne = async (s: OcrSession, dims: number[]): Promise<void> => {
    const out = await s.run({ [s.inputNames[0]]: tensor(dims) });
    for (const t of Object.values(out)) t.dispose();
  };
  const runImage = async (img: BareImage): Promise<void> => {
    await runOne(det, [1, 3, img.det[0], img.det[1]]);
    for (const b of img.cls) await runOne(cls, [b, 3, CLS_SHAPE[0], CLS_SHAPE[1]]);
    for (const [b, w] of img.rec) await runOne(rec, [b, 3, REC_HEIGHT, w]);
  };
  // Warm-up on the first image so first-run allocations do not count.
  if (opts.images[0]) await runImage(opts.images[0]);
  port.postMessage({ kind: 'ready', provider: providers[0] } satisfies FromWorker);
  port.on('message', (msg: ToWorker) => {
    if (msg.kind === 'stop') {
      port.close();
      return;
    }
    const s = performance.now();
    runImage(opts.images[msg.index]).then(
      () => port.postMessage({ kind: 'done', index: msg.index, ms: performance.now() - s } satisfies FromWorker),
      (err: unknown) => port.postMessage({ kind: 'error', message: (err as Error).message } satisfies FromWorker),
    );
  });
}

async function main(): Promise<void> {
  const job = readJob();
  const bare = job.options as unknown as BareOptions;
  // The recognition batch depends on where rec runs; the engine reported that provider in its in-process run.
  const provider = bare.providers[0] ?? 'cpu';
  const opts: WorkerOptions = {
    threads: bare.threads,
    providers: bare.providers,
    images: bare.shapes.map((shape) => bareImage(shape, provider)),
  };
  // Workers need tsx's loader too: a plain-JS bootstrap registers it, then imports this file.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const workers = Array.from({ length: bare.workers }, () => new Worker(boot, { eval: true, workerData: opts }));
  const providers = new Set<string>();
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('error', reject);
          w.once('message', (m: FromWorker) => {
            if (m.kind === 'ready') {
              providers.add(m.provider);
              resolve();
            } else reject(new Error(m.kind === 'error' ? m.message : 'unexpected message'));
          });
        }),
    ),
  );
  const loadS = sinceProcessStart();
  const outcomes: ImageOutcome[] = [];
  let next = 0;
  const t0 = performance.now();
  const c0 = cpuSeconds();
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const feed = (): void => {
            if (next >= opts.images.length * bare.passes) return resolve();
            w.postMessage({ kind: 'run', index: next++ % opts.images.length } satisfies ToWorker);
          };
          w.on('message', (m: FromWorker) => {
            if (m.kind === 'done') {
              outcomes.push({ file: opts.images[m.index].file, ms: m.ms });
              feed();
            } else if (m.kind === 'error') reject(new Error(m.message));
          });
          feed();
        }),
    ),
  );
  const measuredS = (performance.now() - t0) / 1000;
  const measuredCpuS = cpuSeconds() - c0;
  for (const w of workers) w.postMessage({ kind: 'stop' } satisfies ToWorker);
  await Promise.all(workers.map((w) => w.terminate()));
  const crops = opts.images.reduce((sum, img) => sum + img.rec.reduce((a, [b]) => a + b, 0), 0);
  writeReport(job, { loadS, measuredS, measuredCpuS, outcomes, extra: { providers: [...providers], crops } });
}

if (isMainThread) await main();
else await workerMain();
