// Prometheus metrics for one node, in its own Registry (tests and the desktop app may run several nodes per process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Engine } from '../engine';
import type { Store } from '../store';

export interface NodeMetrics {
  readonly registry: Registry;
  /** One finished HTTP request; `route` is the route template, never the raw path (bounded label values). */
  request(labels: { method: string; route: string; status: number }, seconds: number): void;
  /** One request refused with 503 and Retry-After because the node was busy or stopping (load shed). */
  shed(labels: { route: string }): void;
  /** One model run, per model and execution provider. */
  inference(labels: { task: string; model: string; provider: string }, seconds: number): void;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(engine: Engine, db: Store['db']): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hearth_' });
  const requests = new Counter({
    name: 'hearth_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hearth_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const shed = new Counter({
    name: 'hearth_load_shed_total',
    help: 'Requests refused with 503 and Retry-After (engine queue full, shutting down), by route',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  const inference = new Histogram({
    name: 'hearth_inference_duration_seconds',
    help: 'Engine time per model run, by task, model and execution provider',
    labelNames: ['task', 'model', 'provider'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  // Job figures come from the store at scrape time: durable, and no hook needed in the job runner.
  const jobQuery = (sql: string): Record<string, number>[] => {
    try {
      return db.prepare(sql).all() as Record<string, number>[];
    } catch {
      return [];
    }
  };
  new Gauge({
    name: 'hearth_job_items',
    help: 'Items of all stored bulk jobs, by outcome (done includes reused)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      const [row] = jobQuery(
        'SELECT COALESCE(SUM(done), 0) AS done, COALESCE(SUM(failed), 0) AS failed, COALESCE(SUM(reused), 0) AS reused, COALESCE(SUM(total), 0) AS total FROM jobs',
      );
      for (const outcome of ['done', 'failed', 'reused', 'total'] as const) this.set({ outcome }, Number(row?.[outcome] ?? 0));
    },
  });
  new Gauge({
    name: 'hearth_jobs',
    help: 'Stored bulk jobs by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of jobQuery('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state') as unknown as { state: string; n: number }[]) {
        this.set({ state: r.state }, r.n);
      }
    },
  });
  const engineGauge = (name: string, help: string, read: (s: ReturnType<Engine['stats']>) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(engine.stats()));
      },
    });
  };
  engineGauge('hearth_engine_queue_depth', 'Images waiting for an engine worker', (s) => s.queued);
  engineGauge('hearth_engine_in_flight', 'Images being processed by engine workers', (s) => s.inFlight);
  engineGauge('hearth_engine_workers', 'Engine worker threads', (s) => s.workers);
  engineGauge('hearth_engine_processed', 'Images processed by the engine since start', (s) => s.processed);
  engineGauge('hearth_engine_cache_hits', 'Engine result cache hits since start', (s) => s.cacheHits);
  engineGauge('hearth_engine_cache_misses', 'Engine result cache misses since start', (s) => s.cacheMisses);

  return {
    registry,
    request(labels, seconds) {
      const l = { method: labels.method, route: labels.route, status: String(labels.status) };
      requests.inc(l);
      duration.observe(l, seconds);
    },
    shed(labels) {
      shed.inc(labels);
    },
    inference(labels, seconds) {
      inference.observe(labels, seconds);
    },
  };
}
