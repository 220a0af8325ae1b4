// Billing's side of a cluster's shared definitions, against real encrypted stores standing for two nodes: what one
// node shares, another takes as it is (and shares back unchanged, so nothing echoes), applying twice changes nothing,
// a deletion takes the group's quotas with it, and two groups named alike on two nodes end apart the same way on both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit, readAudit } from '../admission/audit';
import { createKeyRepository, type KeyRepository } from '../admission/keys';
import { openStore, type Store } from '../store';
import { createBilling, type Billing } from './index';

interface Node {
  store: Store;
  keys: KeyRepository;
  billing: Billing;
}

const roots: string[] = [];
const nodes: Node[] = [];

function node(name: string): Node {
  const dataDir = mkdtempSync(join(tmpdir(), `hearth-shared-billing-${name}-`));
  roots.push(dataDir);
  const store = openStore({ dataDir, key: `shared-billing-${name}` });
  const keys = createKeyRepository(store.db);
  const billing = createBilling({ store, keys, audit: (actor, action, detail) => audit(store, actor, action, detail) });
  const n = { store, keys, billing };
  nodes.push(n);
  return n;
}

afterAll(() => {
  for (const n of nodes) {
    n.billing.close();
    n.store.close();
  }
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('billing definitions shared between nodes', () => {
  it('takes what a peer shares as it is, once, audited as the cluster', async () => {
    const alpha = node('alpha');
    const beta = node('beta');
    const key = alpha.keys.create('finance', ['infer']);
    beta.keys.applyShared(alpha.keys.shared()[0]);
    alpha.billing.setPrices({ currency: 'EUR', prices: { ocr_image: '0.5' } }, 'owner');
    const group = alpha.billing.saveGroup({ name: 'Finance', keys: [key.id] }, 'owner');
    await alpha.billing.saveQuota({ subject: { group: group.id }, period: 'month', mode: 'hard', unit: 'ocr_image', units: 10 }, 'owner');

    let changes = 0;
    beta.billing.onChanged(() => changes++);
    for (const d of alpha.billing.shared()) beta.billing.applyShared(d, 'cluster:alpha');
    expect(changes).toBe(3);
    expect(beta.billing.shared()).toEqual(alpha.billing.shared());
    expect(beta.billing.prices().current).toMatchObject({ currency: 'EUR', prices: { ocr_image: '0.50' } });
    expect(beta.billing.groups()).toEqual(alpha.billing.groups());
    expect((await beta.billing.quotas())[0]).toMatchObject({ subject: { kind: 'group', id: group.id, name: 'Finance' }, limit: '10' });
    const actions = readAudit(beta.store).map((e) => `${e.actor} ${e.action}`);
    expect(actions.sort()).toEqual([
      'cluster:alpha billing.group.create',
      'cluster:alpha billing.prices',
      'cluster:alpha billing.quota.create',
    ]);

    // The same entries again (a redelivery, a node's restart) change nothing and log nothing.
    for (const d of alpha.billing.shared()) beta.billing.applyShared(d, 'cluster:alpha');
    expect(changes).toBe(3);
    expect(readAudit(beta.store)).toHaveLength(3);

    // A group deleted on a peer goes here with its quotas.
    beta.billing.applyShared({ kind: 'group', id: group.id, value: null }, 'cluster:alpha');
    expect(beta.billing.groups()).toEqual([]);
    expect(await beta.billing.quotas()).toEqual([]);
    expect(readAudit(beta.store, { limit: 1 })[0]).toMatchObject({ actor: 'cluster:alpha', action: 'billing.group.delete' });
  });

  it('keeps two groups named alike on two nodes apart, the same way on both', () => {
    const alpha = node('gamma');
    const beta = node('delta');
    const low = { kind: 'group' as const, id: '00000000-0000-4000-8000-000000000000', value: { name: 'Ops', createdAt: 1, keys: [] } };
    const high = { kind: 'group' as const, id: 'ffffffff-0000-4000-8000-000000000000', value: { name: 'Ops', createdAt: 2, keys: [] } };
    // Each node made one while apart, then takes the other's.
    alpha.billing.applyShared(low, 'cluster:self');
    alpha.billing.applyShared(high, 'cluster:beta');
    beta.billing.applyShared(high, 'cluster:self');
    beta.billing.applyShared(low, 'cluster:alpha');
    const names = (n: Node): string[][] => n.billing.groups().map((g) => [g.id, g.name]);
    expect(names(alpha)).toEqual([
      [low.id, 'Ops'],
      [high.id, 'Ops (ffffffff)'],
    ]);
    expect(names(beta)).toEqual(names(alpha));
  });
});
