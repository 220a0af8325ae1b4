// An engine worker's view of the session thread's OCR sessions: each acts as an OcrSession whose run() posts the
// input to the thread (which batches it with other workers' inputs) and answers with the outputs.
import * as ort from 'onnxruntime-node';
import type { MessagePort } from 'node:worker_threads';
import { loadDictionary } from '../ocr/ctcDecode';
import { ocrModelFiles } from '../ocr/modelFiles';
import type { OcrModels, OcrSession } from '../ocr/pipeline';
import type { TaskContext } from '../tasks/types';
import type { ModelNames, OcrModelName, RunReply, RunRequest, WireTensor } from './protocol';

export class SessionThreadClient {
  private readonly pending = new Map<number, { resolve(o: Record<string, WireTensor>): void; reject(e: Error): void }>();
  private nextId = 1;

  constructor(private readonly port: MessagePort) {
    port.on('message', (reply: RunReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.outputs);
      else p.reject(new Error(reply.message));
    });
    // The port must not keep a worker alive on its own.
    port.unref();
  }

  run(model: OcrModelName, input: WireTensor): Promise<Record<string, WireTensor>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.port.postMessage({ id, model, input } satisfies RunRequest, [input.data.buffer as ArrayBuffer]);
    });
  }

  session(model: OcrModelName, names: ModelNames): OcrSession {
    return {
      inputNames: names.inputNames,
      outputNames: names.outputNames,
      run: async (feeds) => {
        const t = feeds[names.inputNames[0]] as ort.Tensor;
        // A copy: callers reuse their input buffers, and this one is transferred away.
        const input: WireTensor = { type: t.type as WireTensor['type'], dims: [...t.dims], data: (t.data as Float32Array).slice() };
        const outputs = await this.run(model, input);
        return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, new ort.Tensor(o.type, o.data, o.dims)]));
      },
      release: async () => undefined,
    };
  }
}

/** The OCR models of a worker whose graphs run in the session thread: the sessions are remote, the dictionary local. */
export function remoteOcrModels(gpu: NonNullable<TaskContext['gpu']>): OcrModels {
  const client = new SessionThreadClient(gpu.port);
  return {
    det: client.session('det', gpu.names.det),
    cls: (
      (cls: OcrSession) => () =>
        Promise.resolve(cls)
    )(client.session('cls', gpu.names.cls)),
    rec: client.session('rec', gpu.names.rec),
    dict: loadDictionary(ocrModelFiles().dict),
    providers: [gpu.provider, gpu.provider, gpu.provider],
  };
}
