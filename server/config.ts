// The node's one typed config: defaults → <data>/config.json → environment → CLI flags, validated at start.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { alertThresholdsSchema, type AlertThresholds } from './contract/security';
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
  /** Store key from HEARTH_STORE_KEY; when absent headless mode keeps one in <data>/store.key. */
  storeKey: z.string().optional(),
  engine: z.object({
    /** Worker threads running models; 0 = one per core. */
    workers: z.number().int().min(0).max(64),
    /** Images waiting beyond the workers before the API sheds load with 503. */
    queueDepth: z.number().int().min(1),
    /** Results kept by content hash so the same image twice costs one run. */
    cacheEntries: z.number().int().min(0),
    /** The execution provider for OCR: 'auto' = the measured choice (providerChoice.ts), or one forced by name. */
    provider: providerSettingSchema,
  }),
  limits: z.object({
    /** Largest request body (an image upload) in bytes. */
    bodyBytes: z.number().int().min(1024),
    /** Per-key token bucket: sustained requests per minute and burst size. */
    ratePerMinute: z.number().int().min(1),
    burst: z.number().int().min(1),
    requestTimeoutMs: z.number().int().min(1000),
    headersTimeoutMs: z.number().int().min(1000),
  }),
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
});

export type Config = z.infer<typeof configSchema>;

/** Partial config as it comes from a file or flags: any subset, nested objects partial too. */
export type ConfigOverrides = Partial<Omit<Config, 'engine' | 'limits' | 'retention' | 'alerts'>> & {
  engine?: Partial<Config['engine']>;
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

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HEARTH_DATA || join(homedir(), '.hearth'));
}

function defaults(dataDir: string): Config {
  return {
    dataDir,
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    lan: false,
    engine: { workers: 0, queueDepth: 64, cacheEntries: 256, provider: 'auto' },
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
    limits: { ...base.limits, ...clean(over.limits) },
    retention: { ...base.retention, ...clean(over.retention) },
    alerts: mergeAlerts(base.alerts, over.alerts),
  };
}

function fromEnv(env: NodeJS.ProcessEnv): ConfigOverrides {
  return { storeKey: env.HEARTH_STORE_KEY || undefined };
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
  if (merged.lan && flags.host === undefined && (fileOver?.host === undefined)) merged.host = '0.0.0.0';
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
  return parsed.data;
}
