// Owner-editable settings (limits, retention, shared roots, allowed hosts, alert thresholds): validated, written to <data>/config.json
// (keeping whatever else that file holds) and applied to the live config object so the next request sees them.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../appError';
import { mergeAlerts, type Config } from '../config';
import type { Settings, SettingsUpdate } from '../contract/security';

export function settingsOf(config: Config): Settings {
  return {
    limits: { ...config.limits },
    retention: { ...config.retention },
    sharedRoots: [...config.sharedRoots],
    allowedHosts: [...config.allowedHosts],
    alerts: structuredClone(config.alerts),
    provider: config.engine.provider,
    dataDir: config.dataDir,
  };
}

/** Merges `patch` into <data>/config.json atomically (write a temp file, then rename). */
export function persistConfig(dataDir: string, patch: Record<string, unknown>): void {
  const file = join(dataDir, 'config.json');
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      throw new AppError('conflict', 409, `${file} is not valid JSON; fix or remove it, then try again`);
    }
  }
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** Merges `patch` into the "engine" object of <data>/config.json, keeping its other keys. */
function persistEngine(dataDir: string, patch: Record<string, unknown>): void {
  const file = join(dataDir, 'config.json');
  let engine: Record<string, unknown> = {};
  try {
    engine = ((JSON.parse(readFileSync(file, 'utf8')) as { engine?: Record<string, unknown> }).engine ?? {});
  } catch {
    // Absent or unreadable: persistConfig says so when it is unreadable.
  }
  persistConfig(dataDir, { engine: { ...engine, ...patch } });
}

/** Validates the combined result, persists it and mutates `config` in place (other parts hold references to it). */
export function applySettings(config: Config, update: SettingsUpdate): Settings {
  const next: Omit<Settings, 'dataDir' | 'provider'> = {
    limits: { ...config.limits, ...update.limits },
    retention: { ...config.retention, ...update.retention },
    sharedRoots: update.sharedRoots ?? config.sharedRoots,
    allowedHosts: update.allowedHosts ?? config.allowedHosts,
    alerts: mergeAlerts(config.alerts, update.alerts),
  };
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
  persistConfig(config.dataDir, {
    limits: next.limits,
    retention: next.retention,
    sharedRoots: next.sharedRoots,
    allowedHosts: next.allowedHosts,
    alerts: next.alerts,
  });
  if (update.provider !== undefined) {
    // Read at start: the engine keeps its provider until the node restarts.
    persistEngine(config.dataDir, { provider: update.provider });
    config.engine.provider = update.provider;
  }
  Object.assign(config.limits, next.limits);
  Object.assign(config.retention, next.retention);
  config.sharedRoots = [...next.sharedRoots];
  config.allowedHosts = [...next.allowedHosts];
  config.alerts = next.alerts;
  return settingsOf(config);
}
