// The settings the owner changes while the node runs (limits, retention, shared roots, allowed hosts, alert
// thresholds, LAN exposure, and the execution provider for the next start): the one owner of <data>/config.json after start. The start-up Config stays as it was;
// parts read the live values here and subscribe to typed change events, which fire before an update returns, so
// the very next request obeys.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../appError';
import { mergeAlerts, type Config } from '../config';
import type { ClusterSettings, ClusterSettingsUpdate } from '../contract/cluster';
import type { ProviderSetting } from '../contract/providers';
import type { AlertThresholds, Settings, SettingsUpdate } from '../contract/security';

export interface Exposure {
  lan: boolean;
  /** Interface the node listens on. */
  host: string;
}

export interface LiveSettings extends Exposure {
  limits: Config['limits'];
  retention: Config['retention'];
  sharedRoots: readonly string[];
  allowedHosts: readonly string[];
  alerts: AlertThresholds;
  ocr: Config['ocr'];
  /** The OCR's execution provider setting; read when the engine starts, so a change applies at the next start. */
  provider: ProviderSetting;
}

/** Change events by name, each carrying the new value. */
export interface SettingsEvents {
  limits: LiveSettings['limits'];
  retention: LiveSettings['retention'];
  sharedRoots: LiveSettings['sharedRoots'];
  allowedHosts: LiveSettings['allowedHosts'];
  alerts: LiveSettings['alerts'];
  ocr: LiveSettings['ocr'];
  exposure: Exposure;
}

export interface SettingsService {
  /** The live values (frozen; replaced, never changed in place). */
  current(): Readonly<LiveSettings>;
  /** What GET /v1/settings answers. */
  view(): Settings;
  /** Validates, persists, then applies `change` and tells the subscribers; 400 when the result does not hold together. */
  update(change: SettingsUpdate): Settings;
  /** Sets LAN exposure; persisted unless it only puts back what was there (a failed switch). */
  setExposure(at: Exposure, opts?: { persist?: boolean }): void;
  on<K extends keyof SettingsEvents>(name: K, listener: (value: SettingsEvents[K]) => void): () => void;
  /** Saves which cluster the node joins at its next start (URL, name); credentials and timings in the file stay. */
  saveCluster(change: ClusterSettingsUpdate): ClusterSettings;
}

/** Freezes an object and everything it holds (the start-up Config, the live settings). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new AppError('conflict', 409, `${file} is not valid JSON; fix or remove it, then try again`);
  }
}

/** Merges `patch` into <data>/config.json atomically (write a temp file, then rename), keeping what else it holds. */
function persistConfig(dataDir: string, patch: Record<string, unknown>): void {
  const file = join(dataDir, 'config.json');
  const current = readConfigFile(file);
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** The "engine" object of <data>/config.json as it is now (the provider goes in there beside the rest). */
function fileEngine(dataDir: string): Record<string, unknown> {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as { engine?: Record<string, unknown> }).engine ?? {};
  } catch {
    return {};
  }
}

/** Rules across fields that the schema alone cannot state. */
function checkConsistent(next: Omit<LiveSettings, 'lan' | 'host' | 'provider'>): void {
  if (next.limits.headersTimeoutMs > next.limits.requestTimeoutMs) {
    throw new AppError('invalid_body', 400, 'limits.headersTimeoutMs must not exceed limits.requestTimeoutMs');
  }
  for (const kind of ['errorRate', 'p95Ms', 'queueShare'] as const) {
    if (next.alerts[kind].warning > next.alerts[kind].critical) {
      throw new AppError('invalid_body', 400, `alerts.${kind}.warning must not exceed alerts.${kind}.critical`);
    }
  }
  // Free disk space alerts when it falls: the critical level is the lower one.
  if (next.alerts.diskFreeBytes.warning < next.alerts.diskFreeBytes.critical) {
    throw new AppError('invalid_body', 400, 'alerts.diskFreeBytes.warning must not be below alerts.diskFreeBytes.critical');
  }
}

export function createSettingsService(config: Config): SettingsService {
  let live: Readonly<LiveSettings> = deepFreeze({
    limits: { ...config.limits },
    retention: { ...config.retention },
    sharedRoots: [...config.sharedRoots],
    allowedHosts: [...config.allowedHosts],
    alerts: structuredClone(config.alerts),
    ocr: { ...config.ocr },
    provider: config.engine.provider,
    lan: config.lan,
    host: config.host,
  });
  const events = new EventEmitter();

  const emit = <K extends keyof SettingsEvents>(name: K, value: SettingsEvents[K]): void => {
    events.emit(name, value);
  };

  const view = (): Settings => ({
    limits: { ...live.limits },
    retention: { ...live.retention },
    sharedRoots: [...live.sharedRoots],
    allowedHosts: [...live.allowedHosts],
    alerts: structuredClone(live.alerts),
    ocr: { ...live.ocr },
    provider: live.provider,
    dataDir: config.dataDir,
  });

  return {
    current: () => live,
    view,
    update(change) {
      const next = {
        limits: { ...live.limits, ...change.limits },
        retention: { ...live.retention, ...change.retention },
        sharedRoots: change.sharedRoots ?? live.sharedRoots,
        allowedHosts: change.allowedHosts ?? live.allowedHosts,
        alerts: mergeAlerts(live.alerts, change.alerts),
        ocr: { ...live.ocr, ...change.ocr },
      };
      checkConsistent(next);
      persistConfig(config.dataDir, structuredClone(next));
      if (change.provider) persistConfig(config.dataDir, { engine: { ...fileEngine(config.dataDir), provider: change.provider } });
      live = deepFreeze(structuredClone({ ...live, ...next, provider: change.provider ?? live.provider }));
      if (change.limits) emit('limits', live.limits);
      if (change.retention) emit('retention', live.retention);
      if (change.sharedRoots) emit('sharedRoots', live.sharedRoots);
      if (change.allowedHosts) emit('allowedHosts', live.allowedHosts);
      if (change.alerts) emit('alerts', live.alerts);
      if (change.ocr) emit('ocr', live.ocr);
      return view();
    },
    setExposure(at, opts = {}) {
      if (opts.persist !== false) persistConfig(config.dataDir, { lan: at.lan, host: at.lan ? at.host : undefined });
      if (at.lan === live.lan && at.host === live.host) return;
      live = deepFreeze({ ...live, lan: at.lan, host: at.host });
      emit('exposure', { lan: at.lan, host: at.host });
    },
    saveCluster(change) {
      const saved = (readConfigFile(join(config.dataDir, 'config.json')).cluster ?? {}) as Record<string, unknown>;
      const next: ClusterSettings = {
        url: change.url,
        name: change.name === undefined ? ((saved.name as string | undefined) ?? null) : change.name,
      };
      const cluster: Record<string, unknown> = { ...saved, url: next.url ?? undefined, name: next.name ?? undefined };
      for (const k of Object.keys(cluster)) if (cluster[k] === undefined) delete cluster[k];
      persistConfig(config.dataDir, { cluster: Object.keys(cluster).length ? cluster : undefined });
      return next;
    },
    on(name, listener) {
      const l = listener as (value: unknown) => void;
      events.on(name, l);
      return () => events.off(name, l);
    },
  };
}
