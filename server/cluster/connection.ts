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

export async function connectLink(cluster: Config['cluster'], name: string): Promise<Link> {
  const url = cluster.url ?? '';
  let authenticator;
  if (cluster.nkeySeedFile) {
    const seed = readFileSync(cluster.nkeySeedFile, 'utf8').trim();
    authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  const tls = cluster.tlsCa ? { caFile: cluster.tlsCa } : url.startsWith('tls://') ? {} : undefined;
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
    throw new AppError('cluster_unavailable', 503, `cannot join the cluster at ${url}: ${(err as Error).message}`, { operational: true });
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
