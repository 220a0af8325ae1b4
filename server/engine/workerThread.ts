// Starts one engine worker thread with TypeScript support and runs tasks on it one at a time.
// A .ts worker needs tsx inside the thread: workerBootstrap.mjs registers it there, so this works the same
// under `npx hearth` (tsx registered by API), vitest and `npx tsx`.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../appError';
import type { ErrorCode } from '../contract/errors';
import { NODE_BUNDLE_DIR } from '../paths';
import { addSpans, clock } from '../startupTimings';
import type { TaskContext } from './tasks/types';
import { GATE, type SerialisedError, type WorkerData, type WorkerReply, type WorkerRequest } from './workerProtocol';
import { optOutOfOnnxTelemetry } from './onnxTelemetry';

function workerEntry(): URL | string {
  // The bundle (out/node) has its own worker.js, which needs no TypeScript loader.
  if (!import.meta.url.endsWith('.ts')) return join(NODE_BUNDLE_DIR, 'worker.js');
  return new URL('./workerBootstrap.mjs', import.meta.url);
}

/** How long terminate() waits for a worker's model load or tasks in flight (the slowest image takes about 2 s). */
const TERMINATE_GRACE_MS = 5000;

export function reviveError(e: SerialisedError): Error {
  if (e.code === 'internal_error' && !e.operational) {
    const err = new Error(e.message);
    if (e.stack) err.stack = e.stack;
    return err;
  }
  return new AppError(e.code as ErrorCode, e.status, e.message, { headers: e.headers, operational: e.operational });
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class WorkerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Tasks posted and not yet answered. */
  private readonly running = new Set<Promise<unknown>>();
  private exited = false;
  /** See GATE: lets terminate() skip the wait when the thread has not entered ONNX Runtime yet. */
  private readonly gate = new Int32Array(new SharedArrayBuffer(4));
  /** Providers the worker's sessions loaded on; set once ready. */
  providers: string[] = [];
  /** Its models are loaded: the scheduler may give it tasks. */
  isReady = false;
  readonly ready: Promise<void>;

  /** Resolves once the thread's code is loaded, or it has exited. */
  private readonly booted: Promise<void>;
  /** Called when the thread exits (a crash, or terminate()). */
  onExit: (thread: WorkerThread, code: number) => void;

  /**
   * Boots the thread; with `ctx` it also starts loading its models, else start() does that later (meanwhile it
   * reads the prepared files in `readAhead`, a cache folder).
   */
  constructor(ctx?: TaskContext, onExit: (thread: WorkerThread, code: number) => void = () => undefined, readAhead?: string) {
    this.onExit = onExit;
    optOutOfOnnxTelemetry();
    // execArgv [] keeps the parent's flags (e.g. tsx's --import from `npx tsx`) out: the bootstrap loads tsx itself.
    this.worker = new Worker(workerEntry(), {
      workerData: { gate: this.gate.buffer, spawnedAt: clock(), readAhead } satisfies WorkerData,
      execArgv: [],
    });
    let booted = (): void => undefined;
    this.booted = new Promise<void>((resolve) => (booted = resolve));
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (msg: WorkerReply) => {
        if ('booted' in msg) {
          booted();
          return;
        }
        if ('spans' in msg) {
          addSpans(msg.spans);
          return;
        }
        if ('ready' in msg) {
          if (msg.ready) {
            this.providers = msg.providers;
            this.isReady = true;
            resolve();
          } else reject(reviveError(msg.error));
          return;
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(reviveError(msg.error));
      });
      this.worker.on('error', (err) => {
        reject(err);
        this.failAll(err);
      });
      this.worker.on('exit', (code) => {
        this.exited = true;
        booted();
        reject(new Error(`engine worker exited with code ${code} before it was ready`));
        this.failAll(new Error(`engine worker exited with code ${code}`));
        this.onExit(this, code);
      });
    });
    // Callers await `ready`; this keeps an early failure from also surfacing as an unhandled rejection.
    this.ready.catch(() => undefined);
    if (ctx) this.start(ctx);
  }

  /** Tells the thread what it is for; it loads its models and then resolves `ready`. */
  start(ctx: TaskContext): void {
    this.worker.ref();
    // A GPU's port goes to this worker alone (transferred).
    this.worker.postMessage({ start: ctx } satisfies WorkerRequest, ctx.gpu ? [ctx.gpu.port] : []);
  }

  /** Lets the process exit while this thread waits unstarted (a thread booted ahead of need). */
  unref(): void {
    this.worker.unref();
  }

  get busy(): number {
    return this.pending.size;
  }

  get alive(): boolean {
    return !this.exited;
  }

  run(task: string, payload: unknown): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('engine worker has exited'));
    const id = this.nextId++;
    const running = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, task, payload } satisfies WorkerRequest);
    });
    this.running.add(running);
    const settle = (): void => void this.running.delete(running);
    running.then(settle, settle);
    return running;
  }

  private failAll(err: unknown): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /**
   * Stops the thread once it is outside ONNX Runtime: terminating it inside a session load or run aborts the
   * whole process. Loading stops between two sessions; tasks in flight get up to `graceMs` to finish.
   */
  async terminate(graceMs = TERMINATE_GRACE_MS): Promise<void> {
    if (this.exited) return;
    if (Atomics.compareExchange(this.gate, 0, GATE.OPEN, GATE.STOPPED) === GATE.OPEN) {
      // Unstarted: nothing of ONNX Runtime's to wait for. But a thread stopped while it loads its native addons
      // can abort the whole process ("terminate called after throwing an instance of 'Napi::Error'"): it
      // finishes loading its code first, ref'd so that the process waits for it.
      this.worker.ref();
      await this.booted;
      await this.worker.terminate();
      return;
    }
    this.worker.postMessage({ cancelLoad: true } satisfies WorkerRequest);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([this.ready, ...this.running]), grace]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
