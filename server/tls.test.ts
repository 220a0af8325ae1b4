// TLS material: generated once into <data>/tls with a private key only the owner can read, reused after,
// SANs for loopback, and the owner's own files used as given.
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTlsMaterial, fingerprintOf } from './tls';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hearth-tls-'));
  dirs.push(d);
  return d;
};

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('ensureTlsMaterial', () => {
  it('generates a self-signed pair once, key 0600, SANs for localhost and loopback', async () => {
    const dataDir = tempDir();
    const first = await ensureTlsMaterial({ dataDir });
    expect(statSync(join(dataDir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(first.cert);
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain(`DNS:${hostname().toLowerCase()}`);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(first.key))).toBe(true);
    const expected = createHash('sha256').update(cert.raw).digest('hex').toUpperCase().match(/../g)!.join(':');
    expect(first.fingerprint).toBe(expected);
    expect(first.fingerprint).toBe(cert.fingerprint256);

    const again = await ensureTlsMaterial({ dataDir });
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.key.equals(first.key)).toBe(true);
  });

  it('uses the owner cert and key files when given', async () => {
    const source = tempDir();
    await ensureTlsMaterial({ dataDir: source });
    const certFile = join(source, 'tls', 'cert.pem');
    const keyFile = join(source, 'tls', 'key.pem');
    const other = tempDir();
    const given = await ensureTlsMaterial({ dataDir: other, certFile, keyFile });
    expect(given.fingerprint).toBe(fingerprintOf(readFileSync(certFile)));
    expect(() => statSync(join(other, 'tls'))).toThrow();
    await expect(ensureTlsMaterial({ dataDir: other, certFile: join(other, 'missing.pem'), keyFile })).rejects.toThrow(/cannot read/);
  });
});
