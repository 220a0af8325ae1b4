// The encrypted store: one SQLCipher file in the data dir, migrated at open, with the results repository
// and online backup. Other areas build their repositories on `db`.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { createLogger } from '../logger';
import { backupTo } from './backup';
import { openEncrypted, verifyKey } from './encryptedDatabase';
import { applyMigrations } from './migrate';
import { MIGRATIONS } from './migrations';
import { createResultsRepository, type ResultsRepository, type Retention } from './results';
import { resolveStoreKey } from './storeKey';

export type { RecordInput, ResultsRepository, Retention } from './results';

export const DB_FILE = 'hearth.db';

export interface Store {
  readonly db: Database.Database;
  readonly dataDir: string;
  results: ResultsRepository;
  /** Writes an encrypted, consistent copy of the live store to `file` (same key opens it). */
  backup(file: string): Promise<void>;
  close(): void;
}

export interface OpenStoreOptions {
  dataDir: string;
  /** HEARTH_STORE_KEY; when absent, <dataDir>/store.key (generated only for a new store). */
  key?: string;
  /** Read on every write, so a changed setting applies to the next result. */
  retention?: () => Retention;
}

const log = createLogger('store');

export function openStore(opts: OpenStoreOptions): Store {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const file = join(opts.dataDir, DB_FILE);
  const exists = existsSync(file);
  const key = resolveStoreKey(opts.dataDir, exists, opts.key);
  if (exists) verifyKey(file, key);
  const db = openEncrypted(file, key);
  try {
    if (!exists) chmodSync(file, 0o600);
    applyMigrations(db, MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  const results = createResultsRepository(db, opts.retention);
  if (opts.retention && opts.retention().mode !== 'all') results.pruneImages();
  log.info('store open', { file, created: !exists, keySource: key.source });
  let closed = false;
  return {
    db,
    dataDir: opts.dataDir,
    results,
    backup: (target) => backupTo(db, target, key),
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
