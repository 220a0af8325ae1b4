// Engine worker thread: boots, waits for its start message, loads the OCR sessions once, then runs tasks from
// the main thread one message at a time. Decoding, pre/post-processing and ONNX runs all happen here, so the
// main event loop stays free.
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../appError';
import { forgetReadAhead } from './cacheEntries';
import { readAheadOcrModels } from './ocr/pipeline';
import { releaseDecoded } from './memory';
import { setUpOnnxRuntime } from './session';
import { loadSharp } from './sharp';
import { clock, recordSpan, startupDebug, takeSpans } from '../startupTimings';
import { isTaskName, TASKS } from './tasks';
import { ocrModels } from './tasks/ocr';
import type { TaskContext } from './tasks/types';
import { GATE, type WorkerData, type WorkerReply, type WorkerRequest } from './workerProtocol';

const { gate, spawnedAt, readAhead: cacheDir } = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('engine worker started outside a worker thread');
const booted = clock();
let ctx: TaskContext = { providers: [], threads: 1 };
/** The start message came: what the wait would have set up ahead is left to first use. */
let ctxGiven = false;
// Booted ahead of its start: the prepared graphs and word index its models load from are read meanwhile, and
// ONNX Runtime and sharp are set up (whatever the start message finds undone is done when first needed).
// It says it is booted (safe to stop: no native addon half loaded) once that is done.
if (cacheDir) {
  void readAheadOcrModels(cacheDir);
  setImmediate(() => {
    setUpOnnxRuntime();
    if (!ctxGiven) loadSharp();
    port.postMessage({ booted: true } satisfies WorkerReply);
  });
} else port.postMessage({ booted: true } satisfies WorkerReply);

/** Start-up timings recorded since the last message (a model loaded on first use), sent when asked for. */
function sendSpans(): void {
  if (startupDebug) {
    const spans = takeSpans();
    if (spans.length) port?.postMessage({ spans } satisfies WorkerReply);
  }
}

function serialiseError(err: unknown): Extract<WorkerReply, { ok: false }>['error'] {
  if (isAppError(err)) {
    return { code: err.code, status: err.status, message: err.message, headers: err.headers, operational: err.operational };
  }
  const e = err as Error;
  return { code: 'internal_error', status: 500, message: String(e?.message ?? err), operational: false, stack: e?.stack };
}

const loading = new AbortController();
let firstTaskDone = false;

port.on('message', (msg: WorkerRequest) => {
  if ('start' in msg) {
    ctx = msg.start;
    ctxGiven = true;
    recordSpan(`${ctx.label ?? 'worker'} thread start, code load`, spawnedAt, booted);
    load();
    return;
  }
  if ('cancelLoad' in msg) {
    loading.abort();
    return;
  }
  const run = isTaskName(msg.task)
    ? (TASKS[msg.task] as (p: unknown, c: TaskContext) => Promise<unknown>)(msg.payload, ctx)
    : Promise.reject(new Error(`unknown engine task "${msg.task}"`));
  const started = clock();
  const first = !firstTaskDone;
  firstTaskDone = true;
  run
    .then(
      (result) => {
        if (first) recordSpan(`${ctx.label ?? 'worker'} first task (${msg.task})`, started);
        sendSpans();
        port.postMessage({ id: msg.id, ok: true, result } satisfies WorkerReply);
      },
      (err: unknown) => {
        sendSpans();
        port.postMessage({ id: msg.id, ok: false, error: serialiseError(err) } satisfies WorkerReply);
      },
    )
    .finally(() => setImmediate(releaseDecoded));
});

// Load the OCR sessions before saying ready, so the first image is not slow and the providers are known;
// unless the engine was closed before this thread got here (then it is being terminated and loads nothing).
function load(): void {
  if (Atomics.compareExchange(new Int32Array(gate), 0, GATE.OPEN, GATE.STARTED) !== GATE.OPEN) return;
  ocrModels(ctx, loading.signal).then(
    (m) => {
      forgetReadAhead();
      sendSpans();
      port?.postMessage({ ready: true, providers: m.providers } satisfies WorkerReply);
    },
    (err: unknown) => {
      forgetReadAhead();
      port?.postMessage({ ready: false, error: serialiseError(err) } satisfies WorkerReply);
    },
  );
}
