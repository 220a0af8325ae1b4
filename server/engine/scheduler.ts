// Feeds tasks to worker threads: one task per worker at a time, an interactive lane bounded by queueDepth
// (past it callers get 503 queue_full with Retry-After) and a bulk lane for jobs that never rejects and
// only gets a worker when no interactive task is waiting.
import { AppError } from '../appError';
import type { WorkerThread } from './workerThread';

/** A task waiting for a worker, with the caller's promise. */
interface QueuedTask {
  task: string;
  payload: unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class Scheduler {
  private readonly interactive: QueuedTask[] = [];
  private readonly bulk: QueuedTask[] = [];
  private closed = false;
  inFlight = 0;
  processed = 0;

  constructor(
    private readonly workers: () => readonly WorkerThread[],
    private readonly queueDepth: number,
  ) {}

  get queued(): number {
    return this.interactive.length + this.bulk.length;
  }

  submit<R>(task: string, payload: unknown, bulk = false): Promise<R> {
    if (this.closed) return Promise.reject(new AppError('shutting_down', 503, 'the engine is shutting down'));
    if (!bulk && this.interactive.length >= this.queueDepth && !this.idleWorker()) {
      return Promise.reject(
        new AppError('queue_full', 503, `the engine is busy (${this.interactive.length} images waiting); retry in a moment`, {
          headers: { 'Retry-After': '1' },
        }),
      );
    }
    return new Promise<R>((resolve, reject) => {
      (bulk ? this.bulk : this.interactive).push({ task, payload, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private idleWorker(): WorkerThread | undefined {
    return this.workers().find((w) => w.alive && w.busy === 0);
  }

  /** Starts waiting tasks on idle workers, interactive first. */
  pump(): void {
    for (;;) {
      const worker = this.idleWorker();
      if (!worker) return;
      const next = this.interactive.shift() ?? this.bulk.shift();
      if (!next) return;
      this.inFlight++;
      worker.run(next.task, next.payload).then(
        (result) => this.finish(() => next.resolve(result)),
        (err: unknown) => this.finish(() => next.reject(err)),
      );
    }
  }

  private finish(settle: () => void): void {
    this.inFlight--;
    this.processed++;
    settle();
    this.pump();
  }

  /** Rejects everything still waiting; in-flight tasks finish or fail with their worker. */
  close(): void {
    this.closed = true;
    const err = new AppError('shutting_down', 503, 'the engine is shutting down');
    for (const t of this.interactive.splice(0)) t.reject(err);
    for (const t of this.bulk.splice(0)) t.reject(err);
  }
}
