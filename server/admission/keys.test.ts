// Keys, metering and audit against a real encrypted store: hashes only, revocation and scope changes at once,
// per-day tallies written in one flush.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store';
import { audit, readAudit } from './audit';
import { createKeyRepository, hashKey, type KeyRepository } from './keys';
import { createMetering, OWNER_KEY_ID, utcDay } from '../observability/metering';
import { createRateLimiter } from './rateLimit';

let dataDir: string;
let store: Store;
let keys: KeyRepository;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hearth-keys-'));
  store = openStore({ dataDir, key: 'keys-test-store-key' });
  keys = createKeyRepository(store.db);
});

afterAll(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('key repository', () => {
  it("takes a peer's key by its hash, and never undoes a revocation for an older copy", () => {
    // A second store stands for another node: the key's secret never reaches it, only what the store holds.
    const peerDir = mkdtempSync(join(tmpdir(), 'hearth-keys-peer-'));
    const peerStore = openStore({ dataDir: peerDir, key: 'keys-test-peer-key' });
    try {
      const peer = createKeyRepository(peerStore.db);
      const k = keys.create('shared', ['jobs']);
      const copy = keys.shared().find((s) => s.id === k.id)!;
      expect(JSON.stringify(copy)).not.toContain(k.key);
      const revokedHere: string[] = [];
      peer.onRevoked((id) => revokedHere.push(id));

      expect(peer.applyShared(copy)).toBe('keys.create');
      expect(peer.verify(k.key)).toEqual({ id: k.id, name: 'shared', scopes: ['jobs'] });
      expect(peer.applyShared(copy)).toBeNull();
      expect(peer.applyShared({ ...copy, name: 'renamed' })).toBe('keys.update');

      expect(peer.applyShared({ ...copy, revokedAt: '2026-12-01T00:00:00.000Z' })).toBe('keys.revoke');
      expect(revokedHere).toEqual([k.id]);
      expect(peer.verify(k.key)).toBeUndefined();
      // A copy from before the revocation (renamed elsewhere meanwhile) keeps the key revoked.
      expect(peer.applyShared({ ...copy, name: 'late rename' })).toBe('keys.update');
      expect(peer.get(k.id)?.revokedAt).toBe('2026-12-01T00:00:00.000Z');
      expect(peer.verify(k.key)).toBeUndefined();
    } finally {
      peerStore.close();
      rmSync(peerDir, { recursive: true, force: true });
    }
  });

  it('stores only the hash and a display prefix', () => {
    const k = keys.create('ci', ['infer', 'infer', 'jobs']);
    expect(k.key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    expect(k.scopes).toEqual(['infer', 'jobs']);
    expect(k.key.startsWith(k.prefix)).toBe(true);
    const row = store.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(k.id) as Record<string, unknown>;
    expect(row.hash).toBe(hashKey(k.key));
    expect(JSON.stringify(row)).not.toContain(k.key);
    // The data dir holds the key nowhere in the clear (the store is encrypted anyway).
    expect(readFileSync(join(dataDir, 'hearth.db')).includes(Buffer.from(k.key))).toBe(false);
  });

  it('verifies, follows scope changes and refuses revoked keys at once', () => {
    const k = keys.create('laptop', ['infer']);
    expect(keys.verify(k.key)?.scopes).toEqual(['infer']);
    expect(keys.verify(k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    expect(keys.verify('hk_short')).toBeUndefined();
    keys.update(k.id, { scopes: ['infer', 'metrics'] });
    expect(keys.verify(k.key)?.scopes).toEqual(['infer', 'metrics']);
    expect(keys.revoke(k.id)).toBe(true);
    expect(keys.verify(k.key)).toBeUndefined();
    expect(keys.revoke(k.id)).toBe(false);
    expect(() => keys.update(k.id, { name: 'x' })).toThrow(/revoked/);
    expect(keys.list().find((s) => s.id === k.id)?.revokedAt).toBeTruthy();
  });
});

describe('metering', () => {
  it('tallies per key and day and writes on flush', () => {
    const k = keys.create('metered', ['infer']);
    const m = createMetering(store.db, keys);
    m.record({ keyId: k.id, status: 200, images: 1, engineMs: 120.4 });
    m.record({ keyId: k.id, status: 415 });
    m.record({ keyId: null, status: 200, images: 2, engineMs: 10 });
    const rows = m.query({ from: utcDay(), to: utcDay() });
    expect(rows.find((r) => r.keyId === k.id)).toEqual({
      day: utcDay(),
      keyId: k.id,
      keyName: 'metered',
      requests: 2,
      images: 1,
      engineMs: 120,
      errors: 1,
    });
    expect(rows.find((r) => r.keyId === OWNER_KEY_ID)?.images).toBe(2);
    m.record({ keyId: k.id, status: 500 });
    m.close();
    expect(createMetering(store.db, keys).query({ key: k.id })[0].requests).toBe(3);
    expect(keys.get(k.id)?.lastUsedAt).toBeTruthy();
  });
});

describe('audit log', () => {
  it('appends entries newest first', () => {
    audit(store, 'owner', 'settings.update', { limits: { burst: 5 } });
    audit(store, 'cli', 'keys.revoke', { id: 'abc' });
    const entries = readAudit(store, { limit: 2 });
    expect(entries.map((e) => e.action)).toEqual(['keys.revoke', 'settings.update']);
    expect(entries[1].detail).toEqual({ limits: { burst: 5 } });
  });
});

describe('token bucket', () => {
  it('allows the burst, then refuses with the seconds to wait, and refills at the rate', () => {
    const limits = { ratePerMinute: 60, burst: 3 };
    const rl = createRateLimiter(() => limits);
    const t = 1_000_000;
    expect([rl.take('a', t), rl.take('a', t), rl.take('a', t)]).toEqual([0, 0, 0]);
    expect(rl.take('a', t)).toBe(1);
    expect(rl.take('b', t)).toBe(0);
    expect(rl.take('a', t + 1_000)).toBe(0);
    limits.ratePerMinute = 6;
    expect(rl.take('a', t + 1_000)).toBe(10);
  });
});
