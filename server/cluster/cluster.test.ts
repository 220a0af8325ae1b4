// Two real nodes on a real nats-server: membership, a folder job split across both, exact counts, nothing in
// plain text on the NATS disk.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterResponse } from '../contract/cluster';
import type { Job } from '../contract/jobs';
import type { ClassifyResponse, ModelImportResponse } from '../contract/models';
import { colourClassifier, solidPng } from '../testkit/onnx';
import type { OcrResponse } from '../contract/ocr';
import type { CreatedKeyResponse, UsageResponse, UsageRow } from '../contract/security';
import { renderText } from '../testkit/renderText';
import { makeImageFolder, textOf } from '../testkit/imageFolder';
import { getJson, killNode, postJson, startNats, startNode, tempRoot, until, type NatsServer, type NodeProc } from '../testkit/cluster';

const FILES = 8;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('cluster of two nodes', () => {
  const tmp = tempRoot('hearth-cluster-');
  let nats: NatsServer;
  let a: NodeProc;
  let b: NodeProc;
  const folder = join(tmp.root, 'scans');

  beforeAll(async () => {
    nats = await startNats(tmp.root);
    await makeImageFolder(folder, FILES);
    // Noise does not compress: this one is too large for one message and travels through the object store.
    const big = await sharp(randomBytes(700 * 700 * 3), { raw: { width: 700, height: 700, channels: 3 } })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(1024 * 1024);
    writeFileSync(join(folder, 'sub', 'big-noise.png'), big);
    [a, b] = await Promise.all([
      startNode({ name: 'alpha', dataDir: join(tmp.root, 'a'), natsUrl: nats.url }),
      startNode({ name: 'beta', dataDir: join(tmp.root, 'b'), natsUrl: nats.url }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a && killNode(a), b && killNode(b)]);
    await nats?.stop();
    tmp.cleanup();
  });

  it('lists both nodes as up with their URL, version and workers', async () => {
    const view = await until('two nodes up', 10_000, async () => {
      const v = await getJson<ClusterResponse>(`${a.url}/v1/cluster`);
      return v.nodes.filter((n) => n.status === 'up').length === 2 ? v : undefined;
    });
    expect(view.nodes.map((n) => n.name)).toEqual(['alpha', 'beta']);
    expect(view.nodes.map((n) => n.url)).toEqual([a.url, b.url]);
    for (const n of view.nodes) {
      expect(n.workers).toBe(1);
      expect(n.providers).toContain('cpu');
      expect(n.version).toMatch(/^\d+\.\d+\.\d+/);
    }
    expect(Object.keys(view.queues ?? {}).sort()).toEqual(['bulk', 'interactive']);
  });

  it('runs a folder job on both nodes and stores every file once on the owner', async () => {
    const job = await postJson<Job>(`${a.url}/v1/jobs`, { path: folder, recursive: true });
    const done = await until('job done', 90_000, async () => {
      const j = await getJson<Job>(`${a.url}/v1/jobs/${job.id}`);
      return j.state === 'done' ? j : undefined;
    });
    expect({ total: done.total, done: done.done, failed: done.failed }).toEqual({ total: FILES + 1, done: FILES + 1, failed: 0 });
    const lines = (await (await fetch(`${a.url}/v1/jobs/${job.id}/export?format=jsonl`)).text()).trim().split('\n');
    const rows = lines.map((l) => JSON.parse(l) as { file: string; text: string });
    expect(new Set(rows.map((r) => r.file)).size).toBe(FILES + 1);
    const read = rows.filter((r) => /\d{4}/.test(r.text)).length;
    expect(read).toBe(FILES);
    // Counts travel in heartbeats: wait for the last one after the job to arrive (never more than the folder).
    const sum = (v: ClusterResponse): number => v.nodes.reduce((n, node) => n + (node.processed ?? 0), 0);
    const view = await until('every item counted', 10_000, async () => {
      const v = await getJson<ClusterResponse>(`${b.url}/v1/cluster`);
      return sum(v) >= FILES + 1 ? v : undefined;
    });
    const processed = Object.fromEntries(view.nodes.map((n) => [n.name, n.processed ?? 0]));
    // Both took a share, and together exactly the folder.
    expect(processed.alpha + processed.beta).toBe(FILES + 1);
    expect(processed.beta).toBeGreaterThan(0);
    expect(processed.alpha).toBeGreaterThan(0);
    expect(view.queues?.bulk).toMatchObject({ pending: 0, inFlight: 0 });
  });

  it('runs a job started from the console as interactive work, on its own subject', async () => {
    const before = (await getJson<ClusterResponse>(`${b.url}/v1/cluster`)).queues;
    const small = join(tmp.root, 'desk');
    await makeImageFolder(small, 3);
    const res = await fetch(`${b.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hearth-origin': 'console' },
      body: JSON.stringify({ path: small, recursive: true }),
    });
    expect(res.status).toBe(201);
    const job = (await res.json()) as Job;
    const done = await until('console job done', 60_000, async () => {
      const j = await getJson<Job>(`${b.url}/v1/jobs/${job.id}`);
      return j.state === 'done' ? j : undefined;
    });
    expect({ done: done.done, failed: done.failed }).toEqual({ done: 3, failed: 0 });
    const view = await getJson<ClusterResponse>(`${b.url}/v1/cluster`);
    expect(view.queues?.interactive).toMatchObject({ pending: 0, inFlight: 0 });
    // Three deliveries on the interactive consumer, none on the bulk one.
    expect((view.queues?.interactive.delivered ?? 0) - (before?.interactive.delivered ?? 0)).toBe(3);
    expect(view.queues?.bulk.delivered).toBe(before?.bulk.delivered);
  });

  it('hands interactive calls on a busy node to the idle peer, names the node, stores on the node called', async () => {
    const before = await getJson<{ total: number }>(`${a.url}/v1/results?limit=1`);
    const beforeB = await getJson<{ total: number }>(`${b.url}/v1/results?limit=1`);
    const png = await renderText({ lines: ['lantern 2024'], fontSize: 28 });
    const answers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await fetch(`${a.url}/v1/ocr`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
        expect(res.status).toBe(200);
        return (await res.json()) as OcrResponse;
      }),
    );
    for (const r of answers) expect(r.text).toContain('2024');
    const servedBy = answers.map((r) => r.node);
    expect(servedBy).toContain('alpha');
    expect(servedBy).toContain('beta');
    expect((await getJson<{ total: number }>(`${a.url}/v1/results?limit=1`)).total).toBe(before.total + 6);
    expect((await getJson<{ total: number }>(`${b.url}/v1/results?limit=1`)).total).toBe(beforeB.total);
  });

  it('checks the API key and meters the call on the node the client called, also when the peer served it', async () => {
    const images = (rows: UsageRow[]): number => rows.reduce((n, r) => n + r.images, 0);
    const engineMs = (rows: UsageRow[]): number => rows.reduce((n, r) => n + r.engineMs, 0);
    const peerBefore = (await getJson<UsageResponse>(`${b.url}/v1/usage`)).rows;
    const key = await postJson<CreatedKeyResponse>(`${a.url}/v1/keys`, { name: 'scanner desk', scopes: ['infer'] });
    const jobsOnly = await postJson<CreatedKeyResponse>(`${a.url}/v1/keys`, { name: 'jobs only', scopes: ['jobs'] });
    const png = await renderText({ lines: ['meter 7731'], fontSize: 28 });
    const call = (bearer: string): Promise<Response> =>
      fetch(`${a.url}/v1/ocr`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${bearer}` }, body: png });
    // Refused where they arrive, before any peer is asked.
    expect((await call('not-a-key-of-this-cluster')).status).toBe(401);
    expect((await call(jobsOnly.key)).status).toBe(403);
    const answers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await call(key.key);
        expect(res.status).toBe(200);
        return (await res.json()) as OcrResponse;
      }),
    );
    expect(answers.map((r) => r.node)).toContain('beta');
    const called = (await getJson<UsageResponse>(`${a.url}/v1/usage?key=${key.id}`)).rows;
    expect(called).toHaveLength(1);
    expect(called[0]).toMatchObject({ keyId: key.id, keyName: 'scanner desk', requests: 6, images: 6, errors: 0 });
    // The engine time of the answers the peer gave is counted here too.
    const beta = answers.filter((r) => r.node === 'beta').reduce((n, r) => n + r.ms, 0);
    expect(called[0].engineMs).toBeGreaterThanOrEqual(Math.floor(beta));
    // The peer knows nothing of the key and metered nothing for the calls it served.
    const peerAfter = (await getJson<UsageResponse>(`${b.url}/v1/usage`)).rows;
    expect(peerAfter.some((r) => r.keyId === key.id)).toBe(false);
    expect(images(peerAfter)).toBe(images(peerBefore));
    expect(engineMs(peerAfter)).toBe(engineMs(peerBefore));
  });

  it('deploys an imported model version to every node, and rolls the whole cluster back with one activation', async () => {
    const manifest = { name: 'colours', task: 'classify', preprocess: { size: [32, 32] } };
    const importOn = async (url: string, labels: string): Promise<number> => {
      const form = new FormData();
      form.append('model', new Blob([colourClassifier()]), 'model.onnx');
      form.append('manifest', JSON.stringify(manifest));
      form.append('labels', new Blob([labels]), 'labels.txt');
      const res = await fetch(`${url}/v1/models`, { method: 'POST', body: form });
      expect(res.status).toBe(201);
      return ((await res.json()) as ModelImportResponse).version;
    };
    const redOn = async (url: string): Promise<[string, number]> => {
      const res = await fetch(`${url}/v1/classify?model=colours`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: await solidPng([255, 0, 0]),
      });
      const body = (await res.json()) as ClassifyResponse;
      return [body.labels[0].label, body.version];
    };
    const servedOnBeta = (version: number) =>
      until(`beta on v${version}`, 20_000, async () => {
        const v = await getJson<ClusterResponse>(`${a.url}/v1/cluster`);
        return v.nodes.find((n) => n.name === 'beta')?.models?.find((m) => m.id === 'colours')?.version === version ? true : undefined;
      });
    expect(await importOn(a.url, 'red\ngreen\nblue\n')).toBe(1);
    await servedOnBeta(1);
    expect(await redOn(b.url)).toEqual(['red', 1]);
    expect(await importOn(a.url, 'green\nblue\nred\n')).toBe(2);
    await servedOnBeta(2);
    expect(await redOn(b.url)).toEqual(['green', 2]);
    // Rollback on the other node this time: one activation, every node follows.
    const back = await fetch(`${b.url}/v1/models/colours/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"version":1}',
    });
    expect(back.status).toBe(200);
    await until('alpha back on v1', 20_000, async () => ((await redOn(a.url))[1] === 1 ? true : undefined));
    expect(await redOn(a.url)).toEqual(['red', 1]);
    expect(await redOn(b.url)).toEqual(['red', 1]);
    // Classify calls on a busy node are served by the peer too, with the same version.
    const png = await solidPng([255, 0, 0]);
    const served = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await fetch(`${a.url}/v1/classify?model=colours`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: png,
        });
        const body = (await res.json()) as ClassifyResponse;
        return [body.labels[0].label, body.version, body.node];
      }),
    );
    expect(served.every(([label, version]) => label === 'red' && version === 1)).toBe(true);
    expect(served.map(([, , node]) => node)).toContain('beta');
  });

  it('keeps no recognised text or image bytes in plain form on the NATS disk', async () => {
    const needles = [
      Buffer.from(textOf(0)),
      Buffer.from(textOf(1)),
      Buffer.from('lantern 2024'),
      Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
      Buffer.from('IHDR'),
    ];
    const files = filesUnder(nats.storeDir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const n of needles) expect(bytes.includes(n), `${n.toString('latin1')} in ${f}`).toBe(false);
    }
  });

  it('shows a node down within a few seconds of its heartbeats stopping', async () => {
    await killNode(b);
    const started = Date.now();
    await until('beta down', 10_000, async () => {
      const v = await getJson<ClusterResponse>(`${a.url}/v1/cluster`);
      return v.nodes.find((n) => n.name === 'beta')?.status === 'down' ? true : undefined;
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
