import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientError, createClient } from './contract/client';
import { loopbackFetch } from './loopbackFetch';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith('/busy/')) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '7' });
        res.end(JSON.stringify({ error: { code: 'queue_full', message: 'the node is busy' } }));
        return;
      }
      if (req.url === '/slow') return; // never answers
      res.writeHead(200, { 'content-type': 'application/json', 'x-seen': 'a' });
      res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null, bytes: [...body] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('loopbackFetch', () => {
  it('sends the method, headers and bytes, and reads status, headers and JSON back', async () => {
    const res = await loopbackFetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array([1, 2, 250]),
    });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Seen')).toBe('a');
    expect(res.headers.get('x-missing')).toBeNull();
    expect(await res.json()).toEqual({ method: 'POST', type: 'image/png', bytes: [1, 2, 250] });
  });

  it('serves the typed client: errors keep their code, message and Retry-After', async () => {
    const client = createClient({ baseUrl: base, fetch: loopbackFetch });
    expect(JSON.parse(await client.callText('health', {}))).toMatchObject({ method: 'GET', bytes: [] });
    const busy = createClient({ baseUrl: `${base}/busy`, fetch: loopbackFetch });
    const refused = await busy.callText('health', {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClientError);
    expect(refused).toMatchObject({ code: 'queue_full', status: 503, retryAfterSeconds: 7, message: 'the node is busy' });
  });

  it('fails like fetch where nothing listens, and stops at its signal', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(loopbackFetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(/ECONNREFUSED/);
    await expect(loopbackFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
