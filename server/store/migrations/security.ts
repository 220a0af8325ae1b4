// Security tables: API keys (hashes only), per-key daily metering and the admin audit log (versions 100–199).
import type { Migration } from './index';

export const securityMigrations: Migration[] = [
  {
    version: 100,
    name: 'security: api keys, usage, audit',
    sql: `
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        -- First characters of the key, for telling keys apart in lists; never enough to use it.
        prefix TEXT NOT NULL,
        -- SHA-256 of the whole key, hex; the key itself is never stored.
        hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE TABLE usage_daily (
        day TEXT NOT NULL,
        -- An api_keys.id, or 'owner' for keyless loopback requests.
        key_id TEXT NOT NULL,
        requests INTEGER NOT NULL DEFAULT 0,
        images INTEGER NOT NULL DEFAULT 0,
        engine_ms INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, key_id)
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX audit_log_at ON audit_log (at);
    `,
  },
];
