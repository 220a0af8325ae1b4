// Feeds tasks to worker threads: one task per worker at a time, an interactive lane bounded by queueDepth
// (past it callers get 503 queue_full with Retry-After) and a bulk lane for jobs that never rejects and
// only gets a worker when no interactive task is waiting. Decoded pixels are budgeted across workers: a task
// whose image would take the pixels in flight past the budget waits for running ones to finish (one runs alone
// whatever its size), so a burst of huge images cannot hold a full-size copy per worker at once.
import { AppError } from '../appError';
import type { WorkerThread } from './workerThread';

/** A task waiting for a worker, with the caller's promise. */
interface QueuedTask {
  task: string;
  payload: unknown;
  pixels: number;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class Scheduler {
  private readonly interactive: QueuedTask[] = [];
  private readonly bulk: QueuedTask[] = [];
  private closed = false;
  inFlight = 0;
  processed = 0;
  /** Decoded pixels of the images running now. */
  pixelsInFlight = 0;

  constructor(
    private readonly workers: () => readonly WorkerThread[],
    private readonly queueDepth: number,
    private readonly pixelBudget = Number.POSITIVE_INFINITY,
  ) {}

  get queued(): number {
    return this.interactive.length + this.bulk.length;
  }

  /** `pixels`: what the task's image decodes to (0 when it has none), charged against the pixel budget. */
  submit<R>(task: string, payload: unknown, bulk = false, pixels = 0): Promise<R> {
    if (this.closed) return Promise.reject(new AppError('shutting_down', 503, 'the engine is shutting down'));
    if (!bulk && this.interactive.length >= this.queueDepth && !this.idleWorker()) {
      return Promise.reject(
        new AppError('queue_full', 503, `the engine is busy (${this.interactive.length} images waiting); retry in a moment`, {
          headers: { 'Retry-After': '1' },
        }),
      );
    }
    return new Promise<R>((resolve, reject) => {
      (bulk ? this.bulk : this.interactive).push({ task, payload, pixels, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private idleWorker(): WorkerThread | undefined {
    return this.workers().find((w) => w.isReady && w.alive && w.busy === 0);
  }

  /** Starts waiting tasks on idle workers, interactive first. */
  pump(): void {
    for (;;) {
      const worker = this.idleWorker();
      if (!worker) return;
      const lane = this.interactive.length ? this.interactive : this.bulk;
      const next = lane[0];
      if (!next) return;
      // In order: a large image waits for pixels rather than being overtaken by small ones forever.
      if (this.pixelsInFlight > 0 && this.pixelsInFlight + next.pixels > this.pixelBudget) return;
      lane.shift();
      this.inFlight++;
      this.pixelsInFlight += next.pixels;
      worker.run(next.task, next.payload).then(
        (result) => this.finish(next, () => next.resolve(result)),
        (err: unknown) => this.finish(next, () => next.reject(err)),
      );
    }
  }

  private finish(task: QueuedTask, settle: () => void): void {
    this.inFlight--;
    this.pixelsInFlight -= task.pixels;
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
