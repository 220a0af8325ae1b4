// LAN exposure as GET/PUT /v1/node see it: the machine's interfaces, the URLs teammates can reach, and the
// node's LAN control, which can switch only once serve.ts owns sockets and puts in its own.
import { networkInterfaces } from 'node:os';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { AppError } from './appError';
import type { NetworkInterfaceInfo, NodeInfo, NodeUpdate } from './contract/security';
import type { Exposure, SettingsService } from './settings';

/** The socket the node listens on now. */
export interface ListeningInfo {
  server: HttpServer | HttpsServer;
  url: string;
  fingerprint?: string;
}

export interface LanControl {
  info(): NodeInfo;
  /** Switches LAN on/off (re-listening); returns the new state. */
  set(change: NodeUpdate): Promise<NodeInfo>;
}

/** The node's LAN control; serve.ts attaches the one that can re-listen once it owns the sockets. */
export interface LanHolder extends LanControl {
  attach(control: LanControl): void;
}

export function createLanHolder(settings: SettingsService): LanHolder {
  let control: LanControl = {
    info: () => nodeInfo(settings.current(), undefined, false),
    set: () =>
      Promise.reject(
        new AppError('conflict', 409, 'this node was started without a socket it can re-open; restart it with or without --lan'),
      ),
  };
  return {
    info: () => control.info(),
    set: (change) => control.set(change),
    attach(next) {
      control = next;
    },
  };
}

export function listInterfaces(): NetworkInterfaceInfo[] {
  return Object.entries(networkInterfaces()).flatMap(([name, list]) =>
    (list ?? [])
      .filter((i) => i.family === 'IPv4' || i.family === 'IPv6')
      .map((i) => ({ name, address: i.address, family: i.family as 'IPv4' | 'IPv6', internal: i.internal })),
  );
}

function urlOf(address: string, family: string, port: number, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}

/** URLs teammates can use: every non-internal, non-link-local address the node listens on. */
export function reachableUrls(host: string, port: number, tls: boolean, interfaces = listInterfaces()): string[] {
  const all = host === '0.0.0.0' || host === '::';
  return interfaces
    .filter((i) => !i.internal && !i.address.toLowerCase().startsWith('fe80:'))
    .filter((i) => (all ? host === '::' || i.family === 'IPv4' : i.address === host))
    .map((i) => urlOf(i.address, i.family, port, tls));
}

export function nodeInfo(exposure: Exposure, listening: ListeningInfo | undefined, canToggle: boolean): NodeInfo {
  const addr = listening?.server.address();
  const port = addr && typeof addr === 'object' ? addr.port : null;
  const tls = Boolean(listening?.fingerprint);
  return {
    lan: exposure.lan,
    host: exposure.host,
    port,
    url: listening?.url ?? null,
    urls: exposure.lan && port !== null ? reachableUrls(exposure.host, port, tls) : [],
    fingerprint: listening?.fingerprint ?? null,
    interfaces: listInterfaces(),
    canToggle,
  };
}
