// API keys: created as hk_<random>, stored only as SHA-256 hashes with a short display prefix; looked up per request
// so a revocation or a scope change acts on the very next request.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Store } from '../store';
import { AppError } from '../appError';
import type { ApiKeySummary, KeyScope } from '../contract/security';
import { sha256Hex } from '../sha256';

export const KEY_PREFIX = 'hk_';
/** hk_ + 43 base64url characters (32 random bytes). */
const KEY_PATTERN = /^hk_[A-Za-z0-9_-]{43}$/;
const DISPLAY_CHARS = 10;

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A key as the nodes of a cluster share it: what the store holds (the hash, never the key), without its use times. */
export interface SharedKey {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: KeyScope[];
  createdAt: string;
  revokedAt: string | null;
}

/** What applying a shared key changed here: the audit log's action for it, or null for nothing. */
export type SharedKeyChange = 'keys.create' | 'keys.update' | 'keys.revoke' | null;

export interface ActiveKey {
  id: string;
  name: string;
  scopes: KeyScope[];
}

export interface KeyRepository {
  create(name: string, scopes: readonly KeyScope[]): ApiKeySummary & { key: string };
  list(): ApiKeySummary[];
  get(id: string): ApiKeySummary | undefined;
  update(id: string, change: { name?: string; scopes?: readonly KeyScope[] }): ApiKeySummary;
  /** Marks the key revoked and tells the listeners; false when there is no such active key. */
  revoke(id: string): boolean;
  /** Called with the id of each key revoked from now on (streams and jobs of that key stop); returns the unsubscribe. */
  onRevoked(listener: (id: string) => void): () => void;
  /** The active key a presented secret belongs to, or undefined (unknown, revoked, malformed). */
  verify(secret: string): ActiveKey | undefined;
  /** Records use times in one write (called from the metering flush, not per request). */
  touch(ids: Iterable<string>, at: string): void;
  /** Every key as a cluster shares it. */
  shared(): SharedKey[];
  /** Takes a key as another node has it: creates, renames, rescopes or revokes it here. A revocation is never undone. */
  applyShared(key: SharedKey): SharedKeyChange;
  /** Called after any key is created, changed or revoked (here or from a peer); returns the unsubscribe. */
  onChanged(listener: () => void): () => void;
}

export function hashKey(secret: string): string {
  return sha256Hex(secret);
}

export function looksLikeKey(secret: string): boolean {
  return KEY_PATTERN.test(secret);
}

function toSummary(r: KeyRow): ApiKeySummary {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as KeyScope[],
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export function createKeyRepository(db: Store['db']): KeyRepository {
  const cols = 'id, name, prefix, scopes, created_at, last_used_at, revoked_at';
  const insert = db.prepare(
    'INSERT INTO api_keys (id, name, prefix, hash, scopes, created_at) VALUES (@id, @name, @prefix, @hash, @scopes, @createdAt)',
  );
  const all = db.prepare(`SELECT ${cols} FROM api_keys ORDER BY created_at, id`);
  const one = db.prepare(`SELECT ${cols} FROM api_keys WHERE id = ?`);
  const byHash = db.prepare('SELECT id, name, scopes FROM api_keys WHERE hash = ? AND revoked_at IS NULL');
  const revokeStmt = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const withHash = db.prepare(`SELECT ${cols}, hash FROM api_keys ORDER BY created_at, id`);
  const setShared = db.prepare('UPDATE api_keys SET name = @name, scopes = @scopes, revoked_at = @revokedAt WHERE id = @id');
  const touchStmt = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');

  const events = new EventEmitter();
  events.setMaxListeners(0);
  const changed = (): boolean => events.emit('changed');

  const get = (id: string): ApiKeySummary | undefined => {
    const row = one.get(id) as KeyRow | undefined;
    return row && toSummary(row);
  };

  return {
    create(name, scopes) {
      const key = KEY_PREFIX + randomBytes(32).toString('base64url');
      const id = randomBytes(6).toString('hex');
      const createdAt = new Date().toISOString();
      const uniqueScopes = [...new Set(scopes)];
      insert.run({ id, name, prefix: key.slice(0, DISPLAY_CHARS), hash: hashKey(key), scopes: JSON.stringify(uniqueScopes), createdAt });
      changed();
      return { ...get(id)!, key };
    },
    list: () => (all.all() as KeyRow[]).map(toSummary),
    get,
    update(id, change) {
      const current = get(id);
      if (!current) throw new AppError('not_found', 404, `no key with id ${id}`);
      if (current.revokedAt) throw new AppError('conflict', 409, 'this key is revoked; create a new one');
      const name = change.name ?? current.name;
      const scopes = change.scopes ? [...new Set(change.scopes)] : current.scopes;
      db.prepare('UPDATE api_keys SET name = ?, scopes = ? WHERE id = ?').run(name, JSON.stringify(scopes), id);
      changed();
      return get(id)!;
    },
    revoke(id) {
      const done = revokeStmt.run(new Date().toISOString(), id).changes > 0;
      if (done) {
        events.emit('revoked', id);
        changed();
      }
      return done;
    },
    onRevoked(listener) {
      events.on('revoked', listener);
      return () => events.off('revoked', listener);
    },
    verify(secret) {
      if (!looksLikeKey(secret)) return undefined;
      const row = byHash.get(hashKey(secret)) as { id: string; name: string; scopes: string } | undefined;
      return row && { id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as KeyScope[] };
    },
    touch(ids, at) {
      for (const id of ids) touchStmt.run(at, id);
    },
    shared: () =>
      (withHash.all() as (KeyRow & { hash: string })[]).map((r) => ({
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        hash: r.hash,
        scopes: JSON.parse(r.scopes) as KeyScope[],
        createdAt: r.created_at,
        revokedAt: r.revoked_at,
      })),
    applyShared(key) {
      const current = get(key.id);
      const scopes = JSON.stringify([...new Set(key.scopes)]);
      let change: SharedKeyChange = null;
      if (!current) {
        insert.run({ id: key.id, name: key.name, prefix: key.prefix, hash: key.hash, scopes, createdAt: key.createdAt });
        change = 'keys.create';
      }
      // A key revoked anywhere stays revoked: a later rename elsewhere does not bring it back.
      const revokedAt = current?.revokedAt ?? key.revokedAt;
      if (current && current.name === key.name && JSON.stringify(current.scopes) === scopes && current.revokedAt === revokedAt) return null;
      setShared.run({ id: key.id, name: key.name, scopes, revokedAt });
      if (revokedAt && !current?.revokedAt) {
        events.emit('revoked', key.id);
        change = 'keys.revoke';
      }
      change ??= 'keys.update';
      changed();
      return change;
    },
    onChanged(listener) {
      events.on('changed', listener);
      return () => events.off('changed', listener);
    },
  };
}
