// LAN exposure state: which interfaces the machine has, the URLs teammates can reach, and switching LAN on/off
// at runtime through the re-listen hook serve.ts provides.
import { networkInterfaces } from 'node:os';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { NetworkInterfaceInfo, NodeInfo } from '../contract/security';
import type { Exposure } from '../settings';

/** What serve.ts hands the security layer once it listens (and again after each re-listen). */
export interface ListeningInfo {
  server: HttpServer | HttpsServer;
  url: string;
  fingerprint?: string;
  /** Re-listens with the new exposure (HTTPS on `host` when lan) without restarting the process. */
  relisten?: (opts: { lan: boolean; host: string }) => Promise<{ url: string; fingerprint?: string }>;
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

export function nodeInfo(exposure: Exposure, listening: ListeningInfo | undefined): NodeInfo {
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
    canToggle: Boolean(listening?.relisten),
  };
}
