// Connects to the NATS server with the node's credentials (user/password or nkey seed, TLS CA), reconnects
// forever, and says in the log when the link drops and comes back.
import { readFileSync } from 'node:fs';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { AppError } from '../appError';
import type { Config } from '../config';
import { createLogger } from '../logger';

const log = createLogger('cluster');

export interface Link {
  nc: NatsConnection;
  /** Whether the link is up right now. */
  connected(): boolean;
}

/** TLS to the NATS server: a tls:// URL, or a CA or client certificate given. */
function tlsWanted(cluster: Config['cluster']): boolean {
  return Boolean(cluster.url?.startsWith('tls://') || cluster.tlsCa || cluster.tlsCert);
}

/** Node's codes for a server certificate this node cannot trust. */
const UNTRUSTED_CERT = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/** Why the connection failed, in words that name the setting to fix where TLS is the cause. */
function refusalOf(err: unknown, cluster: Config['cluster']): string {
  // The NATS client wraps the socket's error; its code sits on the cause.
  let e: unknown = err;
  while (e instanceof Error && !(e as NodeJS.ErrnoException).code && e.cause) e = e.cause;
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = (err as Error).message;
  if (UNTRUSTED_CERT.has(code)) {
    const ca = cluster.tlsCa ? `the CA in ${cluster.tlsCa}` : "this system's trusted CAs (give the server's CA with --cluster-ca FILE)";
    return `the NATS server's TLS certificate is not signed by ${ca} (${code})`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the NATS server's TLS certificate is for another host name (${message})`;
  if (code === 'CERT_HAS_EXPIRED') return "the NATS server's TLS certificate has expired";
  // In TLS 1.3 the server checks the client's certificate after the client thinks the handshake is done: a refusal
  // then looks like a server that never answers.
  if (/timeout/i.test(message) && tlsWanted(cluster) && !cluster.tlsCert) {
    return `${message}: no answer over TLS; a NATS server that asks for client certificates (verify: true) drops nodes without one: give --cluster-tls-cert and --cluster-tls-key`;
  }
  return message;
}

export async function connectLink(cluster: Config['cluster'], name: string): Promise<Link> {
  const url = cluster.url ?? '';
  let authenticator;
  if (cluster.nkeySeedFile) {
    const seed = readFileSync(cluster.nkeySeedFile, 'utf8').trim();
    authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  const tls = tlsWanted(cluster) ? { caFile: cluster.tlsCa, certFile: cluster.tlsCert, keyFile: cluster.tlsKey } : undefined;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name: `hearth ${name}`,
      user: cluster.user,
      pass: cluster.password,
      authenticator,
      tls,
      // A node outlives NATS restarts: keep trying, a beat apart.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 5_000,
    });
  } catch (err) {
    const reason = refusalOf(err, cluster);
    log.error('cannot join the cluster', { server: url, reason });
    throw new AppError('cluster_unavailable', 503, `cannot join the cluster at ${url}: ${reason}`, { operational: true });
  }
  let up = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        up = false;
        log.warn('lost the connection to the NATS server; reconnecting', { server: url });
      } else if (s.type === 'reconnect') {
        up = true;
        log.info('reconnected to the NATS server', { server: url });
      }
    }
  })();
  log.info('connected to the NATS server', { server: url });
  return { nc, connected: () => up && !nc.isClosed() };
}
