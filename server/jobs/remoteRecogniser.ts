// `hearth ocr --server URL --key KEY`: recognises through another node's POST /v1/ocr (via the typed client,
// `hearth/client`) instead of a local engine. Bad files come back as that file's error; a node that cannot be
// reached or refuses the key stops the run.
import { AppError } from '../appError';
import { ClientError, createClient, type FetchLike } from '../contract/client';
import type { ErrorCode } from '../contract/errors';
import type { OcrResult } from '../contract/ocr';
import { MODEL_TASK_NOUNS } from '../contract/models';
import { isPdf } from '../engine/pdf/isPdf';
import type { Recogniser, Tagger } from './jobService';

export interface RemoteOptions {
  url: string;
  key?: string;
  /** Requests in flight at once. */
  concurrency: number;
  /** Called once when the run cannot go on (unreachable node, key refused); the item stays pending. */
  onFatal(err: Error): void;
  /** How requests are sent (default: the global fetch). */
  fetch?: FetchLike;
}

const NETWORK_TRIES = 3;
const MAX_BUSY_WAIT_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createRemoteRecogniser(opts: RemoteOptions): Recogniser {
  const client = createClient({ baseUrl: opts.url, key: opts.key, origin: 'cli', fetch: opts.fetch });
  let fatal: Error | undefined;
  const stop = (err: Error): never => {
    if (!fatal) {
      fatal = err;
      opts.onFatal(err);
    }
    throw new AppError('shutting_down', 503, err.message);
  };

  return {
    stats: () => ({ workers: opts.concurrency }),
    ocr: (image) => recognise(image, 'application/octet-stream'),
    ocrPdfPage: (pdf, page) => recognise(pdf, 'application/pdf', page),
    // Counted here (pdf.js parses only the page tree): the pages themselves go to the node one by one.
    async pdfPages(pdf) {
      const { openPdf } = await import('../engine/pdf/pdfDocument');
      const doc = await openPdf(pdf);
      await doc.close();
      return doc.pages;
    },
  };

  async function recognise(image: Uint8Array, contentType: string, page?: number): Promise<OcrResult> {
    for (let attempt = 1; ; attempt++) {
      if (fatal) throw new AppError('shutting_down', 503, fatal.message);
      try {
        const { resultId: _remoteId, ...result } = await client.ocr(image, contentType, undefined, page);
        return result satisfies OcrResult;
      } catch (err) {
        if (!(err instanceof ClientError)) throw err;
        if (err.code === 'network_error') {
          if (attempt >= NETWORK_TRIES) return stop(new Error(err.message));
          await sleep(500 * attempt);
        } else if (err.status === 503 || err.status === 429) {
          // Busy node: wait as long as it asks (bounded), then try the same image again.
          await sleep(Math.min(MAX_BUSY_WAIT_MS, (err.retryAfterSeconds ?? 1) * 1000));
        } else if (err.status === 401 || err.status === 403) {
          return stop(new Error(`${opts.url} refused the key: ${err.message}`));
        } else if (err.status >= 500) {
          return stop(new Error(`${opts.url} failed: ${err.message}`));
        } else {
          throw new AppError(err.code as ErrorCode, err.status, err.message);
        }
      }
    }
  }
}

/**
 * `hearth ocr --classify MODEL` against a node: the node's document-type classifier tags each item through
 * POST /v1/classify (a PDF item by its page). `prepare` checks the model once before the job is created.
 */
export function createRemoteTagger(opts: Pick<RemoteOptions, 'url' | 'key'>): { prepare(model: string): Promise<void>; tagger: Tagger } {
  const client = createClient({ baseUrl: opts.url, key: opts.key, origin: 'cli' });
  const asAppError = (err: unknown): unknown =>
    err instanceof ClientError ? new AppError(err.code as ErrorCode, err.status >= 500 ? 503 : err.status, err.message) : err;
  return {
    async prepare(model) {
      try {
        const m = await client.call('getModel', { params: { id: model } });
        if (m.task !== 'doctype') {
          throw new AppError(
            'bad_request',
            400,
            `model "${model}" on ${opts.url} is ${MODEL_TASK_NOUNS[m.task]}, not a document-type classifier`,
          );
        }
      } catch (err) {
        throw asAppError(err);
      }
    },
    tagger: {
      check: () => undefined,
      async tag(model, bytes, page) {
        try {
          const answer = await client.call('classify', {
            query: { model, top: 1, ...(page ? { page } : {}) },
            body: bytes,
            contentType: isPdf(bytes) ? 'application/pdf' : 'application/octet-stream',
          });
          return answer.labels[0];
        } catch (err) {
          throw asAppError(err);
        }
      },
    },
  };
}
