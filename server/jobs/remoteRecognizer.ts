// `hearth ocr --server URL --key KEY`: recognises through another node's POST /v1/ocr instead of a local engine.
// Bad files come back as that file's error; a node that cannot be reached or refuses the key stops the run.
import { AppError } from '../appError';
import type { ErrorBody } from '../contract/errors';
import type { ErrorCode } from '../contract/errors';
import type { OcrResponse } from '../contract/ocr';
import { API } from '../contract/paths';
import type { OcrResult } from '../store';
import type { Recognizer } from './jobService';

export interface RemoteOptions {
  url: string;
  key?: string;
  /** Requests in flight at once. */
  concurrency: number;
  /** Called once when the run cannot go on (unreachable node, key refused); the item stays pending. */
  onFatal(err: Error): void;
}

const NETWORK_TRIES = 3;
const MAX_BUSY_WAIT_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createRemoteRecognizer(opts: RemoteOptions): Recognizer {
  const endpoint = new URL(API.ocr, opts.url).toString();
  let fatal: Error | undefined;
  const stop = (err: Error): never => {
    if (!fatal) {
      fatal = err;
      opts.onFatal(err);
    }
    throw new AppError('shutting_down', 503, err.message);
  };

  const send = async (image: Uint8Array): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      if (fatal) throw new AppError('shutting_down', 503, fatal.message);
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/octet-stream',
            ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
          },
          body: image,
        });
        if (res.status !== 503 && res.status !== 429) return res;
        // Busy node: wait as long as it asks (bounded), then try the same image again.
        const after = Number(res.headers.get('retry-after'));
        await res.arrayBuffer();
        await sleep(Math.min(MAX_BUSY_WAIT_MS, Number.isFinite(after) && after > 0 ? after * 1000 : 1000));
      } catch (err) {
        if (attempt >= NETWORK_TRIES) return stop(new Error(`cannot reach ${opts.url}: ${(err as Error).message}`));
        await sleep(500 * attempt);
      }
    }
  };

  return {
    stats: () => ({ workers: opts.concurrency }),
    async ocr(image) {
      const res = await send(image);
      if (res.ok) {
        const { resultId: _remoteId, ...result } = (await res.json()) as OcrResponse;
        return result satisfies OcrResult;
      }
      const body = (await res.json().catch(() => null)) as ErrorBody | null;
      const message = body?.error?.message ?? `the node answered ${res.status}`;
      if (res.status === 401 || res.status === 403) return stop(new Error(`${opts.url} refused the key: ${message}`));
      if (res.status >= 500) return stop(new Error(`${opts.url} failed: ${message}`));
      throw new AppError((body?.error?.code ?? 'bad_request') as ErrorCode, res.status, message);
    },
  };
}
