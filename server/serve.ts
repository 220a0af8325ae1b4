// Owns the sockets: listen (HTTP on loopback, HTTPS on the LAN), switch LAN on/off by re-listening without a
// restart, push changed timeouts to the listening server, shut down gracefully.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { AppError } from './appError';
import type { Config } from './config';
import type { NodeInfo, NodeUpdate } from './contract/security';
import { listInterfaces, nodeInfo } from './lan';
import { createLogger } from './logger';
import { createNode, type HearthNode } from './node';
import { removeNodeFile, writeNodeFile } from './runningNode';
import type { Exposure } from './settings';
import { ensureTlsMaterial } from './tls';
import { VERSION } from './version';

const log = createLogger('serve');

/** `hearth serve` exits within 10 s of SIGTERM; leave a margin for the store to close. */
const SHUTDOWN_BUDGET_MS = 8_000;

export interface RunningServer {
  node: HearthNode;
  /** The current listening URL (changes when the owner turns LAN on or off at runtime). */
  readonly url: string;
  readonly server: http.Server | https.Server;
  /** SHA-256 fingerprint of the TLS certificate, when serving TLS. */
  readonly fingerprint?: string;
  /** The second listener's URL when the node also serves a compatibility port (--compat-port). */
  readonly compatUrl?: string;
  close(): Promise<void>;
}

function urlFor(config: Config, address: AddressInfo, tls: boolean): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${tls ? 'https' : 'http'}://${host}:${address.port}`;
}

interface Listener {
  server: http.Server | https.Server;
  url: string;
  fingerprint?: string;
}

/** Creates the HTTP or HTTPS server for `app` and listens; TLS whenever LAN is on or the owner gave a cert. */
async function listen(node: HearthNode, at: { lan: boolean; host: string; port: number }): Promise<Listener> {
  const { config } = node.services;
  const app = node.app;
  const useTls = at.lan || Boolean(config.tlsCert);
  const limits = node.services.settings.current().limits;
  // Node checks header/request timeouts on this interval (default 30 s): keep it a fraction of the timeout.
  const connectionsCheckingInterval = Math.max(250, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 4)));
  let fingerprint: string | undefined;
  let server: http.Server | https.Server;
  if (useTls) {
    const tls = await ensureTlsMaterial({ dataDir: config.dataDir, certFile: config.tlsCert, keyFile: config.tlsKey });
    fingerprint = tls.fingerprint;
    server = https.createServer({ cert: tls.cert, key: tls.key, connectionsCheckingInterval }, app);
  } else {
    server = http.createServer({ connectionsCheckingInterval }, app);
  }
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, url: urlFor(config, server.address() as AddressInfo, useTls), fingerprint };
}

/** Stops accepting and drains: idle keep-alive sockets now, busy ones after their response, all after `graceMs`. */
function drain(server: http.Server | https.Server, graceMs: number): Promise<void> {
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  return drained.finally(() => clearTimeout(timer));
}

export async function startServer(config: Config): Promise<RunningServer> {
  const node = await createNode(config);
  let current: Listener;
  try {
    current = await listen(node, { lan: config.lan, host: config.host, port: config.port });
  } catch (err) {
    await node.close();
    throw err;
  }
  // The same app on a second port, exposed exactly like the first (loopback, or LAN with TLS and keys).
  let compat: Listener | undefined;
  if (config.compatPort !== undefined) {
    try {
      compat = await listen(node, { lan: config.lan, host: config.host, port: config.compatPort });
    } catch (err) {
      await drain(current.server, 0);
      await node.close();
      throw err;
    }
  }
  // node.json tells `hearth ocr` on this data dir where to find this node; it follows LAN switches.
  const announce = (lan: boolean): void => {
    try {
      writeNodeFile(config.dataDir, { url: current.url, pid: process.pid, version: VERSION, lan });
    } catch (err) {
      log.warn('could not write node.json; `hearth ocr` will not find this node', { reason: String((err as Error).message ?? err) });
    }
  };
  const withdraw = (): void => removeNodeFile(config.dataDir);
  announce(config.lan);
  process.once('exit', withdraw);
  /** Old listeners still finishing their in-flight requests after a LAN switch. */
  const draining = new Set<Promise<void>>();

  // LAN on/off without restarting: close the old listener (its open requests finish), listen anew on the same port.
  let currentAt = { lan: config.lan, host: config.host };
  const relisten = async (at: Exposure): Promise<void> => {
    const old = current;
    const previousAt = currentAt;
    const port = (old.server.address() as AddressInfo).port;
    // Stop accepting at once (frees the port); the switch request itself still answers on its old socket,
    // and what is left open there is closed shortly after.
    const done = drain(old.server, 2_000);
    draining.add(done);
    void done.finally(() => draining.delete(done));
    try {
      current = await listen(node, { ...at, port });
      currentAt = at;
      announce(at.lan);
      if (compat) {
        const compatPort = (compat.server.address() as AddressInfo).port;
        const closing = drain(compat.server, 2_000);
        draining.add(closing);
        void closing.finally(() => draining.delete(closing));
        compat = await listen(node, { ...at, port: compatPort });
      }
    } catch (err) {
      // Put the previous exposure back so the node stays reachable, then report why the switch failed.
      current = await listen(node, { ...previousAt, port }).catch(() => old);
      announce(previousAt.lan);
      throw err;
    }
    log.info('listening again', { url: current.url });
  };

  const { settings } = node.services;
  const info = (): NodeInfo => nodeInfo(settings.current(), current, true);
  const switchLan = async (change: NodeUpdate): Promise<NodeInfo> => {
    const host = change.host ?? (change.lan ? '0.0.0.0' : '127.0.0.1');
    const known = host === '0.0.0.0' || host === '::' || listInterfaces().some((i) => i.address === host);
    if (!known)
      throw new AppError('invalid_body', 400, `"${host}" is not an address of this machine; pick one from GET /v1/node interfaces`);
    const before = { lan: settings.current().lan, host: settings.current().host };
    if (change.lan === before.lan && host === before.host) return info();
    // The guard follows the new exposure from the first request on the new socket.
    settings.setExposure({ lan: change.lan, host }, { persist: false });
    try {
      await relisten({ lan: change.lan, host });
    } catch (err) {
      settings.setExposure(before, { persist: false });
      throw new AppError('conflict', 409, `could not listen on ${host}: ${(err as Error).message}`);
    }
    settings.setExposure({ lan: change.lan, host });
    log.info(change.lan ? 'LAN on' : 'LAN off', { host });
    return info();
  };
  // One switch at a time: a second request waits for the first to finish re-listening.
  let switching: Promise<unknown> = Promise.resolve();
  node.services.lan.attach({
    info,
    set(change) {
      const next = switching.then(() => switchLan(change));
      switching = next.catch(() => undefined);
      return next;
    },
  });
  // Changed timeouts go to the listening server at once (new connections pick them up).
  settings.on('limits', (limits) => {
    current.server.headersTimeout = limits.headersTimeoutMs;
    current.server.requestTimeout = limits.requestTimeoutMs;
  });
  node.services.cluster?.attachUrl(current.url);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      log.info('shutting down');
      withdraw();
      process.off('exit', withdraw);
      // Stop accepting; idle keep-alive sockets go now, busy ones after their response.
      await Promise.all([
        drain(current.server, SHUTDOWN_BUDGET_MS / 2),
        ...(compat ? [drain(compat.server, SHUTDOWN_BUDGET_MS / 2)] : []),
        ...draining,
      ]);
      await node.close();
    })());

  return {
    node,
    get url() {
      return current.url;
    },
    get server() {
      return current.server;
    },
    get fingerprint() {
      return current.fingerprint;
    },
    get compatUrl() {
      return compat?.url;
    },
    close,
  };
}

/** For `hearth serve`: SIGTERM/SIGINT close gracefully and exit 0, hard-exit if that takes too long. */
export function exitOnSignals(running: RunningServer): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Ctrl-C under `npm run` arrives twice (the terminal signals the whole group, npm forwards its own copy):
    // the handler stays installed so a repeat cannot fall through to Node's default exit 130 mid-shutdown.
    if (stopping) return;
    stopping = true;
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
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
