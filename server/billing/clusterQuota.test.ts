// A hard quota across a cluster, with real processes: two nodes on one nats-server; a key, a department's group, a
// price and the group's hard quota made once on one node hold on both; 16 clients racing the last units on both
// nodes: exactly what is left is admitted, each node's statement adds up to what it admitted, and without NATS the
// node refuses work under a hard quota (503) until NATS is back; a node killed mid-request leaves no reservation
// behind once it is gone.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PriceCards, Quota, Statement } from '../contract/billing';
import type { ClusterResponse } from '../contract/cluster';
import type { CreatedKeyResponse, KeyListResponse } from '../contract/security';
import { getJson, killNode, postJson, startNats, startNode, tempRoot, until, type NatsServer, type NodeProc } from '../testkit/cluster';
import { imagesToPdf } from '../testkit/pdf';
import { renderText } from '../testkit/renderText';

const LIMIT = 10;
const USED_BEFORE = 3;
const CLIENTS = 16;

interface Member {
  node: NodeProc;
  key: CreatedKeyResponse;
  group: string;
}

describe('a hard quota across a cluster', () => {
  const tmp = tempRoot('hearth-cluster-quota-');
  let nats: NatsServer;
  let alpha: Member;
  let beta: Member;
  let image: Buffer;

  /** On one node: a key, the group "Finance" holding it, a price and the group's monthly hard cap. */
  async function setUp(node: NodeProc): Promise<Member> {
    const key = await postJson<CreatedKeyResponse>(`${node.url}/v1/keys`, { name: 'finance', scopes: ['infer'] });
    const group = await postJson<{ id: string }>(`${node.url}/v1/billing/groups`, { name: 'Finance', keys: [key.id] });
    await postJson(`${node.url}/v1/billing/prices`, { currency: 'EUR', prices: { ocr_image: '0.5' } });
    await postJson(`${node.url}/v1/billing/quotas`, {
      subject: { group: group.id },
      period: 'month',
      mode: 'hard',
      unit: 'ocr_image',
      units: LIMIT,
    });
    return { node, key, group: group.id };
  }

  const ocr = (m: Member, key = m.key.key): Promise<Response> =>
    fetch(`${m.node.url}/v1/ocr`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${key}` },
      body: image,
      signal: AbortSignal.timeout(60_000),
    });

  const statementOf = (m: Member): Promise<Statement> => getJson<Statement>(`${m.node.url}/v1/billing/statements?group=${m.group}`);
  const charged = (s: Statement): number => s.lines.reduce((n, l) => n + l.quantity, 0);

  beforeAll(async () => {
    nats = await startNats(tmp.root);
    image = await renderText({ lines: ['Invoice 2026'], fontSize: 24 });
    const [a, b] = await Promise.all([
      startNode({ name: 'alpha', dataDir: join(tmp.root, 'a'), natsUrl: nats.url }),
      startNode({ name: 'beta', dataDir: join(tmp.root, 'b'), natsUrl: nats.url }),
    ]);
    alpha = await setUp(a);
    beta = { ...alpha, node: b };
    // The other node takes all four from the cluster; nothing is made there by hand.
    await until('beta to hold the quota', 30_000, async () => {
      const list = await getJson<{ quotas: Quota[] }>(`${b.url}/v1/billing/quotas`);
      return list.quotas[0]?.subject.name === 'Finance' ? true : undefined;
    });
    await until('beta to hold the key', 30_000, async () =>
      (await getJson<KeyListResponse>(`${b.url}/v1/keys`)).keys.some((k) => k.id === alpha.key.id) ? true : undefined,
    );
    await until('beta to hold the price', 30_000, async () =>
      (await getJson<PriceCards>(`${b.url}/v1/billing/prices`)).current?.currency === 'EUR' ? true : undefined,
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all([alpha && killNode(alpha.node), beta && killNode(beta.node)]);
    await nats?.stop();
    tmp.cleanup();
  });

  it('admits exactly the units left when 16 clients race on both nodes', async () => {
    for (let i = 0; i < USED_BEFORE; i++) expect((await ocr(alpha)).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => ocr(i % 2 === 0 ? alpha : beta)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT - USED_BEFORE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(CLIENTS - (LIMIT - USED_BEFORE));

    const refused = answers.find((r) => r.status === 429);
    const body = (await refused?.json()) as { error: { code: string; message: string; quota: { limit: string; used: string } } };
    expect(body.error.code).toBe('quota_exceeded');
    expect(body.error.message).toMatch(/monthly hard quota of group Finance is used up: 10 ocr_image of 10 ocr_image/);
    expect(body.error.quota).toMatchObject({ limit: String(LIMIT), used: String(LIMIT) });
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);

    // Each node's statement holds what that node admitted, at its price; together they are the cap.
    const admittedOn = (m: Member): number =>
      answers.filter((r, i) => r.status === 200 && (i % 2 === 0 ? alpha : beta) === m).length + (m === alpha ? USED_BEFORE : 0);
    const [sa, sb] = await Promise.all([statementOf(alpha), statementOf(beta)]);
    expect(charged(sa)).toBe(admittedOn(alpha));
    expect(charged(sb)).toBe(admittedOn(beta));
    expect(charged(sa) + charged(sb)).toBe(LIMIT);
    for (const s of [sa, sb]) {
      expect(s.subject).toMatchObject({ kind: 'group', name: 'Finance' });
      // A node the race left without a single admitted call has nothing to total.
      const money = (charged(s) * 0.5).toFixed(2);
      expect(s.totals).toEqual(charged(s) > 0 ? [{ currency: 'EUR', amount: money, exact: money }] : []);
    }
    // Both nodes show the cluster's count in their quota bars.
    for (const m of [alpha, beta]) {
      const list = await getJson<{ quotas: Quota[] }>(`${m.node.url}/v1/billing/quotas`);
      expect(list.quotas[0]).toMatchObject({ used: String(LIMIT), limit: String(LIMIT), share: 1 });
    }
  });

  it('refuses work under a hard quota while NATS is away (503), serves the rest, and counts again when it is back', async () => {
    const free = await postJson<CreatedKeyResponse>(`${alpha.node.url}/v1/keys`, { name: 'no-quota', scopes: ['infer'] });
    await nats.kill();
    const away = await ocr(alpha);
    expect(away.status).toBe(503);
    const body = (await away.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('cluster_unavailable');
    expect(body.error.message).toMatch(/quota counts cannot be reached .*hard quota is refused until it is back/);
    expect(away.headers.get('retry-after')).toBe('5');
    expect((await ocr(alpha, free.key)).status).toBe(200);

    await nats.start();
    // The count outlived the restart (file storage): the cap is still used up, on both nodes.
    for (const m of [alpha, beta]) {
      await until(`${m.node.name} counts again`, 60_000, async () => ((await ocr(m)).status === 429 ? true : undefined));
    }
  });

  it('lets go of the reservation of a node killed with a request in flight once it is gone, and when it is back', async () => {
    const scanner = await postJson<CreatedKeyResponse>(`${alpha.node.url}/v1/keys`, { name: 'scanner', scopes: ['infer'] });
    await postJson(`${alpha.node.url}/v1/billing/quotas`, {
      subject: { key: scanner.id },
      period: 'day',
      mode: 'hard',
      unit: 'ocr_image',
      units: 2,
    });
    await until('beta to hold the scanner key and its quota', 30_000, async () => {
      const list = await getJson<{ quotas: Quota[] }>(`${beta.node.url}/v1/billing/quotas`);
      const keys = await getJson<KeyListResponse>(`${beta.node.url}/v1/keys`);
      return list.quotas.some((q) => q.subject.id === scanner.id) && keys.keys.some((k) => k.id === scanner.id) ? true : undefined;
    });
    const usedOnAlpha = async (): Promise<string | undefined> =>
      (await getJson<{ quotas: Quota[] }>(`${alpha.node.url}/v1/billing/quotas`)).quotas.find((q) => q.subject.id === scanner.id)?.used;

    // Scanned pages in a PDF keep beta busy for seconds; the request holds one unit meanwhile.
    const pages = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        renderText({ lines: Array.from({ length: 24 }, (_, l) => `Ledger page ${i} line ${l}`), fontSize: 20 }),
      ),
    );
    let answered = false;
    const slow = fetch(`${beta.node.url}/v1/ocr`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', authorization: `Bearer ${scanner.key}` },
      body: await imagesToPdf(pages),
    }).then(
      () => (answered = true),
      () => undefined,
    );
    await until('the cluster to count beta’s reservation', 10_000, async () => ((await usedOnAlpha()) === '1' ? true : undefined));
    expect(answered).toBe(false);
    await killNode(beta.node);
    await slow;

    await until('alpha to let go of the reservation beta died with', 15_000, async () =>
      (await usedOnAlpha()) === '0' ? true : undefined,
    );
    // Beta back under the same id: its last run's share must not count again now that beta is up.
    beta = { ...beta, node: await startNode({ name: 'beta', dataDir: join(tmp.root, 'b'), natsUrl: nats.url }) };
    await until('beta up again, its last run’s share let go', 30_000, async () => {
      const view = await getJson<ClusterResponse>(`${alpha.node.url}/v1/cluster`);
      const up = view.nodes.some((n) => n.name === 'beta' && n.status === 'up');
      return up && (await usedOnAlpha()) === '0' ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await usedOnAlpha()).toBe('0');
    const scan = (): Promise<Response> =>
      fetch(`${alpha.node.url}/v1/ocr`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', authorization: `Bearer ${scanner.key}` },
        body: image,
      });
    expect([(await scan()).status, (await scan()).status, (await scan()).status]).toEqual([200, 200, 429]);
  });
});
