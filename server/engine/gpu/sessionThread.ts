// The thread that holds the OCR sessions of one provider (a GPU's: ONNX Runtime's WebGPU may not be started
// from two threads at once, so all of a GPU's sessions live here). Engine workers send it their model inputs
// over a port each; a dynamic batcher per model joins inputs across requests.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadOcrModels, type OcrSession } from '../ocr/pipeline';
import { firstLine } from '../session';
import { DynamicBatcher } from './batcher';
import { runOn } from './wire';
import {
  OCR_MODEL_NAMES,
  type FromSessionThread,
  type ModelNames,
  type OcrModelName,
  type RunReply,
  type RunRequest,
  type SessionThreadData,
  type ToSessionThread,
} from './protocol';

const data = workerData as SessionThreadData;
if (!parentPort) throw new Error('the session thread started outside a worker thread');
const parent: MessagePort = parentPort;
const post = (msg: FromSessionThread): void => parent.postMessage(msg);

async function main(): Promise<void> {
  let sessions: Record<OcrModelName, OcrSession>;
  try {
    const m = await loadOcrModels({ providers: [data.provider], threads: data.threads, strict: true });
    sessions = { det: m.det, cls: await m.cls(), rec: m.rec };
  } catch (err) {
    post({ ready: false, reason: firstLine(err) });
    return;
  }
  const batchers = Object.fromEntries(
    OCR_MODEL_NAMES.map((m) => [m, new DynamicBatcher((input) => runOn(sessions[m], input), data.batch)]),
  ) as Record<OcrModelName, DynamicBatcher>;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    const done = (): void => void inFlight.delete(p);
    p.then(done, done);
    return p;
  };

  const serve = (port: MessagePort): void => {
    port.on('message', (req: RunRequest) => {
      track(batchers[req.model].submit(req.input)).then(
        (outputs) => {
          const transfer = Object.values(outputs).map((t) => t.data.buffer as ArrayBuffer);
          port.postMessage({ id: req.id, ok: true, outputs } satisfies RunReply, transfer);
        },
        (err: unknown) => port.postMessage({ id: req.id, ok: false, message: firstLine(err) } satisfies RunReply),
      );
    });
  };

  parent.on('message', (msg: ToSessionThread) => {
    if ('connect' in msg) serve(msg.connect);
    else if ('close' in msg) {
      void Promise.allSettled([...inFlight])
        .then(() => Promise.allSettled(OCR_MODEL_NAMES.map((m) => sessions[m].release())))
        .then(() => post({ closed: true }));
    }
  });
  const names = Object.fromEntries(
    OCR_MODEL_NAMES.map((m) => [m, { inputNames: [...sessions[m].inputNames], outputNames: [...sessions[m].outputNames] }]),
  ) as Record<OcrModelName, ModelNames>;
  post({ ready: true, names });
}

void main();
