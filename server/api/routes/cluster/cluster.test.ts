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
  });
});
