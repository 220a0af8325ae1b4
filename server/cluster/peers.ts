// Load-balanced interactive calls: when this node's engine is busy, an OCR, classify or infer call goes to the least loaded
// peer that is up (request/reply on the peer's own subject, sealed) and the answer names the node that served
// it. Each peer has a circuit breaker, so a peer that fails or times out is skipped and probed again later.
// The API key was already checked and the call is metered on the node the client called.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { AppError, isAppError } from '../appError';
import type { ClusterNode } from '../contract/cluster';
import { RETRY_LATER_CODES, type ErrorCode } from '../contract/errors';
import type { Engine } from '../engine';
import { createLogger } from '../logger';
import { createBreaker, type Breaker } from './breaker';
import { frame, unframe, type Sealer } from './sealed';

const log = createLogger('cluster');
const rpcSubject = (nodeId: string): string => `hearth.rpc.${nodeId}`;
/** A peer gets this long to answer before its breaker counts a failure and the call runs here. */
const PEER_TIMEOUT_MS = 30_000;

/** What a peer is asked to run; the image (if any) travels beside it. */
export interface PeerCall {
  kind: 'ocr' | 'classify' | 'infer';
  model?: string;
  topK?: number;
  /** A classify call's PDF page. */
  page?: number;
  /** The tensor request of an infer call. */
  request?: unknown;
}

export type Served<T> = T & { node: string };

export interface Offload {
  /** Runs `local` here unless this node is busy and a peer is less so; the answer names the node that served. */
  run<T extends object>(call: PeerCall, image: Uint8Array, local: () => Promise<T>): Promise<Served<T>>;
  close(): Promise<void>;
}

interface Reply {
  result?: unknown;
  error?: { code: string; message: string; status: number };
}

const loadOf = (n: Pick<ClusterNode, 'queueDepth' | 'workers'>): number => n.queueDepth / Math.max(1, n.workers);

export function startOffload(opts: {
  nc: NatsConnection;
  nodeId: string;
  name: string;
  engine: Engine;
  sealer: Sealer;
  /** The latest view of the other nodes (from heartbeats). */
  peers: () => ClusterNode[];
  /** Runs a peer's call on this node. */
  serve: (call: PeerCall, image: Buffer) => Promise<unknown>;
}): Offload {
  const { nc, engine, sealer } = opts;
  const breakers = new Map<string, Breaker>();
  const breakerOf = (id: string): Breaker => {
    let b = breakers.get(id);
    if (!b) breakers.set(id, (b = createBreaker({ failures: 3, openMs: 10_000 })));
    return b;
  };

  // Serve peers: a queue group, so a node run as several processes under one id shares the calls.
  const sub: Subscription = nc.subscribe(rpcSubject(opts.nodeId), {
    queue: 'hearth-rpc',
    callback: (err, msg) => {
      if (err) return;
      void (async () => {
        let reply: Reply;
        try {
          const { header, body } = unframe<PeerCall>(sealer.open(msg.data, 'rpc'));
          reply = { result: await opts.serve(header, body) };
        } catch (e) {
          reply = {
            error: isAppError(e)
              ? { code: e.code, message: e.message, status: e.status }
              : { code: 'internal_error', message: 'recognition failed on a peer node', status: 500 },
          };
        }
        msg.respond(sealer.seal(frame(reply), 'rpc-reply'));
      })();
    },
  });

  /** Calls this node took itself and has not answered yet: those still decoding are not in the engine's counts. */
  let servingHere = 0;
  /** Work on this node's engine per worker: what it runs and holds, or the calls it took, whichever is more. */
  const load = (): number => {
    const s = engine.stats();
    return Math.max(s.inFlight + s.queued, servingHere) / Math.max(1, s.workers);
  };

  return {
    async run<T extends object>(call: PeerCall, image: Uint8Array, local: () => Promise<T>): Promise<Served<T>> {
      const here = async (): Promise<Served<T>> => {
        servingHere++;
        try {
          return { ...(await local()), node: opts.name };
        } finally {
          servingHere--;
        }
      };
      const mine = load();
      if (mine < 1) return here();
      const candidates = opts
        .peers()
        .filter((p) => p.status === 'up' && loadOf(p) < mine)
        .sort((a, b) => loadOf(a) - loadOf(b));
      const peer = candidates.find((p) => breakerOf(p.id).allow());
      if (!peer) return here();
      const breaker = breakerOf(peer.id);
      let reply: Reply;
      try {
        const m = await nc.request(rpcSubject(peer.id), sealer.seal(frame(call, image), 'rpc'), { timeout: PEER_TIMEOUT_MS });
        reply = unframe<Reply>(sealer.open(m.data, 'rpc-reply')).header;
      } catch (err) {
        breaker.failure();
        log.warn('a peer did not answer; running the call here', { peer: peer.name, error: String(err) });
        return here();
      }
      if (reply.result) {
        breaker.success();
        return { ...(reply.result as T), node: peer.name };
      }
      const code = (reply.error?.code ?? 'internal_error') as ErrorCode;
      // A peer that is busy or closing, or lacks the model version, is no fault of the call: run it here instead.
      if (RETRY_LATER_CODES.has(code) || code === 'not_found') {
        breaker.success();
        return here();
      }
      if (code === 'internal_error') breaker.failure();
      else breaker.success();
      throw new AppError(code, reply.error?.status ?? 500, reply.error?.message ?? 'the call failed on a peer node');
    },
    async close() {
      sub.unsubscribe();
    },
  };
}
