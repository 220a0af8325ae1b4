// A short rolling history for the console's charts (15 min at 5 s) and threshold alerts the GUI shows and the
// desktop app notifies: server error rate, p95 latency, engine queue depth, free disk space in the data dir.
import { statfs } from 'node:fs/promises';
import type { MonitorAlert, MonitorResponse, MonitorSample } from '../contract/security';
import type { Engine } from '../engine';

export const MONITOR_INTERVAL_MS = 5_000;
const HISTORY_SAMPLES = (15 * 60_000) / MONITOR_INTERVAL_MS;

export interface AlertThresholds {
  errorRate: { warning: number; critical: number; minRequests: number };
  p95Ms: { warning: number; critical: number };
  queueShare: { warning: number; critical: number };
  diskFreeBytes: { warning: number; critical: number };
}

/** Thresholds: warning first, critical second. Error rate needs enough requests to mean anything. */
export const ALERT_THRESHOLDS: AlertThresholds = {
  errorRate: { warning: 0.05, critical: 0.25, minRequests: 20 },
  p95Ms: { warning: 2_000, critical: 10_000 },
  /** Share of the configured engine queue depth. */
  queueShare: { warning: 0.5, critical: 0.9 },
  /** Free bytes in the data dir's file system. */
  diskFreeBytes: { warning: 2 * 1024 ** 3, critical: 512 * 1024 ** 2 },
};

export interface Monitor {
  /** One finished request (all routes; latency in ms). */
  observe(status: number, ms: number): void;
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
  thresholds?: AlertThresholds;
}): Monitor {
  const intervalMs = opts.intervalMs ?? MONITOR_INTERVAL_MS;
  const samples: MonitorSample[] = [];
  const since = new Map<MonitorAlert['kind'], number>();
  let alerts: MonitorAlert[] = [];
  let disk: MonitorResponse['disk'] = null;
  let latencies: number[] = [];
  let count = 0;
  let serverErrors = 0;
  let windowStart = Date.now();
  let cpuBase = process.cpuUsage();
  let cpuAt = performance.now();

  const raise = (kind: MonitorAlert['kind'], value: number, levels: { warning: number; critical: number }, above: boolean, message: string, now: number, out: MonitorAlert[]): void => {
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
    };
    const requestsInWindow = count;
    latencies = [];
    count = 0;
    serverErrors = 0;
    windowStart = now;
    cpuBase = process.cpuUsage();
    cpuAt = performance.now();
    samples.push(s);
    if (samples.length > HISTORY_SAMPLES) samples.shift();
    await refreshDisk();
    const next: MonitorAlert[] = [];
    const t = opts.thresholds ?? ALERT_THRESHOLDS;
    if (requestsInWindow >= t.errorRate.minRequests) {
      raise('error_rate', s.errorRate, t.errorRate, true, `${(s.errorRate * 100).toFixed(1)}% of requests failed with a server error`, now, next);
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
    snapshot: () => ({ intervalMs, samples: [...samples], alerts: [...alerts], disk }),
    sample,
    close: () => clearInterval(timer),
  };
}
