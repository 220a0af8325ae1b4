// Observability: what each request cost and how the node fares — Prometheus metrics, the monitor's rolling
// history and alerts, per-key metering, and the audit entries of admin actions other areas' routes perform.
import type { RequestHandler } from 'express';
import { actorOf, audit } from '../admission/audit';
import type { KeyRepository } from '../admission/keys';
import type { Config } from '../config';
import type { Engine } from '../engine';
import { createLogger } from '../logger';
import type { SettingsService } from '../settings';
import type { Store } from '../store';
import { createMetering, type Metering } from './metering';
import { createMetrics, type NodeMetrics } from './metrics';
import { createMonitor, type Monitor } from './monitor';
import { createRequestMeter } from './requestMeter';

const log = createLogger('observability');

export interface Observability {
  /** Runs first on every request and measures it when its response ends. */
  meter: RequestHandler;
  /** For other areas: per-model, per-provider inference timing in /metrics. */
  readonly metrics: NodeMetrics;
  readonly metering: Metering;
  readonly monitor: Monitor;
  close(): Promise<void>;
}

export function createObservability(opts: {
  config: Config;
  settings: SettingsService;
  store: Store;
  engine: Engine;
  keys: KeyRepository;
}): Observability {
  const { config, store, engine } = opts;
  const metering = createMetering(store.db, opts.keys);
  const metrics = createMetrics(engine, store.db);
  const monitor = createMonitor({
    engine,
    dataDir: config.dataDir,
    queueDepth: () => config.engine.queueDepth,
    thresholds: () => opts.settings.current().alerts,
  });
  const meter = createRequestMeter({
    metrics,
    metering,
    monitor,
    providers: () => engine.providers,
    audit: (principal, action, detail) => {
      try {
        audit(store, actorOf(principal), action, detail);
      } catch (err) {
        log.warn('could not write an audit entry', { action, error: String(err) });
      }
    },
  });
  return {
    meter,
    metrics,
    metering,
    monitor,
    async close() {
      monitor.close();
      try {
        metering.close();
      } catch (err) {
        log.warn('could not write the last usage figures', { error: String(err) });
      }
    },
  };
}
