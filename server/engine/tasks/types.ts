// What runs inside an engine worker: a task name and a handler that gets a payload and returns a result.
import type { MessagePort } from 'node:worker_threads';
import type { ModelNames, OcrModelName } from '../gpu/protocol';

export interface TaskContext {
  /** Providers to try, best first (cpu last). */
  providers: readonly string[];
  /** ONNX Runtime intra-op threads this worker may use. */
  threads: number;
  /** Where rewritten and optimised model graphs are kept between starts; absent = rebuilt in memory each start. */
  cacheDir?: string;
  /** Names this worker in start-up timings ("worker 1"). */
  label?: string;
  /** On a GPU: the session thread that runs the OCR graphs for every worker (this worker keeps the steps around them). */
  gpu?: { provider: string; port: MessagePort; names: Record<OcrModelName, ModelNames> };
}

/** Runs inside a worker thread; the result is structured-cloned back to the caller. */
export type TaskHandler<P = unknown, R = unknown> = (payload: P, ctx: TaskContext) => Promise<R>;
