// The model API through a real node (store, engine workers, security, HTTP): import, classify, versions and
// rollback, a corrupt upload, the tensor API, and an exported bundle served by a second node.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config';
import type { ClassifyResponse, InferResponse, ModelImportResponse, ModelListResponse, ModelSummary } from '../../../contract/models';
import { createNode, type HearthNode } from '../../../node';
import { addModel, colourClassifier, solidPng } from '../../../testkit/onnx';

interface Running {
  node: HearthNode;
  server: Server;
  url: string;
  dataDir: string;
}

const running: Running[] = [];

async function startNode(): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-models-api-'));
  const config = loadConfig({ dataDir, storeKey: 'models-test-key', port: 0, engine: { workers: 1 } }, {});
  const node = await createNode(config);
  const server = await new Promise<Server>((resolve) => {
    const s = node.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const r = { node, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, dataDir };
  running.push(r);
  return r;
}

afterAll(async () => {
  for (const r of running.splice(0)) {
    await new Promise<void>((resolve) => r.server.close(() => resolve()));
    await r.node.close();
    rmSync(r.dataDir, { recursive: true, force: true });
  }
});

function upload(model: Uint8Array, manifest: object, labels?: string): FormData {
  const form = new FormData();
  form.append('model', new Blob([model]), 'model.onnx');
  form.append('manifest', JSON.stringify(manifest));
  if (labels !== undefined) form.append('labels', new Blob([labels]), 'labels.txt');
  return form;
}

async function json<T>(res: Response, status: number): Promise<T> {
  const body = (await res.json()) as T;
  expect({ status: res.status, body }).toMatchObject({ status });
  return body;
}

const RED: [number, number, number] = [255, 0, 0];
const GREEN: [number, number, number] = [0, 255, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const colourManifest = { name: 'colours', task: 'classify', preprocess: { size: [32, 32] } };

async function classify(base: string, rgb: [number, number, number], query = 'model=colours'): Promise<ClassifyResponse> {
  const res = await fetch(`${base}/v1/classify?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: await solidPng(rgb),
  });
  return json<ClassifyResponse>(res, 200);
}

describe('model API', () => {
  let a: Running;

  beforeAll(async () => {
    a = await startNode();
  });

  it('lists the bundled PP-OCRv4, also in /v1/health', async () => {
    const list = await json<ModelListResponse>(await fetch(`${a.url}/v1/models`), 200);
    expect(list.models.map((m) => [m.id, m.task, m.bundled])).toEqual([['pp-ocrv4', 'ocr', true]]);
    const health = await json<{ models: unknown[] }>(await fetch(`${a.url}/v1/health`), 200);
    expect(health.models).toContainEqual({ id: 'pp-ocrv4', task: 'ocr', version: 1, loaded: true });
  });

  it('imports a 3-class classifier and names solid red, green and blue images with confidence ≥ 0.9', async () => {
    const res = await fetch(`${a.url}/v1/models`, {
      method: 'POST',
      body: upload(colourClassifier(), colourManifest, 'red\ngreen\nblue\n'),
    });
    const imported = await json<ModelImportResponse>(res, 201);
    expect(imported).toMatchObject({ version: 1, model: { id: 'colours', task: 'classify', activeVersion: 1 } });
    for (const [label, rgb] of [
      ['red', RED],
      ['green', GREEN],
      ['blue', BLUE],
    ] as const) {
      const r = await classify(a.url, rgb);
      expect(r.labels[0].label).toBe(label);
      expect(r.labels[0].confidence).toBeGreaterThanOrEqual(0.9);
      expect(r).toMatchObject({ provider: 'cpu', model: 'colours', version: 1, resultId: expect.any(String) });
      expect(r.labels).toHaveLength(3);
    }
    // Multipart upload and top-k.
    const form = new FormData();
    form.append('image', new Blob([await solidPng(GREEN)], { type: 'image/png' }), 'green.png');
    const top1 = await json<ClassifyResponse>(await fetch(`${a.url}/v1/classify?model=colours&top=1`, { method: 'POST', body: form }), 200);
    expect(top1.labels.map((l) => l.label)).toEqual(['green']);
    const model = await json<ModelSummary>(await fetch(`${a.url}/v1/models/colours`), 200);
    expect(model.loaded).toBe(true);
  });

  it('serves version 2 at once, and version 1 again after a rollback, with no restart', async () => {
    const res = await fetch(`${a.url}/v1/models`, {
      method: 'POST',
      body: upload(colourClassifier(), colourManifest, 'green\nblue\nred\n'),
    });
    expect((await json<ModelImportResponse>(res, 201)).version).toBe(2);
    const v2 = await classify(a.url, RED);
    expect([v2.labels[0].label, v2.version]).toEqual(['green', 2]);

    const back = await fetch(`${a.url}/v1/models/colours/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect((await json<ModelSummary>(back, 200)).activeVersion).toBe(1);
    const v1 = await classify(a.url, RED);
    expect([v1.labels[0].label, v1.version]).toEqual(['red', 1]);
    const missing = await fetch(`${a.url}/v1/models/colours/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 9 }),
    });
    expect((await json<{ error: { code: string } }>(missing, 404)).error.code).toBe('not_found');
  });

  it('answers a corrupt .onnx with 422 and keeps the active version serving', async () => {
    const corrupt = colourClassifier().slice(0, 50);
    const res = await fetch(`${a.url}/v1/models`, { method: 'POST', body: upload(corrupt, colourManifest, 'red\ngreen\nblue\n') });
    const body = await json<{ error: { code: string; message: string } }>(res, 422);
    expect(body.error.code).toBe('invalid_model');
    expect(body.error.message).toMatch(/ONNX Runtime cannot load this model/);
    const model = await json<ModelSummary>(await fetch(`${a.url}/v1/models/colours`), 200);
    expect([model.activeVersion, model.versions.map((v) => v.version)]).toEqual([1, [1, 2]]);
    expect((await classify(a.url, BLUE)).labels[0].label).toBe('blue');
  });

  it('answers bad classify requests with a 4xx', async () => {
    const noModel = await fetch(`${a.url}/v1/classify`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await solidPng(RED),
    });
    expect(noModel.status).toBe(400);
    const unknown = await fetch(`${a.url}/v1/classify?model=nope`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await solidPng(RED),
    });
    expect(unknown.status).toBe(404);
    const ocr = await fetch(`${a.url}/v1/classify?model=pp-ocrv4`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await solidPng(RED),
    });
    expect(ocr.status).toBe(400);
    const text = await fetch(`${a.url}/v1/classify?model=colours`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: 'not an image',
    });
    expect(text.status).toBe(415);
  });

  it('runs a two-input model through /infer with named tensors', async () => {
    const res = await fetch(`${a.url}/v1/models`, { method: 'POST', body: upload(addModel(3), { name: 'adder', task: 'raw' }) });
    expect((await json<ModelImportResponse>(res, 201)).model.versions[0].inputs.map((i) => i.name)).toEqual(['a', 'b']);
    const infer = (body: unknown): Promise<Response> =>
      fetch(`${a.url}/v1/models/adder/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await json<InferResponse>(
      await infer({
        inputs: {
          a: { dtype: 'float32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
          b: { dtype: 'float32', shape: [2, 3], data: [0.5, 0.5, 0.5, -4, -5, -6] },
        },
      }),
      200,
    );
    expect(ok).toMatchObject({
      outputs: { sum: { dtype: 'float32', shape: [2, 3], data: [1.5, 2.5, 3.5, 0, 0, 0] } },
      provider: 'cpu',
      model: 'adder',
      version: 1,
    });
    const missing = await infer({ inputs: { a: { dtype: 'float32', shape: [1, 3], data: [1, 2, 3] } } });
    expect((await json<{ error: { message: string } }>(missing, 400)).error.message).toMatch(/input "b" is missing/);
    const malformed = await infer({ tensors: {} });
    expect(malformed.status).toBe(400);
  });

  it('unloads and loads a model on the engine workers, shown in /v1/models and /v1/health, audited', async () => {
    const post = (path: string): Promise<Response> => fetch(`${a.url}${path}`, { method: 'POST' });
    const health = async (): Promise<unknown[]> => (await json<{ models: unknown[] }>(await fetch(`${a.url}/v1/health`), 200)).models;
    expect((await json<ModelSummary>(await fetch(`${a.url}/v1/models/adder`), 200)).loaded).toBe(true);
    expect((await json<ModelSummary>(await post('/v1/models/adder/unload'), 200)).loaded).toBe(false);
    expect((await json<ModelSummary>(await fetch(`${a.url}/v1/models/adder`), 200)).loaded).toBe(false);
    expect(await health()).toContainEqual({ id: 'adder', task: 'raw', version: 1, loaded: false });
    expect((await json<ModelSummary>(await post('/v1/models/adder/load'), 200)).loaded).toBe(true);
    expect(await health()).toContainEqual({ id: 'adder', task: 'raw', version: 1, loaded: true });
    expect((await json<{ error: { code: string } }>(await post('/v1/models/pp-ocrv4/unload'), 400)).error.code).toBe('bad_request');
    expect((await post('/v1/models/nope/load')).status).toBe(404);
    const audit = await json<{ entries: { action: string; detail: { id?: string } }[] }>(await fetch(`${a.url}/v1/audit`), 200);
    expect(
      audit.entries.filter((e) => e.action === 'models.load' || e.action === 'models.unload').map((e) => [e.action, e.detail.id]),
    ).toEqual([
      ['models.load', 'adder'],
      ['models.unload', 'adder'],
    ]);
  });

  it('exports a bundle that a second node imports as is and answers the same', async () => {
    const res = await fetch(`${a.url}/v1/models/colours/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="colours-v1.hearth-model.tar"');
    const bundle = new Uint8Array(await res.arrayBuffer());

    const b = await startNode();
    const imported = await json<ModelImportResponse>(
      await fetch(`${b.url}/v1/models`, { method: 'POST', headers: { 'content-type': 'application/x-tar' }, body: bundle }),
      201,
    );
    expect(imported).toMatchObject({ version: 1, model: { id: 'colours', activeVersion: 1 } });
    for (const rgb of [RED, GREEN, BLUE]) {
      const [ra, rb] = [await classify(a.url, rgb), await classify(b.url, rgb)];
      expect(rb.labels.map((l) => l.label)).toEqual(ra.labels.map((l) => l.label));
      rb.labels.forEach((l, i) => expect(l.confidence).toBeCloseTo(ra.labels[i].confidence, 6));
    }
    // The same bundle as a multipart `bundle` field: that version exists now, so it is a conflict.
    const form = new FormData();
    form.append('bundle', new Blob([bundle]), 'colours.tar');
    expect((await fetch(`${b.url}/v1/models`, { method: 'POST', body: form })).status).toBe(409);
  });

  it('checks scopes: infer runs models, admin manages them; classify is metered and stored', async () => {
    const key = async (scopes: string[]): Promise<string> => {
      const res = await fetch(`${a.url}/v1/keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `models-${scopes.join('-')}`, scopes }),
      });
      return (await json<{ key: string; id: string }>(res, 201)).key;
    };
    const infer = { authorization: `Bearer ${await key(['infer'])}` };
    const admin = { authorization: `Bearer ${await key(['admin'])}` };

    const png = await solidPng(GREEN);
    const ok = await fetch(`${a.url}/v1/classify?model=colours`, {
      method: 'POST',
      headers: { ...infer, 'content-type': 'image/png' },
      body: png,
    });
    const answer = await json<ClassifyResponse>(ok, 200);
    expect(answer.labels[0].label).toBe('green');
    const stored = await json<{ kind: string; model: string; labels: { label: string }[] }>(
      await fetch(`${a.url}/v1/results/${answer.resultId}`),
      200,
    );
    expect(stored).toMatchObject({ kind: 'classify', model: 'colours' });
    expect(stored.labels.map((l) => l.label)).toEqual(['green', 'red', 'blue']);
    const usage = await json<{ rows: { keyName: string | null; images: number; engineMs: number }[] }>(
      await fetch(`${a.url}/v1/usage`),
      200,
    );
    expect(usage.rows.find((r) => r.keyName === 'models-infer')).toMatchObject({ images: 1 });

    expect(
      (await fetch(`${a.url}/v1/models`, { method: 'POST', headers: infer, body: upload(addModel(), { name: 'x', task: 'raw' }) })).status,
    ).toBe(403);
    expect((await fetch(`${a.url}/v1/models/colours/export`, { headers: infer })).status).toBe(403);
    expect(
      (
        await fetch(`${a.url}/v1/models/colours/activate`, {
          method: 'POST',
          headers: { ...infer, 'content-type': 'application/json' },
          body: '{"version":1}',
        })
      ).status,
    ).toBe(403);
    expect((await fetch(`${a.url}/v1/models`, { headers: admin })).status).toBe(200);
    expect(
      (await fetch(`${a.url}/v1/classify?model=colours`, { method: 'POST', headers: { ...admin, 'content-type': 'image/png' }, body: png }))
        .status,
    ).toBe(403);
  });

  it('deletes a version that is not active, then the model', async () => {
    expect((await fetch(`${a.url}/v1/models/colours/versions/1`, { method: 'DELETE' })).status).toBe(409);
    expect((await fetch(`${a.url}/v1/models/colours/versions/2`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${a.url}/v1/models/pp-ocrv4`, { method: 'DELETE' })).status).toBe(409);
    expect((await fetch(`${a.url}/v1/models/adder`, { method: 'DELETE' })).status).toBe(204);
    const list = await json<ModelListResponse>(await fetch(`${a.url}/v1/models`), 200);
    expect(list.models.map((m) => `${m.id}@${m.versions.map((v) => v.version).join(',')}`)).toEqual(['pp-ocrv4@1', 'colours@1']);
  });
});
