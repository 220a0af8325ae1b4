// Joining a NATS server that wants credentials (user/password, nkey seed file), and the refusals a person must
// understand: wrong password, a cluster key that differs from the cluster's.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterResponse } from '../contract/cluster';
import { getJson, killNode, startNats, startNode, tempRoot, until, type NatsServer, type NodeProc } from '../testkit/cluster';

describe('joining a cluster with credentials', () => {
  const tmp = tempRoot('hearth-join-');
  const user = nkeys.createUser();
  const seedFile = join(tmp.root, 'node.nk');
  writeFileSync(seedFile, new TextDecoder().decode(user.getSeed()) + '\n', { mode: 0o600 });
  const conf = `authorization { users = [ { user: hearth, password: "s3cret-pass" }, { nkey: ${user.getPublicKey()} } ] }\n`;
  let nats: NatsServer;
  const nodes: NodeProc[] = [];

  afterAll(async () => {
    await Promise.all(nodes.map((n) => killNode(n)));
    await nats?.stop();
    tmp.cleanup();
  });

  it('joins with user/password and with an nkey seed file; both nodes see each other', async () => {
    nats = await startNats(tmp.root, { conf });
    const [a, b] = await Promise.all([
      startNode({
        name: 'by-password',
        dataDir: join(tmp.root, 'a'),
        natsUrl: nats.url,
        args: ['--cluster-user', 'hearth'],
        env: { HEARTH_CLUSTER_PASSWORD: 's3cret-pass' },
      }),
      startNode({ name: 'by-nkey', dataDir: join(tmp.root, 'b'), natsUrl: nats.url, args: ['--cluster-nkey', seedFile] }),
    ]);
    nodes.push(a, b);
    await until('both up', 15_000, async () => {
      const v = await getJson<ClusterResponse>(`${a.url}/v1/cluster`);
      return v.nodes.filter((n) => n.status === 'up').length === 2 ? true : undefined;
    });
  }, 120_000);

  it('stops with a clear message on a wrong password', async () => {
    const start = startNode({
      name: 'wrong',
      dataDir: join(tmp.root, 'c'),
      natsUrl: nats.url,
      args: ['--cluster-user', 'hearth'],
      env: { HEARTH_CLUSTER_PASSWORD: 'nope' },
    });
    await expect(start).rejects.toThrow(
      /exited with 1: hearth: cannot join the cluster at nats:\/\/127\.0\.0\.1:\d+: .*(auth|Authorization)/i,
    );
  }, 90_000);

  it('refuses a node that holds another cluster key', async () => {
    const start = startNode({
      name: 'other-key',
      dataDir: join(tmp.root, 'd'),
      natsUrl: nats.url,
      args: ['--cluster-nkey', seedFile],
      env: { HEARTH_CLUSTER_KEY: 'c'.repeat(64) },
    });
    await expect(start).rejects.toThrow(/exited with 1: hearth: this node holds another cluster key than the cluster/);
  }, 90_000);
});
