// Online backup of the live store into one encrypted file, written beside the target and renamed into place.
// SQLite's page-copy backup API refuses an encrypted source with an unkeyed target (better-sqlite3 opens the
// target without a key), so the copy is made with VACUUM INTO, which SQLite3MultipleCiphers encrypts with the
// source's cipher and key; it reads one consistent snapshot while WAL lets writers go on.
import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../appError';
import { openEncrypted, verifyKey, type SqliteDatabase } from './encryptedDatabase';
import type { ResolvedKey } from './storeKey';

export async function backupTo(db: SqliteDatabase, file: string, key: ResolvedKey): Promise<void> {
  const target = resolve(file);
  const live = resolve(db.name);
  if ([live, `${live}-wal`, `${live}-shm`].includes(target)) {
    // Replacing the file under the running store would leave the node writing to a deleted inode.
    throw new AppError('bad_request', 400, `cannot write the backup over the store itself (${target}): choose another file`);
  }
  const dir = dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AppError('bad_request', 400, `cannot write the backup: folder ${dir} does not exist`);
  }
  const partial = join(dir, `.${basename(target)}.partial-${process.pid}-${Date.now()}`);
  try {
    db.prepare('VACUUM INTO ?').run(partial);
    // Prove the copy opens with the same key and is whole before it replaces anything.
    verifyKey(partial, key);
    const check = openEncrypted(partial, key);
    try {
      const row = check.prepare('PRAGMA quick_check').get() as { quick_check: string };
      if (row.quick_check !== 'ok') throw new Error(`backup check failed: ${row.quick_check}`);
      check.pragma('journal_mode = DELETE');
    } finally {
      check.close();
    }
    // Encrypted, but still the whole history: readable by the owner only, like the store itself.
    chmodSync(partial, 0o600);
    renameSync(partial, target);
  } finally {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
  }
  await Promise.resolve();
}
