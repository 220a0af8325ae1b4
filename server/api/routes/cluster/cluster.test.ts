// GET /v1/cluster on a node that is not in a cluster: itself alone, up, with its load; no NATS needed.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config';
import type { ClusterResponse } from '../../../contract/cluster';
import { createNode, type HearthNode } from '../../../node';

describe('GET /v1/cluster without a cluster', () => {
  let node: HearthNode;
  let server: Server;
  let url: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-cluster-api-'));

  beforeAll(async () => {
    node = await createNode(loadConfig({ dataDir, storeKey: 'cluster-api-key', port: 0, engine: { workers: 1 } }, {}));
    server = await new Promise<Server>((resolve) => {
      const s = node.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists this node alone, up, and loads no cluster part', async () => {
    const res = await fetch(`${url}/v1/cluster`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as ClusterResponse;
    expect(body.nodes).toHaveLength(1);
    expect(body.nodes[0]).toMatchObject({ status: 'up', url, workers: 1, queueDepth: 0, self: true });
    expect(body.nodes[0].providers).toContain('cpu');
    expect(body.queues).toBeUndefined();
    expect(node.services.cluster).toBeUndefined();
    expect(body.settings).toEqual({ url: null, name: null });
  });

  it('saves the cluster setting for the next start, refuses a URL that is not NATS, and clears it', async () => {
    const put = (body: unknown): Promise<Response> =>
      fetch(`${url}/v1/cluster`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const saved = await put({ url: 'nats://10.0.0.5:4222', name: 'scanner-2' });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ url: 'nats://10.0.0.5:4222', name: 'scanner-2', restartNeeded: true });
    expect(loadConfig({ dataDir }, {}).cluster).toMatchObject({ url: 'nats://10.0.0.5:4222', name: 'scanner-2' });
    const bad = await put({ url: 'http://10.0.0.5:4222' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'invalid_body',
      message: expect.stringMatching(/nats:\/\/host:4222/),
    });
    const cleared = await put({ url: null });
    expect(await cleared.json()).toEqual({ url: null, name: 'scanner-2', restartNeeded: false });
    expect(loadConfig({ dataDir }, {}).cluster.url).toBeUndefined();
  });
});
