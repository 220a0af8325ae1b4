// The typed client against a real node on a socket: health, OCR with raw bytes, the origin tag, JSON bodies,
// and errors turned into ClientError with the node's own codes (network_error when nothing answers, timeout when an answer never comes).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startServer, type RunningServer } from '../serve';
import { renderText } from '../testkit/renderText';
import { ClientError, createClient } from './client';

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
    const stored = await client.call('getResult', { params: { id: result.resultId! } });
    expect(stored.origin).toBe('gui');
  });

  it('sends JSON bodies and Bearer keys, and reads text answers', async () => {
    const owner = createClient({ baseUrl: server.url });
    const created = await owner.call('createKey', { body: { name: 'client-test', scopes: ['infer'] } });
    expect(created.key).toMatch(/\S{16,}/);
    const keyed = createClient({ baseUrl: server.url, key: created.key });
    expect((await keyed.health()).status).toBe('ok');
    const csv = await owner.callText('usage', { query: { format: 'csv' } });
    expect(csv.split('\n')[0]).toMatch(/day/);
  });

  it('turns error answers into ClientError with the node code and status', async () => {
    const client = createClient({ baseUrl: server.url });
    const garbage = client.ocr(new TextEncoder().encode('definitely not an image'), 'image/png');
    await expect(garbage).rejects.toBeInstanceOf(ClientError);
    await expect(garbage).rejects.toMatchObject({ code: 'not_an_image', status: 415 });

    const badKey = createClient({ baseUrl: server.url, key: 'hk_not_a_real_key_at_all_000000' });
    await expect(badKey.call('listModels')).rejects.toMatchObject({ code: 'unauthorized', status: 401 });

    await expect(client.call('getJob', { params: { id: 'no-such-job' } })).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it('calls routes by their key with typed params, query and body', async () => {
    const client = createClient({ baseUrl: server.url });
    const created = await client.call('createKey', { body: { name: 'typed', scopes: ['jobs'] } });
    expect(created.scopes).toEqual(['jobs']);
    const renamed = await client.call('updateKey', { params: { id: created.id }, body: { name: 'typed again' } });
    expect(renamed.name).toBe('typed again');
    const audit = await client.call('audit', { query: { limit: 1 } });
    expect(audit.entries).toHaveLength(1);
    expect((await client.call('listModels')).models.map((m) => m.id)).toContain('pp-ocrv4');
    expect(await client.callText('usage', { query: { format: 'csv' } })).toMatch(/^day,/);
    expect(client.link('exportJob', { params: { id: 'j 1' }, query: { format: 'csv' } })).toBe(
      `${server.url}/v1/jobs/j%201/export?format=csv`,
    );
    await expect(client.call('getModel', { params: { id: 'missing' } })).rejects.toMatchObject({ code: 'not_found', status: 404 });
    // The compiler holds callers to the table: a route's params are required, unknown body fields refused.
    // @ts-expect-error getJob needs params.id
    await expect(client.call('getJob')).rejects.toBeInstanceOf(ClientError);
    // @ts-expect-error createKey's body has no field "colour"
    await expect(client.call('createKey', { body: { name: 'x', scopes: ['infer'], colour: 'red' } })).resolves.toBeTruthy();
  });

  it('reports an unreachable node as network_error', async () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:1' });
    await expect(client.health()).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('reports a request past its deadline as timeout, with the node named', async () => {
    // A socket that accepts and never answers: the request ends only by its signal.
    const silent = createNetServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      await expect(createClient({ baseUrl: url }).health(AbortSignal.timeout(200))).rejects.toMatchObject({
        code: 'timeout',
        status: 0,
        message: `the node at ${url} did not answer in time`,
      });
    } finally {
      silent.close();
    }
  });

  it('builds absolute URLs with params and query for links and EventSource', () => {
    const client = createClient({ baseUrl: 'http://node:8686/' });
    expect(client.link('searchResults', { query: { q: 'a b', limit: 5, source: '', from: undefined } })).toBe(
      'http://node:8686/v1/results?q=a+b&limit=5',
    );
    expect(client.link('exportJob', { params: { id: 'a b' }, query: { format: 'csv' } })).toBe(
      'http://node:8686/v1/jobs/a%20b/export?format=csv',
    );
  });
});
