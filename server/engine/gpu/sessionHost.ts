// Main-thread handle of a session thread: starts it on one provider, waits until its OCR sessions are loaded
// (or says why they could not be), hands each engine worker a port to it.
import { join } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { createLogger } from '../../logger';
import { NODE_BUNDLE_DIR } from '../../paths';
import { providerLabel } from '../providers';
import { BATCH_DEFAULTS } from './batcher';
import type { BatchLimits, FromSessionThread, ModelNames, OcrModelName, SessionThreadData, ToSessionThread } from './protocol';
import { optOutOfOnnxTelemetry } from '../onnxTelemetry';

function threadEntry(): URL | string {
  // The bundle (out/node) has its own sessionThread.js, which needs no TypeScript loader.
  if (!import.meta.url.endsWith('.ts')) return join(NODE_BUNDLE_DIR, 'sessionThread.js');
  return new URL('./sessionBootstrap.mjs', import.meta.url);
}

/** How long close() waits for runs in flight before the thread is stopped anyway. */
const CLOSE_GRACE_MS = 10_000;

export interface SessionHost {
  readonly provider: string;
  readonly names: Record<OcrModelName, ModelNames>;
  /** A new port to the thread for one engine worker (transfer it to that worker). */
  connect(): MessagePort;
  close(): Promise<void>;
}

export class SessionThreadError extends Error {}

export function startSessionThread(provider: string, threads: number, batch: BatchLimits = BATCH_DEFAULTS): Promise<SessionHost> {
  optOutOfOnnxTelemetry();
  const worker = new Worker(threadEntry(), { workerData: { provider, threads, batch } satisfies SessionThreadData, execArgv: [] });
  const post = (msg: ToSessionThread, transfer?: MessagePort[]): void => worker.postMessage(msg, transfer);
  let exited = false;
  const listeners = new Set<(msg: FromSessionThread) => void>();
  const next = <K extends 'ready' | 'closed'>(key: K): Promise<Extract<FromSessionThread, Record<K, unknown>>> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new SessionThreadError(`the ${provider} session thread has exited`));
      const on = (msg: FromSessionThread): void => {
        if (!(key in msg)) return;
        listeners.delete(on);
        resolve(msg as Extract<FromSessionThread, Record<K, unknown>>);
      };
      listeners.add(on);
      worker.once('exit', (code) => {
        listeners.delete(on);
        reject(new SessionThreadError(`the ${provider} session thread exited with code ${code}`));
      });
    });
  worker.on('message', (msg: FromSessionThread) => {
    for (const l of [...listeners]) l(msg);
  });
  worker.on('error', () => undefined);
  worker.once('exit', () => (exited = true));

  return next('ready').then(async (ready) => {
    if (!ready.ready) {
      await worker.terminate();
      throw new SessionThreadError(ready.reason);
    }
    const host: SessionHost = {
      provider,
      names: ready.names,
      connect() {
        const { port1, port2 } = new MessageChannel();
        post({ connect: port1 }, [port1]);
        return port2;
      },
      async close() {
        if (exited) return;
        const closed = next('closed').catch(() => undefined);
        post({ close: true });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, CLOSE_GRACE_MS)))]);
        clearTimeout(timer);
        await worker.terminate();
      },
    };
    return host;
  });
}

/**
 * The engine's GPU: a session thread on `provider`, or undefined (with the one warning that says the CPU runs
 * instead, and why) when it cannot start. cpu needs no session thread: its workers hold their own sessions.
 */
export async function startGpuSessions(provider: string | undefined, batch?: BatchLimits): Promise<SessionHost | undefined> {
  if (!provider || provider === 'cpu') return undefined;
  try {
    return await startSessionThread(provider, 1, batch);
  } catch (err) {
    createLogger('engine').warn(`running on the CPU: ${providerLabel(provider)} failed to start: ${(err as Error).message}`);
    return undefined;
  }
}
