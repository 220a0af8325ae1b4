// API keys and billing definitions shared by a cluster, with real processes: two nodes on one nats-server. A key made
// on one node is taken by the other, a revocation on either refuses the key on both, a key made while a node was down
// works there once it is back, and what both nodes changed while NATS was away ends the same on both. Each node's
// audit log names the cluster as the author of what it took from a peer.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingGroup, Quota } from '../contract/billing';
import type { Job } from '../contract/jobs';
import type { AuditResponse, CreatedKeyResponse, KeyListResponse } from '../contract/security';
import { getJson, killNode, postJson, startNats, startNode, tempRoot, until, type NatsServer, type NodeProc } from '../testkit/cluster';
import { renderText } from '../testkit/renderText';

describe('API keys across a cluster', () => {
  const tmp = tempRoot('hearth-cluster-keys-');
  let nats: NatsServer;
  let alpha: NodeProc;
  let beta: NodeProc;

  const start = (name: string): Promise<NodeProc> => startNode({ name, dataDir: join(tmp.root, name), natsUrl: nats.url });
  const jobsWith = (node: NodeProc, key: string): Promise<number> =>
    fetch(`${node.url}/v1/jobs`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(15_000) }).then(
      (r) => r.status,
    );
  /** Waits until `node` answers a request made with `key` with `status`. */
  const answers = (node: NodeProc, key: string, status: number): Promise<true> =>
    until(`${node.name} to answer ${status}`, 30_000, async () => ((await jobsWith(node, key)) === status ? true : undefined));
  const nodeIdOf = async (node: NodeProc): Promise<string> =>
    (await getJson<{ nodes: { id: string; self?: boolean }[] }>(`${node.url}/v1/cluster`)).nodes.find((n) => n.self)?.id ?? '';

  beforeAll(async () => {
    nats = await startNats(tmp.root);
    [alpha, beta] = await Promise.all([start('alpha'), start('beta')]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([alpha && killNode(alpha), beta && killNode(beta)]);
    await nats?.stop();
    tmp.cleanup();
  });

  it('takes a key made on one node on the other, without its secret, and audits it as the cluster', async () => {
    const made = await postJson<CreatedKeyResponse>(`${alpha.url}/v1/keys`, { name: 'scanner-3', scopes: ['jobs'] });
    expect(await jobsWith(alpha, made.key)).toBe(200);
    await answers(beta, made.key, 200);

    const onBeta = (await getJson<KeyListResponse>(`${beta.url}/v1/keys`)).keys.find((k) => k.id === made.id);
    expect(onBeta).toMatchObject({ name: 'scanner-3', prefix: made.prefix, scopes: ['jobs'], revokedAt: null });
    expect(JSON.stringify(onBeta)).not.toContain(made.key);

    const audit = await getJson<AuditResponse>(`${beta.url}/v1/audit`);
    const entry = audit.entries.find((e) => e.action === 'keys.create' && e.detail.id === made.id);
    expect(entry?.actor).toBe(`cluster:${await nodeIdOf(alpha)}`);
    // A key unknown to the cluster is still refused.
    expect(await jobsWith(beta, made.key.slice(0, -1) + (made.key.endsWith('A') ? 'B' : 'A'))).toBe(401);
  });

  it("refuses a key on every node once one node revokes it, and ends the key's event streams there", async () => {
    const made = await postJson<CreatedKeyResponse>(`${alpha.url}/v1/keys`, { name: 'leaving', scopes: ['jobs'] });
    await answers(beta, made.key, 200);
    // The key follows a job on alpha: a paused job's event stream stays open until something ends it.
    const folder = join(tmp.root, 'scans');
    mkdirSync(folder);
    for (let i = 0; i < 12; i++) writeFileSync(join(folder, `p${i}.png`), await renderText({ lines: [`Page ${i}`], seed: i + 3 }));
    const roots = await fetch(`${alpha.url}/v1/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sharedRoots: [folder] }),
    });
    expect(roots.status).toBe(200);
    const asKey = { authorization: `Bearer ${made.key}`, 'content-type': 'application/json' };
    const job = (await (
      await fetch(`${alpha.url}/v1/jobs`, { method: 'POST', headers: asKey, body: JSON.stringify({ path: folder }) })
    ).json()) as Job;
    expect((await fetch(`${alpha.url}/v1/jobs/${job.id}/pause`, { method: 'POST', headers: asKey })).status).toBe(200);
    const events = await fetch(`${alpha.url}/v1/jobs/${job.id}/events`, { headers: asKey });
    expect(events.status).toBe(200);
    let received = '';
    const reader = events.body!.getReader();
    const decoder = new TextDecoder();
    const read = async (): Promise<void> => {
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) received += decoder.decode(r.value, { stream: true });
      } catch {
        // The node closed the socket: the stream is over.
      }
    };
    const streamEnded = read();
    await until('the first progress event', 15_000, () => (received.includes('event: progress') ? true : undefined));

    const revoked = await fetch(`${beta.url}/v1/keys/${made.id}`, { method: 'DELETE', signal: AbortSignal.timeout(15_000) });
    expect(revoked.status).toBe(200);
    expect(await jobsWith(beta, made.key)).toBe(401);
    await answers(alpha, made.key, 401);
    await streamEnded;
    expect(received).toContain('event: revoked');

    const onAlpha = (await getJson<KeyListResponse>(`${alpha.url}/v1/keys`)).keys.find((k) => k.id === made.id);
    expect(onAlpha?.revokedAt).toBeTruthy();
    const audit = await getJson<AuditResponse>(`${alpha.url}/v1/audit`);
    expect(audit.entries.find((e) => e.action === 'keys.revoke' && e.detail.id === made.id)?.actor).toBe(`cluster:${await nodeIdOf(beta)}`);
  });

  it('gives a node that was down the keys made meanwhile, once it is back', async () => {
    await killNode(beta);
    const made = await postJson<CreatedKeyResponse>(`${alpha.url}/v1/keys`, { name: 'night-shift', scopes: ['jobs'] });
    expect(await jobsWith(alpha, made.key)).toBe(200);
    beta = await start('beta');
    await answers(beta, made.key, 200);
  });

  it('ends the same on both nodes when both changed while NATS was away', async () => {
    const made = await postJson<CreatedKeyResponse>(`${alpha.url}/v1/keys`, { name: 'ops-bot', scopes: ['infer'] });
    const quota = await postJson<Quota>(`${alpha.url}/v1/billing/quotas`, {
      subject: { key: made.id },
      period: 'day',
      mode: 'soft',
      unit: 'ocr_image',
      units: 100,
    });
    const quotasOn = async (node: NodeProc): Promise<string[]> =>
      (await getJson<{ quotas: Quota[] }>(`${node.url}/v1/billing/quotas`)).quotas.map((q) => q.id);
    await until('beta to hold the quota', 30_000, async () => ((await quotasOn(beta)).includes(quota.id) ? true : undefined));

    await nats.kill();
    // Both nodes name a group alike; beta removes the quota.
    const [a, b] = await Promise.all([
      postJson<BillingGroup>(`${alpha.url}/v1/billing/groups`, { name: 'Ops', keys: [made.id] }),
      postJson<BillingGroup>(`${beta.url}/v1/billing/groups`, { name: 'Ops', keys: [made.id] }),
    ]);
    expect((await fetch(`${beta.url}/v1/billing/quotas/${quota.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    await nats.start();

    const [first, second] = [a.id, b.id].sort();
    const expected = [
      { id: first, name: 'Ops' },
      { id: second, name: `Ops (${second.slice(0, 8)})` },
    ];
    const groupsOn = async (node: NodeProc): Promise<{ id: string; name: string }[]> =>
      (await getJson<{ groups: BillingGroup[] }>(`${node.url}/v1/billing/groups`)).groups
        .filter((g) => g.id === first || g.id === second)
        .map((g) => ({ id: g.id, name: g.name }))
        .sort((x, y) => x.id.localeCompare(y.id));
    for (const node of [alpha, beta]) {
      await until(`${node.name} to hold both groups and no quota`, 60_000, async () =>
        JSON.stringify(await groupsOn(node)) === JSON.stringify(expected) && !(await quotasOn(node)).includes(quota.id) ? true : undefined,
      );
    }
  });
});
