// Where the cluster key comes from: HEARTH_CLUSTER_KEY, else <data>/cluster.key (generated on the first node,
// then copied to every other one). Every node of a cluster must hold the same key.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../appError';
import { createLogger } from '../logger';

export const CLUSTER_KEY_FILE = 'cluster.key';

export interface ClusterKey {
  /** 32 bytes for AES-256-GCM. */
  key: Buffer;
  source: 'argument' | 'file' | 'generated';
}

/** A 64-hex-digit key is the raw key; any other text is a passphrase hashed to 32 bytes. */
export function keyBytes(text: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  return createHash('sha256').update(`hearth-cluster-key\0${text}`).digest();
}

export function resolveClusterKey(dataDir: string, given: string | undefined): ClusterKey {
  if (given) return { key: keyBytes(given), source: 'argument' };
  const file = join(dataDir, CLUSTER_KEY_FILE);
  const log = createLogger('cluster');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (!text)
      throw new AppError(
        'cluster_key_invalid',
        500,
        `${file} is empty; copy cluster.key from another node of the cluster or set HEARTH_CLUSTER_KEY`,
        { operational: true },
      );
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0)
      log.warn(`${file} is readable by other users; run: chmod 600 ${file}`);
    return { key: keyBytes(text), source: 'file' };
  }
  const generated = randomBytes(32).toString('hex');
  writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' });
  log.warn(`generated a new cluster key in ${file}; give every other node the same key (copy the file or set HEARTH_CLUSTER_KEY)`);
  return { key: keyBytes(generated), source: 'generated' };
}
