// The engine every caller (API, jobs, GUI, CLI) goes through: worker threads that each hold their own ONNX
// sessions, a scheduler with back-pressure and a bulk lane, and a result cache by content hash.
import { availableParallelism } from 'node:os';
import { AppError } from '../appError';
import type { LayoutMode, OcrResult } from '../contract/ocr';
import { createLogger } from '../logger';
import { imagePixels, PIXEL_BUDGET } from './imageSize';
import { clock, recordSpan } from '../startupTimings';
import { startGpuSessions } from './gpu/sessionHost';
import { choiceLine } from './providers';
import { ResultCache, contentKey } from './resultCache';
import { Scheduler } from './scheduler';
import type { TaskName, TaskPayload, TaskResult } from './tasks';
import type { TaskContext } from './tasks/types';
import { WorkerThread } from './workerThread';
import { DEFAULT_PDF_DPI } from './pdf/pdfDocument';

export interface EngineStats {
  workers: number;
  queued: number;
  inFlight: number;
  processed: number;
  cacheHits: number;
  cacheMisses: number;
}

export interface Engine {
  /** Providers actually running on the workers ready so far, best first, e.g. ['cpu']. */
  readonly providers: string[];
  ocr(image: Uint8Array, opts?: OcrCallOptions): Promise<OcrResult>;
  /** Checks a PDF (encrypted, damaged, page-count bomb answer AppErrors) and counts its pages. */
  pdfPages(pdf: Uint8Array, opts?: { bulk?: boolean }): Promise<number>;
  /** One page (1-based) of a PDF: its text layer when it has one, else OCR of the page drawn at the PDF DPI. */
  ocrPdfPage(pdf: Uint8Array, page: number, opts?: OcrCallOptions): Promise<OcrResult>;
  /** A task from the worker task table (classify, infer, ...), through the same scheduler and back-pressure. */
  run<T extends TaskName>(task: T, payload: TaskPayload<T>, opts?: { bulk?: boolean }): Promise<TaskResult<T>>;
  /** A task on every worker at once, outside the queue (loading or releasing a model's sessions); one result per worker. */
  broadcast<T extends TaskName>(task: T, payload: TaskPayload<T>): Promise<TaskResult<T>[]>;
  stats(): EngineStats;
  close(): Promise<void>;
}

/** What a caller may tune per image; everything else is the engine's own choice. */
export interface OcrCallOptions {
  /** Queue behind interactive work (folder jobs). */
  bulk?: boolean;
  /** Layout for this image; the engine's own setting when absent. */
  layout?: LayoutMode;
  /** False: the recogniser's reading without look-alike corrections. */
  lookAlikes?: boolean;
  /** Longer side of the detector's first pass (default 960); larger finds smaller print on big images, slower. */
  limitSide?: number;
}

export interface EngineOptions {
  /** Worker threads; 0 = one per core. */
  workers: number;
  /** ONNX intra-op threads per worker; 0 or absent = the cores shared out among the workers. */
  threadsPerWorker?: number;
  /** Interactive tasks allowed to wait beyond the busy workers before ocr()/run() answer queue_full. */
  queueDepth: number;
  /** OCR results kept by content hash; 0 disables the cache. */
  cacheEntries: number;
  /** Execution providers, best first: a GPU provider first runs the OCR graphs in one session thread; empty = cpu. */
  providers: string[];
  /**
   * Where workers keep the rewritten and optimised model graphs between starts (normally <data>/cache/models);
   * absent = every start rewrites the graphs again.
   */
  cacheDir?: string;
  /** A worker thread booted ahead of time (prestart.ts): the engine makes it its first worker. */
  prestarted?: WorkerThread;
  /** Aborting it while the engine starts stops the workers (at once where they have not begun loading) and rejects. */
  signal?: AbortSignal;
  /** Layout of OCR results when a call names none; read at every call, so a changed setting applies at once. */
  layout?: LayoutMode | (() => LayoutMode);
  /** Dots per inch PDF pages without a text layer are drawn at for OCR (default 200). */
  pdfDpi?: number;
  /** Why these providers (the measured choice's words), for the one line that says what runs. */
  why?: string;
}

const log = createLogger('engine');

/** Intra-op threads per worker: the cores shared out so that workers do not fight (at least 1). */
export function threadsPerWorker(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / workers));
}

/** A cached or shared result as this request sees it: flagged, and no engine time spent on it. */
function reusedCopy(result: OcrResult): OcrResult {
  return { ...structuredClone(result), ms: 0, reused: true };
}

const stoppedWhileStarting = (): AppError => new AppError('shutting_down', 503, 'the engine was stopped while it started');

/**
 * Starts the workers and resolves as soon as the first one has its models: it takes tasks while the others
 * are still loading, and each of those joins when ready. Fails only when no worker can start.
 */
export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const startedAt = clock();
  const cores = availableParallelism();
  const count = opts.workers > 0 ? opts.workers : cores;
  // Workers keep their own sessions on the CPU; on a GPU the OCR graphs run in one session thread for all of them.
  const ctx: TaskContext = {
    providers: ['cpu'],
    threads: opts.threadsPerWorker || threadsPerWorker(count, cores),
    cacheDir: opts.cacheDir,
  };
  const gpu = await startGpuSessions(opts.providers[0]);
  // Each worker gets its own port to the GPU's session thread; the graphs of imported models stay on the CPU.
  const contextFor = (): TaskContext => (gpu ? { ...ctx, gpu: { provider: gpu.provider, names: gpu.names, port: gpu.connect() } } : ctx);
  let closing = false;
  const threads: WorkerThread[] = [];
  const scheduler = new Scheduler(() => threads, opts.queueDepth, PIXEL_BUDGET);
  let early = opts.prestarted;
  const spawn = (index: number): WorkerThread => {
    const t = early ?? new WorkerThread();
    early = undefined;
    t.onExit = onExit;
    t.start({ ...contextFor(), label: `worker ${index + 1}` });
    return t;
  };

  const onExit = (dead: WorkerThread, code: number): void => {
    const at = threads.indexOf(dead);
    if (closing || at < 0) return;
    // A worker that dies (native crash, out of memory) is replaced so the engine keeps its width.
    log.error('engine worker exited; starting a new one', { code });
    const fresh = spawn(at);
    threads[at] = fresh;
    fresh.ready.then(
      () => scheduler.pump(),
      (err: unknown) => log.error('replacement engine worker failed to start', { reason: String((err as Error)?.message ?? err) }),
    );
  };

  for (let i = 0; i < count; i++) threads.push(spawn(i));
  const abort = (): void => {
    closing = true;
    void Promise.all(threads.map((t) => t.terminate()));
  };
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    await Promise.any(threads.map((t) => t.ready));
  } catch (err) {
    closing = true;
    await Promise.all(threads.map((t) => t.terminate()));
    await gpu?.close();
    if (opts.signal?.aborted) throw stoppedWhileStarting();
    throw err instanceof AggregateError ? err.errors[0] : err;
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
  if (closing) {
    // Aborted just as the first worker came up.
    await Promise.all(threads.map((t) => t.terminate()));
    throw stoppedWhileStarting();
  }
  recordSpan('engine start → first worker ready', startedAt);
  for (const t of [...threads]) {
    t.ready.then(
      () => scheduler.pump(),
      (err: unknown) => {
        if (closing || !threads.includes(t)) return;
        // The engine runs narrower rather than not at all; the log says why.
        log.error('an engine worker failed to start; running with fewer', { reason: String((err as Error)?.message ?? err) });
        threads.splice(threads.indexOf(t), 1);
        void t.terminate();
      },
    );
  }
  // Best first; the CPU always ends the list (imported models' sessions and the fallback run there).
  const running = (): string[] => [...new Set([...threads.filter((t) => t.isReady).flatMap((t) => t.providers), 'cpu'])];
  const providers = running();
  if (opts.why && providers[0] === opts.providers[0]) log.info(choiceLine({ provider: providers[0], why: opts.why }));
  log.info('engine ready', { workers: count, threadsPerWorker: ctx.threads, providers });

  const cache = new ResultCache<OcrResult>(opts.cacheEntries);
  // The same image submitted again while its first run is still going shares that run.
  const inFlight = new Map<string, Promise<OcrResult>>();

  const layoutOf = (o: OcrCallOptions): LayoutMode =>
    o.layout ?? (typeof opts.layout === 'function' ? opts.layout() : opts.layout) ?? 'auto';
  /** The answer kept under `key`, or the run in progress for it, or a fresh run. */
  /** One run per distinct request: a cached or shared answer comes back flagged as reused. */
  const cached = async (key: string, submit: () => Promise<OcrResult>): Promise<OcrResult> => {
    const hit = cache.get(key);
    if (hit) return reusedCopy(hit);
    const shared = inFlight.get(key);
    if (shared) return reusedCopy(await shared);
    const pending = submit();
    inFlight.set(key, pending);
    pending.then(
      (result) => {
        inFlight.delete(key);
        cache.set(key, result);
      },
      () => inFlight.delete(key),
    );
    return structuredClone(await pending);
  };

  return {
    get providers() {
      return running();
    },
    async ocr(image, o = {}) {
      const layout = layoutOf(o);
      const lookAlikes = o.lookAlikes ?? true;
      // Layout, corrections and the detector's size are part of the answer, so of the cache key.
      const key = [contentKey(image), layout, lookAlikes ? '' : 'raw', o.limitSide ?? ''].join(':');
      return cached(key, () =>
        imagePixels(image).then((pixels) =>
          scheduler.submit<OcrResult>('ocr', { image, layout, lookAlikes, limitSide: o.limitSide }, o.bulk ?? false, pixels),
        ),
      );
    },
    async pdfPages(pdf, o = {}) {
      return (await scheduler.submit<{ pages: number }>('pdfInfo', { pdf }, o.bulk ?? false)).pages;
    },
    async ocrPdfPage(pdf, page, o = {}) {
      const layout = layoutOf(o);
      const dpi = opts.pdfDpi ?? DEFAULT_PDF_DPI;
      return cached(`${contentKey(pdf)}:${page}:${dpi}:${layout}`, () =>
        scheduler.submit<OcrResult>('ocrPdfPage', { pdf, page, dpi, layout }, o.bulk ?? false),
      );
    },
    run<T extends TaskName>(task: T, payload: TaskPayload<T>, o: { bulk?: boolean } = {}) {
      return scheduler.submit<TaskResult<T>>(task, payload, o.bulk ?? false);
    },
    async broadcast<T extends TaskName>(task: T, payload: TaskPayload<T>) {
      if (closing) throw new AppError('shutting_down', 503, 'the engine is shutting down');
      try {
        return (await Promise.all(threads.filter((t) => t.alive).map((t) => t.ready.then(() => t.run(task, payload))))) as TaskResult<T>[];
      } finally {
        // Workers this kept busy are free again; queued tasks may have been waiting for them.
        scheduler.pump();
      }
    },
    stats() {
      return {
        workers: threads.filter((t) => t.alive).length,
        queued: scheduler.queued,
        inFlight: scheduler.inFlight,
        processed: scheduler.processed,
        cacheHits: cache.hits,
        cacheMisses: cache.misses,
      };
    },
    async close() {
      if (closing) return;
      closing = true;
      scheduler.close();
      await Promise.all(threads.map((t) => t.terminate()));
      await gpu?.close();
    },
  };
}
