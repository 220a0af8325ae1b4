// Opens the SQLCipher file: verifies the key on a handle that cannot write first, so a wrong key never touches the
// store, its WAL or its shared-memory index (-shm).
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../appError';
import { KEY_FIX, keyPragma, type ResolvedKey } from './storeKey';

export type SqliteDatabase = Database.Database;

function applyKey(db: SqliteDatabase, key: string): void {
  db.pragma(`cipher='sqlcipher'`);
  db.pragma(keyPragma(key));
}

function keyError(file: string, resolved: ResolvedKey, cause: unknown): AppError {
  const from = resolved.source === 'argument' ? 'HEARTH_STORE_KEY' : 'store.key';
  return new AppError('store_key_invalid', 500, `the store key from ${from} does not open ${file}; ${KEY_FIX}`, {
    operational: true,
    cause,
  });
}

// A plain read-only handle still maps and rewrites hearth.db-shm when a crash left a WAL behind; an `immutable=1`
// URI handle reads the main file only and writes nothing. The addon reads this switch once, when it first loads.
process.env.SQLITE_USE_URI = '1';

/** Throws store_key_invalid unless `key` decrypts the existing file. Nothing is written: not even the -shm. */
export function verifyKey(file: string, resolved: ResolvedKey): void {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(`${pathToFileURL(file).href}?immutable=1`, { readonly: true });
    applyKey(db, resolved.key);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw keyError(file, resolved, err);
    throw err;
  } finally {
    db?.close();
  }
}

/** Opens (creating when new) the encrypted file for reading and writing, WAL mode. */
export function openEncrypted(file: string, resolved: ResolvedKey): SqliteDatabase {
  const db = new Database(file);
  try {
    applyKey(db, resolved.key);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only power loss can drop the last commits).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') throw keyError(file, resolved, err);
    throw err;
  }
}
