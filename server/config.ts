// The node's one typed config: defaults → <data>/config.json → environment → CLI flags, validated at start.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { defaultDataDir } from './dataDir';
import { clusterUrlSchema } from './contract/cluster';
import { LAYOUT_MODES } from './contract/ocr';
import { alertThresholdsSchema, limitsSchema, type AlertThresholds } from './contract/security';
import { providerSettingSchema } from './contract/providers';
import { isLoopbackHost } from './loopback';

export const DEFAULT_PORT = 8686;

/** When the monitor raises alerts: warning first, critical second. Error rate needs enough requests to mean anything. */
export const ALERT_THRESHOLDS: AlertThresholds = {
  errorRate: { warning: 0.05, critical: 0.25, minRequests: 20 },
  p95Ms: { warning: 2_000, critical: 10_000 },
  /** Share of the configured engine queue depth. */
  queueShare: { warning: 0.5, critical: 0.9 },
  /** Free bytes in the data dir's file system. */
  diskFreeBytes: { warning: 2 * 1024 ** 3, critical: 512 * 1024 ** 2 },
};

const configSchema = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  lan: z.boolean(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  /** A second port serving the same node, for clients with Umi-OCR's address (1224) built in. */
  compatPort: z.number().int().min(0).max(65535).optional(),
  /** Store key from HEARTH_STORE_KEY; when absent headless mode keeps one in <data>/store.key. */
  storeKey: z.string().optional(),
  engine: z.object({
    /** Worker threads running models; 0 = one per core. */
    workers: z.number().int().min(0).max(64),
    /** ONNX threads each worker runs a model with; 0 = the cores shared out among the workers. */
    threadsPerWorker: z.number().int().min(0).max(64),
    /** Images waiting beyond the workers before the API sheds load with 503. */
    queueDepth: z.number().int().min(1),
    /** Results kept by content hash so the same image twice costs one run. */
    cacheEntries: z.number().int().min(0),
    /** The execution provider for OCR: 'auto' = the measured choice (providerChoice.ts), or one forced by name. */
    provider: providerSettingSchema,
  }),
  ocr: z.object({
    /** Layout when a request names none: columns and baselines found (auto), one column, or lines as detected. */
    layout: z.enum(LAYOUT_MODES),
  }),
  /** Body size, per-key rate (per minute, burst), request and header timeouts; bounds owned by the contract. */
  limits: limitsSchema,
  /** Folders a LAN key may submit jobs for; the owner (loopback) may use any path. */
  sharedRoots: z.array(z.string()),
  /** Extra Host header names accepted in loopback mode (127.0.0.1, localhost and [::1] always are). */
  allowedHosts: z.array(z.string()),
  retention: z.object({
    mode: z.enum(['all', 'days', 'results-only']),
    days: z.number().int().min(1),
  }),
  /** Minutes a loaded imported model stays in memory without use. */
  modelIdleMinutes: z.number().min(0),
  alerts: alertThresholdsSchema,
  /** Several nodes as one service on NATS JetStream; without `url` the node stands alone and needs no NATS. */
  cluster: z.object({
    url: clusterUrlSchema.optional(),
    /** Shown in the Cluster view; default the host name. */
    name: z.string().min(1).optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    /** File holding an nkey seed (SU...), instead of user/password. */
    nkeySeedFile: z.string().optional(),
    /** PEM CA file that signed the NATS server's certificate (TLS to NATS). */
    tlsCa: z.string().optional(),
    /** PEM certificate and key this node shows a NATS server that asks for client certificates. */
    tlsCert: z.string().optional(),
    tlsKey: z.string().optional(),
    /** Cluster key from HEARTH_CLUSTER_KEY; when absent <data>/cluster.key. */
    key: z.string().optional(),
    /** How long a worker may hold an item without a sign of life before it goes to another node. */
    ackWaitMs: z.number().int().min(1000),
    /** Tries per item before it ends as a per-file error (a file that stops a worker every time). */
    maxDeliver: z.number().int().min(1).max(100),
    heartbeatMs: z.number().int().min(200),
    /** A node without a heartbeat for this long is shown as down. */
    downAfterMs: z.number().int().min(500),
    /** Items of this node's jobs waiting on the queue at once. */
    inFlight: z.number().int().min(1),
  }),
});

export type Config = z.infer<typeof configSchema>;

/** Partial config as it comes from a file or flags: any subset, nested objects partial too. */
export type ConfigOverrides = Partial<Omit<Config, 'engine' | 'ocr' | 'limits' | 'retention' | 'alerts' | 'cluster'>> & {
  cluster?: Partial<Config['cluster']>;
  engine?: Partial<Config['engine']>;
  ocr?: Partial<Config['ocr']>;
  limits?: Partial<Config['limits']>;
  retention?: Partial<Config['retention']>;
  alerts?: AlertOverrides;
};

/** Per alert, the levels to change. */
export type AlertOverrides = { [K in keyof AlertThresholds]?: Partial<AlertThresholds[K]> };

/** Thresholds with some levels changed. */
export function mergeAlerts(base: AlertThresholds, over: AlertOverrides | undefined): AlertThresholds {
  return {
    errorRate: { ...base.errorRate, ...over?.errorRate },
    p95Ms: { ...base.p95Ms, ...over?.p95Ms },
    queueShare: { ...base.queueShare, ...over?.queueShare },
    diskFreeBytes: { ...base.diskFreeBytes, ...over?.diskFreeBytes },
  };
}

export { defaultDataDir };

function defaults(dataDir: string): Config {
  return {
    dataDir,
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    lan: false,
    engine: { workers: 0, threadsPerWorker: 0, queueDepth: 64, cacheEntries: 256, provider: 'auto' },
    ocr: { layout: 'auto' },
    limits: {
      bodyBytes: 50 * 1024 * 1024,
      ratePerMinute: 600,
      burst: 60,
      requestTimeoutMs: 120_000,
      headersTimeoutMs: 10_000,
    },
    sharedRoots: [],
    allowedHosts: [],
    retention: { mode: 'all', days: 30 },
    modelIdleMinutes: 10,
    alerts: ALERT_THRESHOLDS,
    cluster: { ackWaitMs: 30_000, maxDeliver: 5, heartbeatMs: 1_000, downAfterMs: 4_000, inFlight: 256 },
  };
}

function merge(base: Config, over: ConfigOverrides | undefined): Config {
  if (!over) return base;
  const clean = <T extends object>(o: T | undefined): Partial<T> =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...base,
    ...clean(over as Partial<Config>),
    engine: { ...base.engine, ...clean(over.engine) },
    ocr: { ...base.ocr, ...clean(over.ocr) },
    limits: { ...base.limits, ...clean(over.limits) },
    retention: { ...base.retention, ...clean(over.retention) },
    alerts: mergeAlerts(base.alerts, over.alerts),
    cluster: { ...base.cluster, ...clean(over.cluster) },
  };
}

function fromEnv(env: NodeJS.ProcessEnv): ConfigOverrides {
  return {
    storeKey: env.HEARTH_STORE_KEY || undefined,
    cluster: { key: env.HEARTH_CLUSTER_KEY || undefined, password: env.HEARTH_CLUSTER_PASSWORD || undefined },
  };
}

export class ConfigError extends Error {}

/** Builds and validates the config; throws ConfigError with a message a person can act on. */
export function loadConfig(flags: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(flags.dataDir ?? defaultDataDir(env));
  let fileOver: ConfigOverrides | undefined;
  const file = join(dataDir, 'config.json');
  if (existsSync(file)) {
    try {
      fileOver = JSON.parse(readFileSync(file, 'utf8')) as ConfigOverrides;
    } catch (err) {
      throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
    }
  }
  const merged = merge(merge(merge(defaults(dataDir), fileOver), fromEnv(env)), { ...flags, dataDir });
  if (merged.lan && flags.host === undefined && fileOver?.host === undefined) merged.host = '0.0.0.0';
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid setting ${issue.path.join('.')}: ${issue.message}`);
  }
  if (!parsed.data.lan && !isLoopbackHost(parsed.data.host)) {
    // Off loopback, keys would travel in plain HTTP: the LAN mode (TLS + keys) is the only way out.
    throw new ConfigError(`--host ${parsed.data.host} opens the node beyond this machine: add --lan (TLS and API keys)`);
  }
  if (Boolean(parsed.data.tlsCert) !== Boolean(parsed.data.tlsKey)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both or neither');
  }
  if (Boolean(parsed.data.cluster.tlsCert) !== Boolean(parsed.data.cluster.tlsKey)) {
    throw new ConfigError('--cluster-tls-cert and --cluster-tls-key go together: give both or neither');
  }
  return parsed.data;
}
