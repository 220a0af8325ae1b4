// Joining over TLS: a real nats-server that serves a certificate signed by our own CA and asks every client
// for a certificate of that CA; a node with the CA and a client certificate joins over tls:// and runs a job
// through the queue, and a node given another CA refuses to join with a line that names the CA file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterResponse } from '../contract/cluster';
import type { Job } from '../contract/jobs';
import { makeImageFolder } from '../testkit/imageFolder';
import { getJson, killNode, postJson, startNats, startNode, tempRoot, until, type NatsServer, type NodeProc } from '../testkit/cluster';

const FILES = 3;

interface Pem {
  cert: string;
  key: string;
}

async function makeCa(name: string): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

async function signedBy(ca: Pem, name: string, use: 'server' | 'client'): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: use === 'server', clientAuth: use === 'client' },
      ...(use === 'server'
        ? [
            {
              name: 'subjectAltName' as const,
              altNames: [
                { type: 7 as const, ip: '127.0.0.1' },
                { type: 2 as const, value: 'localhost' },
              ],
            },
          ]
        : []),
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

describe('joining a cluster over TLS', () => {
  const tmp = tempRoot('hearth-tls-join-');
  const file = (name: string, text: string): string => {
    const path = join(tmp.root, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  let nats: NatsServer;
  let tlsUrl: string;
  const paths: Record<string, string> = {};
  const nodes: NodeProc[] = [];

  beforeAll(async () => {
    const ca = await makeCa('hearth test CA');
    const other = await makeCa('some other CA');
    const server = await signedBy(ca, 'nats', 'server');
    const client = await signedBy(ca, 'hearth-node', 'client');
    paths.ca = file('ca.pem', ca.cert);
    paths.otherCa = file('other-ca.pem', other.cert);
    paths.clientCert = file('client.pem', client.cert);
    paths.clientKey = file('client-key.pem', client.key);
    const serverCert = file('server.pem', server.cert);
    const serverKey = file('server-key.pem', server.key);
    // verify: the server also checks every client's certificate against the CA.
    const conf = `tls { cert_file: "${serverCert}", key_file: "${serverKey}", ca_file: "${paths.ca}", verify: true, timeout: 5 }\n`;
    nats = await startNats(tmp.root, { conf });
    tlsUrl = nats.url.replace(/^nats:/, 'tls:');
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => killNode(n)));
    await nats?.stop();
    tmp.cleanup();
  });

  it('joins over tls:// with the CA and a client certificate, and runs a folder job through the queue', async () => {
    const node = await startNode({
      name: 'over-tls',
      dataDir: join(tmp.root, 'a'),
      natsUrl: tlsUrl,
      args: ['--cluster-ca', paths.ca, '--cluster-tls-cert', paths.clientCert, '--cluster-tls-key', paths.clientKey],
    });
    nodes.push(node);
    const folder = join(tmp.root, 'scans');
    await makeImageFolder(folder, FILES);
    const job = await postJson<Job>(`${node.url}/v1/jobs`, { path: folder, recursive: true });
    const done = await until('job done', 90_000, async () => {
      const j = await getJson<Job>(`${node.url}/v1/jobs/${job.id}`);
      return j.state === 'done' ? j : undefined;
    });
    expect({ done: done.done, failed: done.failed }).toEqual({ done: FILES, failed: 0 });
    const view = await getJson<ClusterResponse>(`${node.url}/v1/cluster`);
    expect(view.connected).toBe(true);
    // Every file went through the stream on the TLS connection, none ran beside it.
    expect(view.queues?.bulk.delivered).toBe(FILES);
    expect(node.log()).toContain(`"server":"${tlsUrl}"`);
  }, 150_000);

  it('refuses to join when the server certificate is not signed by the CA given, and says which CA', async () => {
    const dataDir = join(tmp.root, 'b');
    const start = startNode({
      name: 'wrong-ca',
      dataDir,
      natsUrl: tlsUrl,
      args: ['--cluster-ca', paths.otherCa, '--cluster-tls-cert', paths.clientCert, '--cluster-tls-key', paths.clientKey],
    });
    const expected = `cannot join the cluster at ${tlsUrl}: the NATS server's TLS certificate is not signed by the CA in ${paths.otherCa}`;
    await expect(start).rejects.toThrow(`exited with 1: hearth: ${expected}`);
    const logged = readFileSync(join(dataDir, 'logs', 'hearth.log'), 'utf8');
    expect(logged).toMatch(/"msg":"cannot join the cluster"/);
    expect(logged).toContain(`is not signed by the CA in ${paths.otherCa} (`);
  }, 90_000);

  it('is refused by the server without a client certificate', async () => {
    const start = startNode({ name: 'no-client-cert', dataDir: join(tmp.root, 'c'), natsUrl: tlsUrl, args: ['--cluster-ca', paths.ca] });
    await expect(start).rejects.toThrow(
      /exited with 1: hearth: cannot join the cluster at tls:\/\/127\.0\.0\.1:\d+: .*give --cluster-tls-cert and --cluster-tls-key/,
    );
  }, 90_000);
});
