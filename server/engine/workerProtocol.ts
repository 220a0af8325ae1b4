// Messages between the engine's main-thread pool and its worker threads.
import type { TimingSpan } from '../startupTimings';
import type { TaskContext } from './tasks/types';

/**
 * One Int32 both threads compare-and-swap once: the worker to START before it first enters ONNX Runtime, the
 * main thread to STOP when it terminates. Whoever swaps first wins, so a worker stopped before it loaded
 * anything is terminated at once (no ONNX Runtime call to wait for) and never starts loading afterwards.
 */
export const GATE = { OPEN: 0, STARTED: 1, STOPPED: 2 } as const;

export interface WorkerData {
  gate: SharedArrayBuffer;
  /** When the main thread created the worker (wall clock), for start-up timings. */
  spawnedAt: number;
  /** The cache folder whose prepared files the worker reads while it waits for its start message (cacheEntries.ts). */
  readAhead?: string;
}

export type WorkerRequest =
  /** What the worker is for (its share of threads, providers, cache): it loads its models on this. */
  | { start: TaskContext }
  | { id: number; task: string; payload: unknown }
  /** Stop loading models (between two sessions: a worker terminated inside ONNX Runtime's load aborts the process). */
  | { cancelLoad: true };

export interface SerialisedError {
  code: string;
  status: number;
  message: string;
  headers?: Record<string, string>;
  operational: boolean;
  stack?: string;
}

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: SerialisedError }
  | { ready: true; providers: string[] }
  | { ready: false; error: SerialisedError }
  /** Start-up timings of the worker (sent only when they are being traced). */
  | { spans: TimingSpan[] }
  /**
   * Its code, native addons included, is loaded (a thread booted ahead of its start: also what it sets up while it
   * waits): from here it can be stopped safely while unstarted.
   */
  | { booted: true };
