// Where the store key comes from: HEARTH_STORE_KEY (passed in), else <data>/store.key, generated only for a new store.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../appError';
import { createLogger } from '../logger';

export const KEY_FILE = 'store.key';

export interface ResolvedKey {
  key: string;
  /** Where it came from, for the error message when it does not open the store. */
  source: 'argument' | 'file' | 'generated';
}

/** Fixes a person can apply, named in every key error. */
export const KEY_FIX =
  'set HEARTH_STORE_KEY to the key this store was created with, or restore <data>/store.key from where you keep it (the desktop app keeps it in the OS keychain)';

export function resolveStoreKey(dataDir: string, dbExists: boolean, key: string | undefined): ResolvedKey {
  if (key !== undefined && key !== '') return { key, source: 'argument' };
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) {
    const fromFile = readFileSync(file, 'utf8').trim();
    if (!fromFile) throw new AppError('store_key_invalid', 500, `${file} is empty; ${KEY_FIX}`, { operational: true });
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      // Still usable, but anyone who can read it can read the whole store: say so rather than refuse.
      createLogger('store').warn(`${file} is readable by other users; run: chmod 600 ${file}`);
    }
    return { key: fromFile, source: 'file' };
  }
  if (dbExists) {
    // Never mint a new key over existing data: that would leave the old data unreadable for good.
    throw new AppError('store_key_invalid', 500, `the store in ${dataDir} exists but no key was given and ${file} is missing; ${KEY_FIX}`, {
      operational: true,
    });
  }
  const generated = randomBytes(32).toString('hex');
  // 'wx' refuses to overwrite a key file another process created a moment ago.
  writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' });
  return { key: generated, source: 'generated' };
}

/**
 * The PRAGMA key value. A 64-hex-digit key (what we generate) is used as the raw 256-bit key, which skips
 * SQLCipher's slow passphrase derivation and keeps start-up fast; anything else is a passphrase.
 */
export function keyPragma(key: string): string {
  if (/^[0-9a-fA-F]{64}$/.test(key)) return `key="x'${key.toLowerCase()}'"`;
  return `key='${key.replace(/'/g, "''")}'`;
}
