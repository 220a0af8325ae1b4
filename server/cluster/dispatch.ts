// The owner's side of durable work: a job item becomes one sealed message on the work stream (its id as the
// msgID, so a re-publish after a restart is stored once); its result comes back on this node's own results
// subject and is handed to the job service, which writes it once (the item's state guards against a second write).
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import { AppError } from '../appError';
import type { ErrorCode } from '../contract/errors';
import type { OcrResult } from '../contract/ocr';
import type { JobError } from '../contract/jobs';
import { createLogger } from '../logger';
import { sha256Hex } from '../sha256';
import { INLINE_LIMIT, workSubject, type WorkClass } from './names';
import { frame, unframe, type Sealer } from './sealed';

const log = createLogger('cluster');

/** What travels on the work stream (sealed). */
export interface WorkHeader {
  item: string;
  owner: string;
  /** Object store name when the bytes were too large to travel inline. */
  blob?: string;
}

/** What travels back on the owner's results subject (sealed). */
export interface ResultHeader {
  item: string;
  node: string;
  result?: OcrResult;
  error?: JobError;
}

interface Waiter {
  resolve(r: OcrResult): void;
  reject(e: unknown): void;
  promise: Promise<OcrResult>;
  blob?: string;
}

export interface Dispatcher {
  /** Queues one item and resolves with its result, from whichever node ran it. */
  submit(item: string, bytes: Uint8Array, cls: WorkClass): Promise<OcrResult>;
  /** Handles one message of this node's results subject. */
  onResult(m: JsMsg): Promise<void>;
  /** Items waiting for their result now. */
  readonly waiting: number;
  /** Fails every waiting item with shutting_down (the job service keeps them pending for the next start). */
  abort(): void;
}

export function createDispatcher(opts: {
  nodeId: string;
  js: JetStreamClient;
  payloads: ObjectStore;
  sealer: Sealer;
  /** Whether the job service still waits for this item (false once written, cancelled or gone). */
  pending: (item: string) => boolean;
}): Dispatcher {
  const { js, sealer, payloads } = opts;
  const waiters = new Map<string, Waiter>();
  let aborted = false;

  const publish = async (item: string, bytes: Uint8Array, cls: WorkClass): Promise<string | undefined> => {
    const header: WorkHeader = { item, owner: opts.nodeId };
    let data = sealer.seal(frame(header, bytes), 'work');
    let blob: string | undefined;
    if (data.length > INLINE_LIMIT) {
      // Object names are hashed: an item id may hold characters the store does not like in names.
      blob = sha256Hex(item);
      await payloads.putBlob({ name: blob }, sealer.seal(bytes, 'blob'));
      data = sealer.seal(frame({ ...header, blob }), 'work');
    }
    await js.publish(workSubject(cls), data, { msgID: item, timeout: 5_000 });
    return blob;
  };

  return {
    get waiting() {
      return waiters.size;
    },

    submit(item, bytes, cls) {
      if (aborted) return Promise.reject(new AppError('shutting_down', 503, 'the node is shutting down'));
      const existing = waiters.get(item);
      if (existing) return existing.promise;
      let resolve!: (r: OcrResult) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<OcrResult>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const w: Waiter = { resolve, reject, promise };
      waiters.set(item, w);
      publish(item, bytes, cls).then(
        (blob) => {
          w.blob = blob;
        },
        (err: unknown) => {
          waiters.delete(item);
          log.warn('cannot queue an item; it stays pending', { item, error: String(err) });
          reject(new AppError('cluster_unavailable', 503, 'the cluster queue cannot be reached right now'));
        },
      );
      return promise;
    },

    async onResult(m) {
      let r: ResultHeader;
      try {
        r = unframe<ResultHeader>(sealer.open(m.data, 'result')).header;
      } catch (err) {
        log.error('dropped a result this node cannot open', { error: String(err) });
        m.term();
        return;
      }
      const w = waiters.get(r.item);
      if (!w) {
        // After a restart the job service asks for its pending items again shortly; until then keep the result.
        if (opts.pending(r.item)) m.nak(1_000);
        else m.ack();
        return;
      }
      waiters.delete(r.item);
      if (r.result) w.resolve(r.result);
      else
        w.reject(
          new AppError((r.error?.code ?? 'internal_error') as ErrorCode, 422, r.error?.message ?? 'the item failed on another node'),
        );
      // The job service writes the result synchronously in this promise's continuation (a microtask), so the
      // next macrotask runs after the write: only then is the result let go of.
      setImmediate(() => m.ack());
      if (w.blob) void payloads.delete(w.blob).catch(() => undefined);
    },

    abort() {
      aborted = true;
      for (const [item, w] of waiters) {
        waiters.delete(item);
        w.reject(new AppError('shutting_down', 503, 'the node is shutting down'));
      }
    },
  };
}
