// Loopback mode and the runtime LAN switch on a real node: Host allow-list and Origin checks, keyless owner,
// live settings, OpenAPI, monitor, then LAN on (HTTPS, keys required, owner key handed out once) and off again.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import type { AuditResponse, MonitorResponse, NodeInfo, NodeUpdateResponse, Settings } from './contract/security';
import { startServer, type RunningServer } from './serve';
import { colourClassifier, solidPng } from './testkit/onnx';
import { send, type RequestOptions } from './testkit/request';

describe('loopback mode and the LAN switch', () => {
  let dataDir: string;
  let running: RunningServer;
  let base: string;
  let port: number;

  const request = (method: string, path: string, opts: RequestOptions = {}): ReturnType<typeof send> => send(base, method, path, opts);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hearth-loopback-'));
    running = await startServer(loadConfig({ dataDir, port: 0, storeKey: 'loopback-test-key', engine: { workers: 1 } }));
    base = running.url;
    port = Number(new URL(base).port);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts loopback Host names and refuses others (DNS rebinding)', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST`, `[::1]:${port}`]) {
      expect((await request('GET', '/v1/keys', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, '10.0.0.5']) {
      const res = await request('GET', '/v1/health', { headers: { host } });
      expect(res.status, host).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  });

  it('refuses cross-site requests from browser pages (Origin) but not the node own console', async () => {
    const body = JSON.stringify({ name: 'from page', scopes: ['infer'] });
    const evil = await request('POST', '/v1/keys', { body, headers: { origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    expect((await request('POST', '/v1/keys', { body, headers: { origin: 'null' } })).status).toBe(403);
    const same = await request('POST', '/v1/keys', { body, headers: { origin: base } });
    expect(same.status).toBe(201);
    // A key, if sent, is still checked in loopback mode.
    expect((await request('GET', '/v1/keys', { auth: 'Bearer hk_nope' })).status).toBe(401);
    expect((await request('GET', '/v1/keys', { key: same.json<{ key: string }>().key })).status).toBe(403);
  });

  it('serves OpenAPI 3.1, Prometheus metrics and the monitor to the owner', async () => {
    const doc = (await request('GET', '/v1/openapi.json')).json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/v1/health', '/v1/ocr', '/v1/classify', '/v1/jobs', '/v1/results', '/v1/keys', '/v1/usage', '/v1/models']) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
    expect(doc.paths['/v1/keys'].post).toBeDefined();
    expect(doc.paths['/v1/models/{id}/versions/{version}']?.delete).toBeDefined();
    const metrics = await request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/hearth_http_requests_total\{method="GET",route="listKeys",status="200"\} \d+/);
    await running.node.services.observability.monitor.sample();
    const monitor = (await request('GET', '/v1/monitor')).json<MonitorResponse>();
    expect(monitor.samples.length).toBeGreaterThanOrEqual(1);
    expect(monitor.samples.at(-1)!.rssBytes).toBeGreaterThan(0);
    expect(monitor.disk?.totalBytes).toBeGreaterThan(0);
    expect(monitor.thresholds.p95Ms.warning).toBeGreaterThan(0);
  });

  it('audits model changes made through the API and times inference per model and provider', async () => {
    const form = new FormData();
    form.append('model', new Blob([colourClassifier()]), 'model.onnx');
    form.append('manifest', JSON.stringify({ name: 'colours', task: 'classify', preprocess: { size: [32, 32] } }));
    form.append('labels', new Blob(['red\ngreen\nblue\n']), 'labels.txt');
    expect((await fetch(`${base}/v1/models`, { method: 'POST', body: form })).status).toBe(201);
    const classified = await request('POST', '/v1/classify?model=colours', {
      body: Buffer.from(await solidPng([0, 0, 255])),
      headers: { 'content-type': 'image/png' },
    });
    expect(classified.status).toBe(200);
    expect((await request('DELETE', '/v1/models/colours')).status).toBe(204);
    const entries = (await request('GET', '/v1/audit')).json<AuditResponse>().entries;
    expect(entries.filter((e) => e.action.startsWith('models.')).map((e) => [e.action, e.actor])).toEqual([
      ['models.delete', 'owner'],
      ['models.import', 'owner'],
    ]);
    expect(entries[0].detail).toMatchObject({ id: 'colours' });
    const metrics = (await request('GET', '/metrics')).text;
    expect(metrics).toMatch(/hearth_inference_duration_seconds_count\{task="classify",model="colours",provider="cpu"\} 1/);
    await running.node.services.observability.monitor.sample();
    // The monitor's own timer may have taken the sample holding the run; it is in exactly one.
    const runs = (await request('GET', '/v1/monitor'))
      .json<MonitorResponse>()
      .samples.flatMap((x) => (x.models.colours ? [x.models.colours] : []));
    expect(runs).toHaveLength(1);
    expect(runs[0].runs).toBe(1);
    expect(runs[0].p95Ms).toBeGreaterThan(0);
  });

  it('applies settings live and persists them to config.json', async () => {
    const bad = await request('PUT', '/v1/settings', { body: JSON.stringify({ limits: { burst: 0 } }) });
    expect(bad.status).toBe(400);
    expect((await request('PUT', '/v1/settings', { body: JSON.stringify({ sharedRoots: ['relative/dir'] }) })).status).toBe(400);
    const res = await request('PUT', '/v1/settings', { body: JSON.stringify({ limits: { burst: 7 }, allowedHosts: ['hearth.local'] }) });
    expect(res.status).toBe(200);
    expect(res.json<Settings>().limits.burst).toBe(7);
    expect((await request('GET', '/v1/settings')).json<Settings>().dataDir).toBe(dataDir);
    // Alert thresholds: one level changed, the rest kept; the monitor uses them from then on.
    const crossed = await request('PUT', '/v1/settings', { body: JSON.stringify({ alerts: { p95Ms: { warning: 20_000 } } }) });
    expect(crossed.status).toBe(400);
    const alerts = await request('PUT', '/v1/settings', { body: JSON.stringify({ alerts: { p95Ms: { warning: 500 } } }) });
    expect(alerts.json<Settings>().alerts.p95Ms).toEqual({ warning: 500, critical: 10_000 });
    expect((await request('GET', '/v1/monitor')).json<MonitorResponse>().thresholds.p95Ms.warning).toBe(500);
    expect((JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as Settings).alerts.p95Ms.warning).toBe(500);
    expect(running.node.services.settings.current().limits.burst).toBe(7);
    const file = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as Settings;
    expect(file.limits.burst).toBe(7);
    expect((await request('GET', '/v1/health', { headers: { host: `hearth.local:${port}` } })).status).toBe(200);
  });

  it('turns LAN on at runtime (HTTPS, keys) and off again, audited', async () => {
    const info = (await request('GET', '/v1/node')).json<NodeInfo>();
    expect(info).toMatchObject({ lan: false, canToggle: true, fingerprint: null, url: base });
    expect(info.interfaces.some((i) => i.internal)).toBe(true);

    const on = await request('PUT', '/v1/node', { body: JSON.stringify({ lan: true, host: '127.0.0.1' }) });
    expect(on.status).toBe(200);
    const onBody = on.json<NodeUpdateResponse>();
    expect(onBody.lan).toBe(true);
    expect(onBody.url).toBe(`https://127.0.0.1:${port}`);
    expect(onBody.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(onBody.ownerKey).toMatch(/^hk_/);
    expect(running.url).toBe(onBody.url);
    const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'));
    base = onBody.url!;
    expect((await request('GET', '/v1/keys', { ca })).status).toBe(401);
    expect((await request('GET', '/v1/health', { ca })).status).toBe(200);
    expect((await request('GET', '/v1/keys', { ca, key: onBody.ownerKey })).status).toBe(200);
    await expect(send(`http://127.0.0.1:${port}`, 'GET', '/v1/health')).rejects.toThrow();
    expect(JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')).lan).toBe(true);

    const off = await request('PUT', '/v1/node', { ca, key: onBody.ownerKey, body: JSON.stringify({ lan: false }) });
    expect(off.status).toBe(200);
    expect(off.json<NodeInfo>()).toMatchObject({ lan: false, host: '127.0.0.1', fingerprint: null });
    base = `http://127.0.0.1:${port}`;
    expect((await request('GET', '/v1/keys')).status).toBe(200);
    const actions = (await request('GET', '/v1/audit')).json<AuditResponse>().entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['lan.on', 'lan.off', 'settings.update', 'keys.create']));
    expect(existsSync(join(dataDir, 'tls', 'key.pem'))).toBe(true);
  });
});
