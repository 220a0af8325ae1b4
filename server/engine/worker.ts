// Engine worker thread: loads the OCR sessions once, then runs tasks from the main thread one message at a
// time. Decoding, pre/post-processing and ONNX runs all happen here, so the main event loop stays free.
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../appError';
import { isTaskName, TASKS } from './tasks';
import { ocrModels } from './tasks/ocr';
import type { TaskContext } from './tasks/types';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

const ctx = workerData as TaskContext;
const port = parentPort;
if (!port) throw new Error('engine worker started outside a worker thread');

function serialiseError(err: unknown): Extract<WorkerReply, { ok: false }>['error'] {
  if (isAppError(err)) {
    return { code: err.code, status: err.status, message: err.message, headers: err.headers, operational: err.operational };
  }
  const e = err as Error;
  return { code: 'internal_error', status: 500, message: String(e?.message ?? err), operational: false, stack: e?.stack };
}

const loading = new AbortController();

port.on('message', (msg: WorkerRequest) => {
  if ('cancelLoad' in msg) {
    loading.abort();
    return;
  }
  const run = isTaskName(msg.task)
    ? (TASKS[msg.task] as (p: unknown, c: TaskContext) => Promise<unknown>)(msg.payload, ctx)
    : Promise.reject(new Error(`unknown engine task "${msg.task}"`));
  run.then(
    (result) => port.postMessage({ id: msg.id, ok: true, result } satisfies WorkerReply),
    (err: unknown) => port.postMessage({ id: msg.id, ok: false, error: serialiseError(err) } satisfies WorkerReply),
  );
});

// Load the OCR sessions before saying ready, so the first image is not slow and the providers are known.
ocrModels(ctx, loading.signal).then(
  (m) => port.postMessage({ ready: true, providers: m.providers } satisfies WorkerReply),
  (err: unknown) => port.postMessage({ ready: false, error: serialiseError(err) } satisfies WorkerReply),
);
