// The engine every caller (API, jobs, GUI, CLI) goes through: worker threads that each hold their own ONNX
// sessions, a scheduler with back-pressure and a bulk lane, and a result cache by content hash.
import { availableParallelism } from 'node:os';
import { AppError } from '../appError';
import type { OcrResult } from '../contract/ocr';
import { createLogger } from '../logger';
import { startGpuSessions } from './gpu/sessionHost';
import { choiceLine } from './providers';
import { ResultCache, contentKey } from './resultCache';
import { Scheduler } from './scheduler';
import type { TaskName, TaskPayload, TaskResult } from './tasks';
import type { TaskContext } from './tasks/types';
import { WorkerThread } from './workerThread';


export interface EngineStats {
  workers: number;
  queued: number;
  inFlight: number;
  processed: number;
  cacheHits: number;
  cacheMisses: number;
}

export interface Engine {
  /** Providers actually running, best first, e.g. ['cpu']. */
  readonly providers: string[];
  ocr(image: Uint8Array, opts?: { bulk?: boolean }): Promise<OcrResult>;
  /** A task from the worker task table (classify, infer, ...), through the same scheduler and back-pressure. */
  run<T extends TaskName>(task: T, payload: TaskPayload<T>, opts?: { bulk?: boolean }): Promise<TaskResult<T>>;
  /** A task on every worker at once, outside the queue (loading or releasing a model's sessions); one result per worker. */
  broadcast<T extends TaskName>(task: T, payload: TaskPayload<T>): Promise<TaskResult<T>[]>;
  stats(): EngineStats;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** Worker threads; 0 = one per core. */
  workers: number;
  /** Interactive tasks allowed to wait beyond the busy workers before ocr()/run() answer queue_full. */
  queueDepth: number;
  /** OCR results kept by content hash; 0 disables the cache. */
  cacheEntries: number;
  /** Execution providers, best first: a GPU provider first runs the OCR graphs in one session thread; empty = cpu. */
  providers: string[];
  /** Why these providers (the measured choice's words), for the one line that says what runs. */
  why?: string;
}

const log = createLogger('engine');

/** Intra-op threads per worker: the cores shared out so that workers do not fight (at least 1). */
export function threadsPerWorker(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / workers));
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const cores = availableParallelism();
  const count = opts.workers > 0 ? opts.workers : cores;
  const ctx: TaskContext = { providers: ['cpu'], threads: threadsPerWorker(count, cores) };
  const gpu = await startGpuSessions(opts.providers[0]);
  // Each worker gets its own port to the GPU's session thread; the graphs of imported models stay on the CPU.
  const contextFor = (): TaskContext => (gpu ? { ...ctx, gpu: { provider: gpu.provider, names: gpu.names, port: gpu.connect() } } : ctx);
  let closing = false;
  const threads: WorkerThread[] = [];
  const scheduler = new Scheduler(() => threads, opts.queueDepth);

  const onExit = (dead: WorkerThread, code: number): void => {
    const at = threads.indexOf(dead);
    if (closing || at < 0) return;
    // A worker that dies (native crash, out of memory) is replaced so the engine keeps its width.
    log.error('engine worker exited; starting a new one', { code });
    const fresh = new WorkerThread(contextFor(), onExit);
    threads[at] = fresh;
    fresh.ready.then(
      () => scheduler.pump(),
      (err: unknown) => log.error('replacement engine worker failed to start', { reason: String((err as Error)?.message ?? err) }),
    );
  };

  for (let i = 0; i < count; i++) threads.push(new WorkerThread(contextFor(), onExit));
  try {
    await Promise.all(threads.map((t) => t.ready));
  } catch (err) {
    closing = true;
    await Promise.all(threads.map((t) => t.terminate()));
    await gpu?.close();
    throw err;
  }
  const providers = [...new Set([...threads.flatMap((t) => t.providers), 'cpu'])];
  if (opts.why && providers[0] === opts.providers[0]) log.info(choiceLine({ provider: providers[0], why: opts.why }));
  log.info('engine ready', { workers: count, threadsPerWorker: ctx.threads, providers });

  const cache = new ResultCache<OcrResult>(opts.cacheEntries);
  // The same image submitted again while its first run is still going shares that run.
  const running = new Map<string, Promise<OcrResult>>();

  return {
    providers,
    async ocr(image, o = {}) {
      const key = contentKey(image);
      const hit = cache.get(key);
      if (hit) return structuredClone(hit);
      let pending = running.get(key);
      if (!pending) {
        pending = scheduler.submit<OcrResult>('ocr', { image }, o.bulk ?? false);
        running.set(key, pending);
        pending.then(
          (result) => {
            running.delete(key);
            cache.set(key, result);
          },
          () => running.delete(key),
        );
      }
      return structuredClone(await pending);
    },
    run<T extends TaskName>(task: T, payload: TaskPayload<T>, o: { bulk?: boolean } = {}) {
      return scheduler.submit<TaskResult<T>>(task, payload, o.bulk ?? false);
    },
    async broadcast<T extends TaskName>(task: T, payload: TaskPayload<T>) {
      if (closing) throw new AppError('shutting_down', 503, 'the engine is shutting down');
      try {
        return (await Promise.all(threads.filter((t) => t.alive).map((t) => t.run(task, payload)))) as TaskResult<T>[];
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
