// The store key for the desktop node: generated once, kept in userData wrapped by the OS keychain (safeStorage),
// handed to the node as HEARTH_STORE_KEY. Without a keychain the node keeps its own 0600 key file instead.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';

const KEY_FILE = 'store-key.safe';

export interface StoreKeyResult {
  key: string | undefined;
  /** Why the keychain was not used, for one warning at start. */
  warning?: string;
}

/** Call after app `ready` (safeStorage needs it). Throws when a wrapped key exists but cannot be unwrapped. */
export function loadStoreKey(userDataDir: string): StoreKeyResult {
  const file = join(userDataDir, KEY_FILE);
  if (!safeStorage.isEncryptionAvailable()) {
    if (existsSync(file)) {
      throw new Error(
        `the OS keychain is unavailable, so the store key in ${file} cannot be unwrapped; unlock the keychain and start again`,
      );
    }
    return { key: undefined, warning: 'OS keychain unavailable: the node keeps its store key in <data>/store.key (mode 0600)' };
  }
  if (existsSync(file)) return { key: safeStorage.decryptString(readFileSync(file)) };
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, safeStorage.encryptString(key), { mode: 0o600 });
  // Linux without a secret service falls back to a fixed password: the file is then only obfuscated.
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined;
  return { key, warning: backend === 'basic_text' ? 'no secret service found: the store key is only obfuscated on disk' : undefined };
}
