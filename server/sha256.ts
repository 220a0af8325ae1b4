// SHA-256 as lower-case hex: the one function behind image content keys, result hashes, key hashes, dataset
// duplicates and certificate fingerprints.
import { createHash } from 'node:crypto';

/** Strings are hashed as UTF-8. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
