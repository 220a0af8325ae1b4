// Settings apply live: each one changed with PUT /v1/settings (or /v1/node) is obeyed by the very next request,
// without a restart.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config';
import type { OcrResponse } from '../../../contract/ocr';
import type { CreatedKeyResponse, MonitorResponse, Settings } from '../../../contract/security';
import { startServer, type RunningServer } from '../../../serve';
import { solidPng } from '../../../testkit/onnx';
import { send, type RequestOptions } from '../../../testkit/request';

describe('live settings', () => {
  let dataDir: string;
  let running: RunningServer;
  let png: Buffer;

  const request = (method: string, path: string, opts: RequestOptions = {}): ReturnType<typeof send> =>
    send(running.url, method, path, opts);
  const put = async (body: unknown): Promise<Settings> => {
    const res = await request('PUT', '/v1/settings', { body: JSON.stringify(body) });
    expect(res.status, res.text).toBe(200);
    return res.json<Settings>();
  };
  const ocr = (opts: RequestOptions = {}): ReturnType<typeof send> =>
    request('POST', '/v1/ocr', { body: png, ...opts, headers: { 'content-type': 'image/png', ...opts.headers } });
  const createKey = async (scopes: string[]): Promise<string> =>
    (await request('POST', '/v1/keys', { body: JSON.stringify({ name: scopes.join('+'), scopes }) })).json<CreatedKeyResponse>().key;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hearth-settings-'));
    running = await startServer(loadConfig({ dataDir, port: 0, storeKey: 'settings-test-key', engine: { workers: 1 } }));
    png = Buffer.from(await solidPng([200, 200, 200], 64));
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('retention: results-only keeps no image of the very next result', async () => {
    const before = (await ocr()).json<OcrResponse>();
    expect((await request('GET', `/v1/results/${before.resultId}/image`)).status).toBe(200);
    await put({ retention: { mode: 'results-only' } });
    const after = await ocr();
    expect(after.status).toBe(200);
    const image = await request('GET', `/v1/results/${after.json<OcrResponse>().resultId}/image`);
    expect(image.status).toBe(404);
    // Images kept before the change go too.
    expect((await request('GET', `/v1/results/${before.resultId}/image`)).status).toBe(404);
    await put({ retention: { mode: 'all' } });
    const again = (await ocr({ body: Buffer.from(await solidPng([10, 20, 30], 64)) })).json<OcrResponse>();
    expect((await request('GET', `/v1/results/${again.resultId}/image`)).status).toBe(200);
  });

  it('limits.bodyBytes: the next larger upload is refused with 413', async () => {
    await put({ limits: { bodyBytes: 1024 } });
    try {
      const big = Buffer.concat([png, Buffer.alloc(4096)]);
      const res = await ocr({ body: big });
      expect(res.status).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
    } finally {
      await put({ limits: { bodyBytes: 50 * 1024 * 1024 } });
    }
    expect((await ocr()).status).toBe(200);
  });

  it('limits.burst: a key past its new burst is answered 429', async () => {
    const key = await createKey(['infer']);
    await put({ limits: { burst: 2, ratePerMinute: 1 } });
    try {
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await request('GET', '/v1/models', { key })).status);
      expect(codes).toEqual([200, 200, 429]);
    } finally {
      await put({ limits: { burst: 60, ratePerMinute: 600 } });
    }
  });

  it('limits timeouts: the listening server takes the new ones', async () => {
    await put({ limits: { headersTimeoutMs: 4_000, requestTimeoutMs: 60_000 } });
    expect(running.server.headersTimeout).toBe(4_000);
    expect(running.server.requestTimeout).toBe(60_000);
  });

  it('allowedHosts: the next request with the new Host name is let in', async () => {
    const port = new URL(running.url).port;
    expect((await request('GET', '/v1/health', { headers: { host: `scanner.local:${port}` } })).status).toBe(403);
    await put({ allowedHosts: ['scanner.local'] });
    expect((await request('GET', '/v1/health', { headers: { host: `scanner.local:${port}` } })).status).toBe(200);
  });

  it('sharedRoots: a key may start a job under a root added a moment ago', async () => {
    const key = await createKey(['jobs']);
    const folder = join(dataDir, 'scans');
    mkdirSync(folder, { recursive: true });
    const job = (): ReturnType<typeof send> => request('POST', '/v1/jobs', { key, body: JSON.stringify({ path: folder }) });
    expect((await job()).status).toBe(403);
    await put({ sharedRoots: [folder] });
    expect((await job()).status).toBe(201);
  });

  it('alerts: the monitor judges with the new thresholds at once', async () => {
    await put({ alerts: { p95Ms: { warning: 750 } } });
    const monitor = (await request('GET', '/v1/monitor')).json<MonitorResponse>();
    expect(monitor.thresholds.p95Ms).toEqual({ warning: 750, critical: 10_000 });
  });

  it('LAN: once on, the next keyless request is refused; once off, it is let in again', async () => {
    const on = await request('PUT', '/v1/node', { body: JSON.stringify({ lan: true, host: '127.0.0.1' }) });
    expect(on.status).toBe(200);
    const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'));
    const keyless = await request('GET', '/v1/models', { ca });
    expect(keyless.status).toBe(401);
    const ownerKey = on.json<{ ownerKey: string }>().ownerKey;
    const off = await request('PUT', '/v1/node', { key: ownerKey, ca, body: JSON.stringify({ lan: false }) });
    expect(off.status).toBe(200);
    expect((await request('GET', '/v1/models')).status).toBe(200);
  });

  it('provider: kept in config.json for the next start, shown in settings and health; an unknown one is refused', async () => {
    const health = (await request('GET', '/v1/health')).json<{ providers: string[]; candidates: { name: string; chosen: boolean }[] }>();
    expect(health.candidates.find((c) => c.chosen)?.name).toBe(health.providers[0]);
    expect((await put({ provider: 'webgpu' })).provider).toBe('webgpu');
    const file = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as { engine: Record<string, unknown> };
    expect(file.engine).toEqual({ provider: 'webgpu' });
    expect(loadConfig({ dataDir }).engine.provider).toBe('webgpu');
    const bad = await request('PUT', '/v1/settings', { body: JSON.stringify({ provider: 'gpu' }) });
    expect(bad.status).toBe(400);
    expect((await put({ provider: 'auto' })).provider).toBe('auto');
  });
});
