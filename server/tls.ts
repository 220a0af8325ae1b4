// TLS material for LAN mode: the owner's cert/key files, or a self-signed pair generated once into <data>/tls.
// The SHA-256 fingerprint is what teammates pin, so it is computed over the DER exactly as browsers show it.
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { AppError } from './appError';
import { createLogger } from './logger';
import { sha256Hex } from './sha256';

const log = createLogger('tls');

/** Names teammates may type: localhost, this machine's host name and its mDNS name (host.local). */
function dnsNames(): string[] {
  const host = hostname().toLowerCase();
  const valid = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host);
  const names = ['localhost'];
  if (valid && host !== 'localhost') names.push(host, ...(host.includes('.') ? [] : [`${host}.local`]));
  return names;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** SHA-256 of the certificate's DER, upper-case colon-hex (AB:CD:…). */
  fingerprint: string;
}

/** Self-signed certificates last this long; a new one is made when the old one has expired. */
const VALIDITY_DAYS = 825;

export function fingerprintOf(certPem: Buffer | string): string {
  const der = new X509Certificate(certPem).raw;
  return sha256Hex(der).toUpperCase().match(/../g)!.join(':');
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && !i.address.startsWith('fe80:'))
    .map((i) => i.address);
}

async function generateSelfSigned(): Promise<{ cert: string; key: string }> {
  const ips = [...new Set(['127.0.0.1', '::1', ...lanAddresses()])];
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + VALIDITY_DAYS * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'hearth-node' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames().map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

function stillValid(certPem: Buffer): boolean {
  try {
    return new Date(new X509Certificate(certPem).validTo).getTime() > Date.now() + 86_400_000;
  } catch {
    return false;
  }
}

/** The cert/key to serve TLS with: given files, else <data>/tls/{cert,key}.pem (generated on first use, key 0600). */
export async function ensureTlsMaterial(opts: { dataDir: string; certFile?: string; keyFile?: string }): Promise<TlsMaterial> {
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new AppError('bad_request', 400, 'a TLS certificate and its key go together: give both');
    let cert: Buffer;
    let key: Buffer;
    try {
      cert = readFileSync(opts.certFile);
      key = readFileSync(opts.keyFile);
    } catch (err) {
      throw new AppError('bad_request', 400, `cannot read the TLS certificate or key: ${(err as Error).message}`);
    }
    return { cert, key, fingerprint: fingerprintOf(cert) };
  }
  const dir = join(opts.dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath);
    if (stillValid(cert)) return { cert, key: readFileSync(keyPath), fingerprint: fingerprintOf(cert) };
    log.warn('self-signed certificate expired; generating a new one (teammates must pin the new fingerprint)');
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = await generateSelfSigned();
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  const cert = Buffer.from(pair.cert);
  const fingerprint = fingerprintOf(cert);
  log.info('generated a self-signed TLS certificate', { fingerprint });
  return { cert, key: Buffer.from(pair.key), fingerprint };
}
