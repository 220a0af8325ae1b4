// A short rolling history for the console's charts (15 min at 5 s) and threshold alerts the GUI shows and the
// desktop app notifies: server error rate, p95 latency, engine queue depth, free disk space in the data dir.
// Engine time is also kept per model, so the console can chart each model's latency.
import { statfs } from 'node:fs/promises';
import { ALERT_THRESHOLDS } from '../config';
import type { AlertThresholds, MonitorAlert, MonitorResponse, MonitorSample } from '../contract/security';
import type { Engine } from '../engine';

export const MONITOR_INTERVAL_MS = 5_000;
const HISTORY_SAMPLES = (15 * 60_000) / MONITOR_INTERVAL_MS;

export interface Monitor {
  /** One finished request (all routes; latency in ms). */
  observe(status: number, ms: number): void;
  /** One model run's engine time in ms. */
  inference(model: string, ms: number): void;
  snapshot(): MonitorResponse;
  /** Takes a sample now (the timer does this every interval; tests may call it). */
  sample(): Promise<void>;
  close(): void;
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function createMonitor(opts: {
  engine: Engine;
  dataDir: string;
  queueDepth: () => number;
  intervalMs?: number;
  /** Read at every sample, so changed settings apply at the next one. */
  thresholds?: () => AlertThresholds;
}): Monitor {
  const intervalMs = opts.intervalMs ?? MONITOR_INTERVAL_MS;
  const thresholds = opts.thresholds ?? ((): AlertThresholds => ALERT_THRESHOLDS);
  const samples: MonitorSample[] = [];
  const since = new Map<MonitorAlert['kind'], number>();
  let alerts: MonitorAlert[] = [];
  let disk: MonitorResponse['disk'] = null;
  let latencies: number[] = [];
  let modelMs = new Map<string, number[]>();
  let count = 0;
  let serverErrors = 0;
  let windowStart = Date.now();
  let cpuBase = process.cpuUsage();
  let cpuAt = performance.now();

  const raise = (
    kind: MonitorAlert['kind'],
    value: number,
    levels: { warning: number; critical: number },
    above: boolean,
    message: string,
    now: number,
    out: MonitorAlert[],
  ): void => {
    const hit = (threshold: number): boolean => (above ? value >= threshold : value <= threshold);
    const severity = hit(levels.critical) ? 'critical' : hit(levels.warning) ? 'warning' : null;
    if (!severity) {
      since.delete(kind);
      return;
    }
    if (!since.has(kind)) since.set(kind, now);
    out.push({ kind, severity, message, value, threshold: levels[severity], since: since.get(kind)! });
  };

  const refreshDisk = async (): Promise<void> => {
    try {
      const fs = await statfs(opts.dataDir);
      disk = { freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
    } catch {
      disk = null;
    }
  };

  const sample = async (): Promise<void> => {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - windowStart) / 1000);
    const sorted = latencies.sort((a, b) => a - b);
    const models: MonitorSample['models'] = {};
    for (const [model, ms] of modelMs) {
      ms.sort((a, b) => a - b);
      models[model] = { runs: ms.length, p50Ms: quantile(ms, 0.5)!, p95Ms: quantile(ms, 0.95)! };
    }
    const stats = opts.engine.stats();
    const cpu = process.cpuUsage(cpuBase);
    const elapsedUs = Math.max(1, (performance.now() - cpuAt) * 1000);
    const s: MonitorSample = {
      t: now,
      requestsPerSec: count / seconds,
      p50Ms: quantile(sorted, 0.5),
      p95Ms: quantile(sorted, 0.95),
      errorRate: count ? serverErrors / count : 0,
      queueDepth: stats.queued,
      inFlight: stats.inFlight,
      // Of one core; a busy multi-threaded engine can read above 100.
      cpuPercent: ((cpu.user + cpu.system) / elapsedUs) * 100,
      rssBytes: process.memoryUsage.rss(),
      models,
    };
    const requestsInWindow = count;
    latencies = [];
    modelMs = new Map();
    count = 0;
    serverErrors = 0;
    windowStart = now;
    cpuBase = process.cpuUsage();
    cpuAt = performance.now();
    samples.push(s);
    if (samples.length > HISTORY_SAMPLES) samples.shift();
    await refreshDisk();
    const next: MonitorAlert[] = [];
    const t = thresholds();
    if (requestsInWindow >= t.errorRate.minRequests) {
      raise(
        'error_rate',
        s.errorRate,
        t.errorRate,
        true,
        `${(s.errorRate * 100).toFixed(1)}% of requests failed with a server error`,
        now,
        next,
      );
    } else since.delete('error_rate');
    if (s.p95Ms !== null) raise('p95_latency', s.p95Ms, t.p95Ms, true, `p95 latency is ${Math.round(s.p95Ms)} ms`, now, next);
    else since.delete('p95_latency');
    const depth = Math.max(1, opts.queueDepth());
    raise('queue_depth', s.queueDepth / depth, t.queueShare, true, `engine queue holds ${s.queueDepth} of ${depth} images`, now, next);
    if (disk) {
      const gib = (disk.freeBytes / 1024 ** 3).toFixed(1);
      raise('disk_space', disk.freeBytes, t.diskFreeBytes, false, `only ${gib} GiB free for the data dir`, now, next);
    }
    alerts = next;
  };

  const timer = setInterval(() => void sample().catch(() => undefined), intervalMs);
  timer.unref();
  void refreshDisk();

  return {
    observe(status, ms) {
      count += 1;
      if (status >= 500) serverErrors += 1;
      // Bounded: at most this many latencies per window, which is plenty for a p95.
      if (latencies.length < 50_000) latencies.push(ms);
    },
    inference(model, ms) {
      let list = modelMs.get(model);
      if (!list) modelMs.set(model, (list = []));
      if (list.length < 50_000) list.push(ms);
    },
    snapshot: () => ({ intervalMs, samples: [...samples], alerts: [...alerts], thresholds: thresholds(), disk }),
    sample,
    close: () => clearInterval(timer),
  };
}
