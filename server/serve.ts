// Owns the socket: listen (HTTP on loopback, HTTPS on the LAN), print the listening line, shut down gracefully.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { createLogger } from './logger';
import { createNode, type HearthNode } from './node';
import { ensureTlsMaterial } from './security/tls';

const log = createLogger('serve');

/** INTERFACE.md: exit within 10 s of SIGTERM; leave a margin for the store to close. */
const SHUTDOWN_BUDGET_MS = 8_000;

export interface RunningServer {
  node: HearthNode;
  url: string;
  server: http.Server | https.Server;
  /** SHA-256 fingerprint of the TLS certificate, when serving TLS. */
  fingerprint?: string;
  close(): Promise<void>;
}

function urlFor(config: Config, address: AddressInfo, tls: boolean): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${tls ? 'https' : 'http'}://${host}:${address.port}`;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const node = await createNode(config);
  const useTls = config.lan || Boolean(config.tlsCert);
  let fingerprint: string | undefined;
  let server: http.Server | https.Server;
  try {
    if (useTls) {
      const tls = await ensureTlsMaterial({ dataDir: config.dataDir, certFile: config.tlsCert, keyFile: config.tlsKey });
      fingerprint = tls.fingerprint;
      server = https.createServer({ cert: tls.cert, key: tls.key }, node.app);
    } else {
      server = http.createServer(node.app);
    }
    server.headersTimeout = config.limits.headersTimeoutMs;
    server.requestTimeout = config.limits.requestTimeoutMs;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await node.close();
    throw err;
  }
  const url = urlFor(config, server.address() as AddressInfo, useTls);
  node.services.security.attachServer?.({ server, url, fingerprint });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      log.info('shutting down');
      // Stop accepting; idle keep-alive sockets go now, busy ones after their response.
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_BUDGET_MS / 2);
      await drained;
      clearTimeout(timer);
      await node.close();
    })());

  return { node, url, server, fingerprint, close };
}

/** For `hearth serve`: SIGTERM/SIGINT close gracefully and exit 0, hard-exit if that takes too long. */
export function exitOnSignals(running: RunningServer): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info(`received ${signal}`);
    setTimeout(() => {
      log.error('shutdown took too long; exiting anyway');
      process.exit(0);
    }, SHUTDOWN_BUDGET_MS + 1_000).unref();
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('error during shutdown', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
