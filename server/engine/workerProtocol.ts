// Messages between the engine's main-thread pool and its worker threads.

export type WorkerRequest =
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
  | { ready: false; error: SerialisedError };
