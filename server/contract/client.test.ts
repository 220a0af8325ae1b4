// The typed client against a real node on a socket: health, OCR with raw bytes, the origin tag, JSON bodies,
// and errors turned into ClientError with the node's own codes (or network_error when nothing answers).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startServer, type RunningServer } from '../serve';
import { renderText } from '../testkit/renderText';
import { ClientError, createClient } from './client';
import { API, pathFor } from './paths';
import type { ResultDetail } from './results';
import type { CreatedKeyResponse } from './security';

describe('hearth/client', () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hearth-client-'));
    const config = loadConfig({ dataDir, port: 0, engine: { workers: 1 } }, { HEARTH_STORE_KEY: 'client-test-key' });
    server = await startServer(config);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads health and recognises raw image bytes, tagging console results as gui', async () => {
    const client = createClient({ baseUrl: `${server.url}/`, origin: 'console' });
    const health = await client.health();
    expect(health.status).toBe('ok');
    expect(health.providers).toContain('cpu');

    const png = await renderText({ lines: ['Client test 12345'], fontSize: 32 });
    const result = await client.ocr(new Uint8Array(png), 'image/png');
    expect(result.text.replace(/\s+/g, '')).toContain('12345');
    expect(result.lines[0].box).toHaveLength(4);
    expect(result.resultId).toBeTruthy();
    const stored = await client.request<ResultDetail>(pathFor(API.result, { id: result.resultId! }));
    expect(stored.origin).toBe('gui');
  });

  it('sends JSON bodies and Bearer keys, and reads text answers', async () => {
    const owner = createClient({ baseUrl: server.url });
    const created = await owner.request<CreatedKeyResponse>(API.keys, { method: 'POST', body: { name: 'client-test', scopes: ['infer'] } });
    expect(created.key).toMatch(/\S{16,}/);
    const keyed = createClient({ baseUrl: server.url, key: created.key });
    expect((await keyed.health()).status).toBe('ok');
    const csv = await owner.text(API.usage, { query: { format: 'csv' } });
    expect(csv.split('\n')[0]).toMatch(/day/);
  });

  it('turns error answers into ClientError with the node code and status', async () => {
    const client = createClient({ baseUrl: server.url });
    const garbage = client.ocr(new TextEncoder().encode('definitely not an image'), 'image/png');
    await expect(garbage).rejects.toBeInstanceOf(ClientError);
    await expect(garbage).rejects.toMatchObject({ code: 'not_an_image', status: 415 });

    const badKey = createClient({ baseUrl: server.url, key: 'hk_not_a_real_key_at_all_000000' });
    await expect(badKey.request(API.models)).rejects.toMatchObject({ code: 'unauthorized', status: 401 });

    await expect(client.request('/v1/no-such-route')).rejects.toMatchObject({ status: 404 });
  });

  it('reports an unreachable node as network_error', async () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:1' });
    await expect(client.health()).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('builds absolute URLs with params and query for links and EventSource', () => {
    const client = createClient({ baseUrl: 'http://node:8686/' });
    expect(client.url(API.jobExport, { id: 'a b' }, { format: 'csv', empty: '', none: undefined })).toBe(
      'http://node:8686/v1/jobs/a%20b/export?format=csv',
    );
  });
});
