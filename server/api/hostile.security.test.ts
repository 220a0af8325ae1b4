// A LAN node (HTTPS, keys) in its own process, and what a hostile client tries: framing the console, case-folded
// routes, inputs made to crash a parser, control characters in names, spreadsheet formulas in exports, settings
// out of bounds, work left open by a revoked key, and documents that disagree with behaviour.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../contract/jobs';
import type { AuditResponse, CreatedKeyResponse } from '../contract/security';
import { startTestNode, type TestNode } from '../testkit/hearthNode';
import { buildOnnxModel } from '../testkit/onnx';
import { renderText } from '../testkit/renderText';

let node: TestNode;
let shared: string;
let png: Buffer;
let admin: string;

/** A multipart/form-data body from parts; `name: undefined` leaves the field name out. */
function multipart(parts: { name?: string; filename?: string; type?: string; data: Buffer | string }[]): { body: Buffer; type: string } {
  const boundary = 'hearthboundary7';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = ['form-data', p.name !== undefined ? `name="${p.name}"` : '', p.filename ? `filename="${p.filename}"` : '']
      .filter(Boolean)
      .join('; ');
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

/** A crafted 90-byte BMP: BI_BITFIELDS masks on 24-bit pixels, one row of 8 (the last pixel's read runs off the end). */
function bitfields24Bmp(): Buffer {
  const b = Buffer.alloc(90);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(90, 2);
  b.writeUInt32LE(66, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(8, 18);
  b.writeInt32LE(1, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(3, 30);
  b.writeUInt32LE(0xff0000, 54);
  b.writeUInt32LE(0x00ff00, 58);
  b.writeUInt32LE(0x0000ff, 62);
  return b;
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

beforeAll(async () => {
  png = await renderText({ lines: ['Hearth 42'], fontSize: 32 });
  node = await startTestNode({ lan: true, keys: { admin: ['admin', 'jobs'], infer: ['infer'], jobs: ['jobs'] } });
  admin = node.keys.admin;
  shared = join(node.dataDir, 'shared');
  mkdirSync(shared);
  const res = await node.request('PUT', '/v1/settings', { key: admin, body: JSON.stringify({ sharedRoots: [shared] }) });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await node?.stop();
});

describe('security headers', () => {
  it('every answer (API, error, console) carries the CSP with frame-ancestors and the usual headers', async () => {
    for (const [path, key] of [
      ['/v1/health', undefined],
      ['/v1/keys', undefined],
      ['/v1/openapi.json', admin],
      ['/', undefined],
      ['/nope', admin],
    ] as const) {
      const res = await node.request('GET', path, { key, headers: { accept: 'text/html' } });
      expect(res.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy'], path).toContain("default-src 'self'");
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['referrer-policy'], path).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy'], path).toBe('same-origin');
    }
  });
});

describe('routing is judged as the router matches it', () => {
  it('case and trailing-slash variants of private routes answer 401 without a key', async () => {
    for (const path of ['/V1/openapi.json', '/v1/OpenAPI.json', '/V1/keys', '/METRICS', '/metrics/', '/v1/keys/', '/V1/Results']) {
      const res = await node.request('GET', path);
      expect(res.status, path).toBe(401);
      expect(res.json().error.code, path).toBe('unauthorized');
    }
    expect((await node.request('GET', '/V1/HEALTH')).status).toBe(200);
  });
});

describe('bad input is a 4xx, never a 5xx', () => {
  it('a BI_BITFIELDS 24-bit BMP is a damaged image (422)', async () => {
    const res = await node.request('POST', '/v1/ocr', {
      key: node.keys.infer,
      body: bitfields24Bmp(),
      headers: { 'content-type': 'image/bmp' },
    });
    expect(res.status).toBe(422);
    expect(res.json().error.code).toBe('corrupt_image');
  });

  it('a multipart part without a field name is a bad request (400)', async () => {
    const form = multipart([{ filename: 'a.png', type: 'image/png', data: png }]);
    const res = await node.request('POST', '/v1/ocr', { key: node.keys.infer, body: form.body, headers: { 'content-type': form.type } });
    expect(res.status).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
  });

  it('a model whose weights point outside its folder is refused at import (422)', async () => {
    const model = buildOnnxModel({
      inputs: [{ name: 'a', dtype: 'float32', shape: [1, 3] }],
      outputs: [{ name: 'sum', dtype: 'float32', shape: [1, 3] }],
      nodes: [{ op: 'Add', inputs: ['a', 'w'], outputs: ['sum'] }],
      initializers: [{ name: 'w', dtype: 'float32', dims: [1, 3], values: [1, 2, 3], externalLocation: '../../../../etc/passwd' }],
    });
    const form = multipart([
      { name: 'model', filename: 'escape.onnx', type: 'application/octet-stream', data: Buffer.from(model) },
      { name: 'manifest', data: JSON.stringify({ name: 'escape', task: 'raw' }) },
    ]);
    const res = await node.request('POST', '/v1/models', { key: admin, body: form.body, headers: { 'content-type': form.type } });
    expect(res.status).toBe(422);
    expect(res.json().error.message).toMatch(/external data/);
    expect((await node.request('GET', '/v1/models/escape', { key: admin })).status).toBe(404);
  });

  it('SVG is not an accepted format (415); a PNG with a bad header CRC is damaged (422)', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text y="15">Hi</text></svg>');
    const s = await node.request('POST', '/v1/ocr', { key: node.keys.infer, body: svg, headers: { 'content-type': 'image/svg+xml' } });
    expect(s.status).toBe(415);
    expect(s.json().error.code).toBe('not_an_image');
    const bad = Buffer.from(png);
    bad[29] ^= 0xff;
    const p = await node.request('POST', '/v1/ocr', { key: node.keys.infer, body: bad, headers: { 'content-type': 'image/png' } });
    expect(p.status).toBe(422);
    expect(p.json().error.code).toBe('corrupt_image');
  });
});

describe('names are printable', () => {
  it('key names with NUL, CR/LF or direction overrides are refused (400)', async () => {
    for (const name of ['a\u0000b', 'ok\r\nfake line', '\u202eevil', 'x\u2066y', 'tab\there']) {
      const res = await node.request('POST', '/v1/keys', { key: admin, body: JSON.stringify({ name, scopes: ['infer'] }) });
      expect(res.status, JSON.stringify(name)).toBe(400);
    }
    const ok = await node.request('POST', '/v1/keys', {
      key: admin,
      body: JSON.stringify({ name: 'Büro 2 – scanner', scopes: ['infer'] }),
    });
    expect(ok.status).toBe(201);
  });

  it('model names with control characters are refused at import', async () => {
    const model = buildOnnxModel({
      inputs: [{ name: 'a', dtype: 'float32', shape: [1, 3] }],
      outputs: [{ name: 'b', dtype: 'float32', shape: [1, 3] }],
      nodes: [{ op: 'Identity', inputs: ['a'], outputs: ['b'] }],
    });
    const form = multipart([
      { name: 'model', filename: 'm.onnx', type: 'application/octet-stream', data: Buffer.from(model) },
      { name: 'manifest', data: JSON.stringify({ id: 'named', name: 'line one\nline two', task: 'raw' }) },
    ]);
    const res = await node.request('POST', '/v1/models', { key: admin, body: form.body, headers: { 'content-type': form.type } });
    expect(res.status).toBe(422);
    expect(res.json().error.message).toMatch(/control characters/);
  });
});

describe('exports cannot carry formulas or fake headers', () => {
  it('csv cells starting with = + - @ are quoted with a leading apostrophe; txt headers stay one line', async () => {
    const dir = join(shared, 'export');
    mkdirSync(dir);
    writeFileSync(join(dir, '=HYPERLINK(1).png'), png);
    writeFileSync(join(dir, 'a\n==> fake.png <==\nb.png'), png);
    const key = node.keys.jobs;
    const created = await node.request('POST', '/v1/jobs', { key, body: JSON.stringify({ path: dir, recursive: true }) });
    expect(created.status).toBe(201);
    const id = created.json<Job>().id;
    const job = await waitFor(
      async () => (await node.request('GET', `/v1/jobs/${id}`, { key })).json<Job>(),
      (j) => j.state === 'done',
    );
    expect(job.state).toBe('done');
    const csv = (await node.request('GET', `/v1/jobs/${id}/export?format=csv`, { key })).text;
    expect(csv).toContain("'=HYPERLINK(1).png");
    expect(csv).not.toMatch(/(^|\n|,)=HYPERLINK/);
    const txt = (await node.request('GET', `/v1/jobs/${id}/export?format=txt`, { key })).text;
    const headers = txt.split('\n').filter((l) => l.startsWith('==> '));
    expect(headers).toHaveLength(2);
    expect(headers).toContain('==> a\\n==> fake.png <==\\nb.png <==');
  });
});

describe('settings are bounded and typed', () => {
  const put = (body: string, type = 'application/json') =>
    node.request('PUT', '/v1/settings', { key: admin, body, headers: { 'content-type': type } });

  it('out-of-bounds limits, a NUL in a shared root and a bad audit limit are 400', async () => {
    expect((await put(JSON.stringify({ limits: { requestTimeoutMs: 1e15 } }))).status).toBe(400);
    expect((await put(JSON.stringify({ limits: { bodyBytes: 2 ** 50 } }))).status).toBe(400);
    expect((await put(JSON.stringify({ sharedRoots: ['/tmp/a\u0000b'] }))).status).toBe(400);
    expect((await node.request('GET', '/v1/audit?limit=-1', { key: admin })).status).toBe(400);
    expect((await node.request('GET', '/v1/audit?limit=abc', { key: admin })).status).toBe(400);
    expect((await node.request('GET', '/v1/audit?limit=5', { key: admin })).status).toBe(200);
  });

  it('a settings change that is not JSON is 415 and leaves no audit entry', async () => {
    const before = (await node.request('GET', '/v1/audit?limit=1000', { key: admin })).json<AuditResponse>().entries.length;
    const res = await put('limits=1', 'text/plain');
    expect(res.status).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
    const after = (await node.request('GET', '/v1/audit?limit=1000', { key: admin })).json<AuditResponse>().entries.length;
    expect(after).toBe(before);
  });
});

describe('documents agree with behaviour', () => {
  it('OpenAPI names every scope a route accepts for models and results', async () => {
    const doc = (await node.request('GET', '/v1/openapi.json', { key: admin })).json<{
      paths: Record<string, Record<string, { 'x-hearth-scopes'?: string[] }>>;
    }>();
    expect(doc.paths['/v1/models'].get['x-hearth-scopes']).toEqual(['infer', 'admin']);
    expect(doc.paths['/v1/results'].get['x-hearth-scopes']).toEqual(['infer', 'jobs', 'admin']);
    // And the routes do accept them.
    expect((await node.request('GET', '/v1/models', { key: admin })).status).toBe(200);
    expect((await node.request('GET', '/v1/results', { key: node.keys.jobs })).status).toBe(200);
  });
});

describe('revoking a key reaches its open work', () => {
  it("closes the key's event stream and pauses its running job; an admin resumes it", async () => {
    const dir = join(shared, 'revoke');
    mkdirSync(dir);
    for (let i = 0; i < 16; i++) writeFileSync(join(dir, `p${i}.png`), await renderText({ lines: [`Revoke ${i}`], seed: i + 7 }));
    const created = await node.request('POST', '/v1/keys', { key: admin, body: JSON.stringify({ name: 'leaving', scopes: ['jobs'] }) });
    const doomed = created.json<CreatedKeyResponse>();
    const job = await node.request('POST', '/v1/jobs', { key: doomed.key, body: JSON.stringify({ path: dir, recursive: true }) });
    expect(job.status).toBe(201);
    const id = job.json<Job>().id;

    const ca = readFileSync(join(node.dataDir, 'tls', 'cert.pem'));
    const url = new URL(`/v1/jobs/${id}/events`, node.url);
    let received = '';
    const streamEnded = new Promise<void>((resolve, reject) => {
      const req = https.get(url, { ca, headers: { authorization: `Bearer ${doomed.key}` }, agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        res.setEncoding('utf8');
        res.on('data', (c: string) => (received += c));
        res.on('close', () => resolve());
      });
      req.on('error', reject);
    });
    await waitFor(
      async () => received,
      (r) => r.includes('event: progress'),
      10_000,
    );

    expect((await node.request('DELETE', `/v1/keys/${doomed.id}`, { key: admin })).status).toBe(200);
    await Promise.race([streamEnded, new Promise((_, reject) => setTimeout(() => reject(new Error('the stream stayed open')), 5_000))]);
    expect(received).toContain('event: revoked');

    const paused = await waitFor(
      async () => (await node.request('GET', `/v1/jobs/${id}`, { key: admin })).json<Job>(),
      (j) => j.state === 'paused',
      5_000,
    );
    expect(paused.state).toBe('paused');
    expect(paused.done + paused.failed).toBeLessThan(16);
    // The revoked key can do nothing more; an admin resumes the job to its end.
    expect((await node.request('GET', `/v1/jobs/${id}`, { key: doomed.key })).status).toBe(401);
    expect((await node.request('POST', `/v1/jobs/${id}/resume`, { key: admin })).status).toBe(200);
    const done = await waitFor(
      async () => (await node.request('GET', `/v1/jobs/${id}`, { key: admin })).json<Job>(),
      (j) => j.state === 'done',
    );
    expect(done.done).toBe(16);
  });
});
