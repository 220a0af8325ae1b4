// Several Hearth nodes as one service on NATS JetStream: joins (membership heartbeats in KV), pulls shared work
// as the engine has room, and routes this node's job items through the queue. Absent without a cluster URL.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { AppError } from '../appError';
import type { Config } from '../config';
import type { ClusterNode, ClusterQueue, ClusterResponse } from '../contract/cluster';
import type { HealthModel } from '../contract/health';
import type { Engine } from '../engine';
import type { ModelService } from '../engine/models/service';
import type { Recogniser } from '../jobs';
import { createLogger } from '../logger';
import { VERSION } from '../version';
import { resolveClusterKey } from './clusterKey';
import { connectLink } from './connection';
import { createDispatcher, type Dispatcher } from './dispatch';
import { startHeartbeats, type Membership } from './membership';
import {
  CLASSES,
  CLUSTER_BUCKET,
  DEDUP_WINDOW_NS,
  MODELS_BUCKET,
  NODES_BUCKET,
  NODES_TTL_MS,
  PAYLOAD_BUCKET,
  RESULT_STREAM,
  resultConsumer,
  resultSubject,
  WORK_STREAM,
  workConsumer,
  workSubject,
  type WorkClass,
} from './names';
import { createSealer, type Sealer } from './sealed';
import { syncModels, type ModelSync } from './models';
import { startOffload, type Offload, type PeerCall, type Served } from './peers';
import { startPuller, type WorkPuller } from './worker';

const log = createLogger('cluster');
const NODE_ID_FILE = 'cluster-node.id';
/** A node leaving with SIGTERM finishes its in-flight items within this, then hands the rest back. */
const DRAIN_MS = 4_000;

/** Waits for `p` at most `ms`; true when it settled in time. */
async function bounded(p: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (!p) return true;
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}

export interface ClusterDeps {
  config: Config;
  engine: Engine;
  models: { summaries(): HealthModel[] };
}

/** What the cluster needs to know from the job service. */
export interface JobItems {
  /** Whether the item (`<job>.<item>`) still waits for its result. */
  itemPending(item: string): boolean;
}

/** A KV bucket on the node's NATS connection, for a part that keeps cluster-wide state of its own. */
export interface SharedBucket {
  kv: KV;
  /** The NATS server, as the node was told (for messages). */
  server: string;
  /** Whether the link to NATS is up right now. */
  connected(): boolean;
  /** The cluster key, for entries that must not lie on NATS in plain form. */
  sealer: Sealer;
}

export interface Cluster {
  readonly nodeId: string;
  /** Opens (creating when missing) the KV bucket `name`; entries untouched for `ttlMs` (0: never) fall away. */
  openBucket(name: string, opts: { ttlMs: number }): Promise<SharedBucket>;
  /** The engine for job items: items with an id go through the shared queue, the rest run here. */
  recogniser: Recogniser;
  /** Starts collecting this node's results (needs the job service, which needs the recogniser first). */
  start(jobs: JobItems): Promise<void>;
  /** The model service to serve with: imports and activations reach every node, and this node follows theirs. */
  syncModels(local: ModelService): Promise<ModelService>;
  /** An interactive call (OCR, classify, infer): here, or on a less busy peer when this node is busy; names the node that served. */
  interactive<T extends object>(call: PeerCall, image: Uint8Array, local: () => Promise<T>): Promise<Served<T>>;
  /** The URL this node is reachable at, for the others' Cluster view. */
  attachUrl(url: string): void;
  view(): Promise<ClusterResponse>;
  /** Whether a node has left or is long silent by its heartbeats (false while this node cannot tell yet). */
  nodeGone(id: string): boolean;
  /** Drains: stops taking items, finishes or hands back in-flight ones, sends a last heartbeat, disconnects. */
  close(): Promise<void>;
}

/** The node's id in the cluster: kept in the data dir so a restarted node collects the results it is owed. */
function nodeIdOf(dataDir: string): string {
  const file = join(dataDir, NODE_ID_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomBytes(6).toString('hex');
  writeFileSync(file, id + '\n', { flag: 'wx' });
  return id;
}

async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[]): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams.add({
      name,
      subjects,
      // Work queue: a message is gone once acknowledged; file storage survives a NATS restart.
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: DEDUP_WINDOW_NS,
    });
  }
}

async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  name: string,
  subject: string,
  cfg: { ackWaitMs: number; maxDeliver: number },
): Promise<void> {
  const c = {
    durable_name: name,
    filter_subject: subject,
    ack_policy: AckPolicy.Explicit,
    ack_wait: cfg.ackWaitMs * 1_000_000,
    max_deliver: cfg.maxDeliver,
    max_ack_pending: -1,
  };
  try {
    await jsm.consumers.add(stream, c);
  } catch {
    // Exists with other timings (another node's settings): take the ones given to this node when the server
    // allows the change, else keep the cluster's and say so.
    await jsm.consumers.update(stream, name, { ack_wait: c.ack_wait, max_deliver: c.max_deliver }).catch((err: unknown) => {
      log.warn('the queue keeps the timings it was created with', { consumer: name, error: String(err) });
    });
  }
}

export async function joinCluster(deps: ClusterDeps): Promise<Cluster> {
  const { config, engine } = deps;
  const cc = config.cluster;
  const nodeId = nodeIdOf(config.dataDir);
  const name = cc.name ?? hostname();
  const sealer = createSealer(resolveClusterKey(config.dataDir, cc.key).key);
  const link = await connectLink(cc, name);
  const { nc } = link;
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const kvm = new Kvm(js);
    const facts = await kvm.create(CLUSTER_BUCKET, { storage: StorageType.File, history: 1 });
    try {
      await facts.create('keycheck', sealer.check);
    } catch {
      const e = await facts.get('keycheck');
      if (e && e.string() !== sealer.check) {
        throw new AppError(
          'cluster_key_mismatch',
          500,
          'this node holds another cluster key than the cluster: give it the same key as the others (HEARTH_CLUSTER_KEY or <data>/cluster.key)',
          { operational: true },
        );
      }
    }
    // Entries of nodes gone for good fall away on their own.
    const nodesKv = await kvm.create(NODES_BUCKET, { storage: StorageType.File, history: 1, ttl: NODES_TTL_MS });
    const objm = new Objm(js);
    const payloads = await objm.create(PAYLOAD_BUCKET, { storage: StorageType.File });
    const modelsKv = await kvm.create(MODELS_BUCKET, { storage: StorageType.File, history: 1 });
    const modelBundles = await objm.create(MODELS_BUCKET, { storage: StorageType.File });
    await ensureStream(jsm, WORK_STREAM, CLASSES.map(workSubject));
    await ensureStream(jsm, RESULT_STREAM, [resultSubject('*')]);
    // One try more than maxDeliver: the extra delivery turns an item that keeps stopping workers into an error.
    for (const cls of CLASSES)
      await ensureConsumer(jsm, WORK_STREAM, workConsumer(cls), workSubject(cls), {
        ackWaitMs: cc.ackWaitMs,
        maxDeliver: cc.maxDeliver + 1,
      });
    await ensureConsumer(jsm, RESULT_STREAM, resultConsumer(nodeId), resultSubject(nodeId), { ackWaitMs: 30_000, maxDeliver: -1 });
    const consumers = {
      interactive: await js.consumers.get(WORK_STREAM, workConsumer('interactive')),
      bulk: await js.consumers.get(WORK_STREAM, workConsumer('bulk')),
    };

    let url = '';
    let puller: WorkPuller | undefined;
    let dispatcher: Dispatcher | undefined;
    let membership: Membership | undefined;
    let collecting: Promise<void> | undefined;
    let offload: Offload | undefined;
    let modelSync: ModelSync | undefined;
    let servedModels: ModelService | undefined;
    let lastView: { nodes: ClusterNode[]; queues: Record<string, ClusterQueue> } = { nodes: [], queues: {} };
    let closing = false;

    const beat = () => {
      const s = engine.stats();
      return {
        id: nodeId,
        name,
        url,
        version: VERSION,
        providers: engine.providers,
        workers: s.workers,
        queueDepth: s.inFlight + s.queued,
        throughput: puller?.stats.throughput() ?? 0,
        processed: puller?.stats.processed ?? 0,
        deadLetters: puller?.stats.deadLetters ?? 0,
        models: deps.models.summaries().map((m) => ({ id: m.id, version: m.version })),
      };
    };

    const queueOf = async (stream: string, consumer: string): Promise<ClusterQueue> => {
      const info = await jsm.consumers.info(stream, consumer);
      return {
        pending: info.num_pending,
        inFlight: info.num_ack_pending,
        redelivered: info.num_redelivered,
        delivered: info.delivered.consumer_seq,
      };
    };

    const recogniser: Recogniser = {
      ocr(image, opts) {
        if (!opts?.item || !dispatcher) return engine.ocr(image, opts);
        const cls: WorkClass = opts.item.interactive ? 'interactive' : 'bulk';
        return dispatcher.submit(opts.item.key, image, cls);
      },
      // PDF pages are read where the job is: the file is on this node's disk.
      pdfPages: (pdf, opts) => engine.pdfPages(pdf, opts),
      ocrPdfPage: (pdf, page, opts) => engine.ocrPdfPage(pdf, page, opts),
      stats: () => engine.stats(),
    };

    log.info('joined the cluster', { node: nodeId, name });
    return {
      nodeId,
      recogniser,
      async openBucket(bucket, o) {
        const kv = await kvm.create(bucket, { storage: StorageType.File, history: 1, ttl: o.ttlMs });
        return { kv, server: cc.url ?? '', connected: () => link.connected(), sealer };
      },
      async start(jobs) {
        dispatcher = createDispatcher({ nodeId, js, payloads, sealer, pending: (item) => jobs.itemPending(item) });
        const results = await js.consumers.get(RESULT_STREAM, resultConsumer(nodeId));
        const d = dispatcher;
        collecting = (async () => {
          while (!closing) {
            try {
              const msgs = await results.consume({ max_messages: 256 });
              for await (const m of msgs) await d.onResult(m);
            } catch (err) {
              if (closing) break;
              log.debug('result stream interrupted; resuming', { error: String(err) });
              await new Promise((r) => setTimeout(r, 500));
            }
          }
        })();
        puller = startPuller({ nodeId, js, consumers, payloads, sealer, engine, ackWaitMs: cc.ackWaitMs, maxDeliver: cc.maxDeliver });
        const m = startHeartbeats(nodesKv, { heartbeatMs: cc.heartbeatMs, downAfterMs: cc.downAfterMs, forgetAfterMs: NODES_TTL_MS, beat });
        membership = m;
        const serve = async (call: PeerCall, image: Buffer): Promise<unknown> => {
          if (call.kind === 'ocr') return engine.ocr(image);
          if (!servedModels || !call.model) throw new AppError('not_found', 404, 'no such model on this node');
          if (call.kind === 'classify') return servedModels.classify(call.model, image, { topK: call.topK, page: call.page });
          return servedModels.infer(call.model, call.request as Parameters<ModelService['infer']>[1]);
        };
        // The peers' load as of their last heartbeats, for choosing where an interactive call goes.
        const peers = (): ClusterNode[] => m.nodes(nodeId).filter((n) => n.id !== nodeId);
        offload = startOffload({ nc, nodeId, name, engine, sealer, peers, serve });
      },
      async syncModels(local) {
        modelSync = await syncModels(local, { kv: modelsKv, bundles: modelBundles, sealer });
        servedModels = modelSync.service;
        return servedModels;
      },
      async interactive(call, image, local) {
        if (!offload) return { ...(await local()), node: name };
        return offload.run(call, image, local);
      },
      nodeGone: (id) => membership?.gone(id) ?? false,
      attachUrl(u) {
        url = u;
        membership?.refresh();
      },
      async view() {
        // Away from NATS (a restart, a network cut): the last view, every other node marked unknown-down, and
        // `connected: false`, so the console can say the node is reconnecting.
        if (closing || !link.connected()) {
          const self: ClusterNode = { ...beat(), status: 'up', self: true };
          return {
            nodes: [self, ...lastView.nodes.filter((n) => n.id !== nodeId).map((n) => ({ ...n, status: 'down' as const }))],
            queues: lastView.queues,
            connected: false,
          };
        }
        try {
          const nodes = membership ? membership.nodes(nodeId) : [];
          const queues: Record<string, ClusterQueue> = {};
          for (const cls of CLASSES) queues[cls] = await queueOf(WORK_STREAM, workConsumer(cls));
          lastView = { nodes, queues };
          return { nodes, queues, connected: true };
        } catch (err) {
          throw new AppError('cluster_unavailable', 503, `the cluster cannot be read right now: ${(err as Error).message}`);
        }
      },
      async close() {
        if (closing) return;
        closing = true;
        if (puller) {
          const { finished, returned } = await puller.drain(DRAIN_MS);
          log.info('left the work queue', { finished, returned });
        }
        dispatcher?.abort();
        modelSync?.stop();
        await offload?.close();
        // With the NATS server away these would wait for it: give each a moment, then close hard.
        await bounded(membership?.leave(), 1_000);
        if (!(await bounded(nc.drain(), 1_500))) await nc.close().catch(() => undefined);
        await bounded(collecting, 500);
      },
    };
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err;
  }
}
