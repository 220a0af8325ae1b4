// API keys: created as hk_<random>, stored only as SHA-256 hashes with a short display prefix; looked up per request
// so a revocation or a scope change acts on the very next request.
import { randomBytes } from 'node:crypto';
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
  /** Marks the key revoked; false when there is no such active key. */
  revoke(id: string): boolean;
  /** The active key a presented secret belongs to, or undefined (unknown, revoked, malformed). */
  verify(secret: string): ActiveKey | undefined;
  /** Records use times in one write (called from the metering flush, not per request). */
  touch(ids: Iterable<string>, at: string): void;
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
  const touchStmt = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');

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
      return get(id)!;
    },
    revoke: (id) => revokeStmt.run(new Date().toISOString(), id).changes > 0,
    verify(secret) {
      if (!looksLikeKey(secret)) return undefined;
      const row = byHash.get(hashKey(secret)) as { id: string; name: string; scopes: string } | undefined;
      return row && { id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as KeyScope[] };
    },
    touch(ids, at) {
      for (const id of ids) touchStmt.run(at, id);
    },
  };
}
