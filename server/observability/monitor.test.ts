// The rolling history and its alerts, on a real engine: a window's rate, latency quantiles and server error
// share, and each alert raised past its threshold and cleared below it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_THRESHOLDS } from '../config';
import type { AlertThresholds } from '../contract/security';
import { createEngine, type Engine } from '../engine';
import { createMonitor } from './monitor';

let engine: Engine;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hearth-monitor-'));
  engine = await createEngine({ workers: 1, queueDepth: 4, cacheEntries: 0, providers: [] });
});

afterAll(async () => {
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('monitor', () => {
  it('samples rate, p50/p95 and server error share per window', async () => {
    const m = createMonitor({ engine, dataDir, queueDepth: () => 4, intervalMs: 60_000 });
    try {
      for (let i = 1; i <= 100; i++) m.observe(i <= 10 ? 500 : i <= 30 ? 404 : 200, i);
      for (let i = 1; i <= 20; i++) m.inference('colours', i);
      m.inference('pp-ocrv4', 300);
      await m.sample();
      const s = m.snapshot();
      expect(s.thresholds).toEqual(ALERT_THRESHOLDS);
      expect(s.samples).toHaveLength(1);
      const last = s.samples[0];
      expect(last.models).toEqual({ colours: { runs: 20, p50Ms: 11, p95Ms: 20 }, 'pp-ocrv4': { runs: 1, p50Ms: 300, p95Ms: 300 } });
      expect(last.p50Ms).toBe(51);
      expect(last.p95Ms).toBe(96);
      expect(last.errorRate).toBeCloseTo(0.1);
      expect(last.requestsPerSec).toBeGreaterThan(0);
      expect(last.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(s.disk!.freeBytes).toBeGreaterThan(0);
      // Default thresholds: 10 % server errors is a warning; 96 ms p95 and an empty queue are fine.
      expect(s.alerts.filter((a) => a.kind !== 'disk_space').map((a) => [a.kind, a.severity])).toEqual([['error_rate', 'warning']]);
      await m.sample();
      expect(m.snapshot().samples[1].p95Ms).toBeNull();
      expect(m.snapshot().samples[1].models).toEqual({});
    } finally {
      m.close();
    }
  });

  it('raises alerts past thresholds, keeps their start time, and clears them', async () => {
    const strict: AlertThresholds = {
      errorRate: { warning: 0.05, critical: 0.5, minRequests: 20 },
      p95Ms: { warning: 100, critical: 1_000 },
      queueShare: { warning: 0, critical: 2 },
      diskFreeBytes: { warning: Number.MAX_SAFE_INTEGER, critical: 0 },
    };
    const m = createMonitor({ engine, dataDir, queueDepth: () => 4, intervalMs: 60_000, thresholds: () => strict });
    try {
      expect(m.snapshot().thresholds).toEqual(strict);
      for (let i = 0; i < 30; i++) m.observe(i < 20 ? 500 : 200, 2_000);
      await m.sample();
      const alerts = Object.fromEntries(m.snapshot().alerts.map((a) => [a.kind, a]));
      expect(alerts.error_rate.severity).toBe('critical');
      expect(alerts.p95_latency.severity).toBe('critical');
      expect(alerts.queue_depth.severity).toBe('warning');
      expect(alerts.disk_space.severity).toBe('warning');
      const since = alerts.error_rate.since;

      for (let i = 0; i < 30; i++) m.observe(i < 3 ? 500 : 200, 50);
      await m.sample();
      const next = Object.fromEntries(m.snapshot().alerts.map((a) => [a.kind, a]));
      expect(next.error_rate.severity).toBe('warning');
      expect(next.error_rate.since).toBe(since);
      expect(next.p95_latency).toBeUndefined();

      for (let i = 0; i < 30; i++) m.observe(200, 50);
      await m.sample();
      expect(
        m
          .snapshot()
          .alerts.map((a) => a.kind)
          .sort(),
      ).toEqual(['disk_space', 'queue_depth']);
    } finally {
      m.close();
    }
  });

  it('has sane default thresholds', () => {
    expect(ALERT_THRESHOLDS.errorRate.warning).toBeLessThan(ALERT_THRESHOLDS.errorRate.critical);
    expect(ALERT_THRESHOLDS.diskFreeBytes.warning).toBeGreaterThan(ALERT_THRESHOLDS.diskFreeBytes.critical);
  });
});
