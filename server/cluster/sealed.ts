// AES-256-GCM for everything a node puts on NATS (work payloads, results, model bundles): nonce | tag | ciphertext.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { AppError } from '../appError';

const NONCE = 12;
const TAG = 16;

export interface Sealer {
  /** `context` is bound into the tag, so a work payload cannot be replayed as a result. */
  seal(plain: Uint8Array, context: string): Uint8Array;
  open(sealed: Uint8Array, context: string): Buffer;
  /** A value that tells whether two nodes hold the same key without revealing it. */
  readonly check: string;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('the cluster key must be 32 bytes');
  return {
    seal(plain, context) {
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([nonce, cipher.getAuthTag(), body]);
    },
    open(sealed, context) {
      const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      if (buf.length < NONCE + TAG) throw new AppError('cluster_key_mismatch', 500, 'a message on the cluster is too short to be ours');
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, NONCE));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(buf.subarray(NONCE, NONCE + TAG));
      try {
        return Buffer.concat([decipher.update(buf.subarray(NONCE + TAG)), decipher.final()]);
      } catch {
        throw new AppError('cluster_key_mismatch', 500, 'a message on the cluster was sealed with another cluster key', {
          operational: true,
        });
      }
    },
    check: createHmac('sha256', key).update('hearth-cluster-key-check').digest('hex').slice(0, 16),
  };
}

/** Frames a JSON header and a binary body into one buffer (4-byte header length first). */
export function frame(header: unknown, body: Uint8Array = new Uint8Array(0)): Buffer {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(h.length);
  return Buffer.concat([len, h, body]);
}

export function unframe<T>(buf: Buffer): { header: T; body: Buffer } {
  const n = buf.readUInt32BE(0);
  return { header: JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as T, body: buf.subarray(4 + n) };
}
