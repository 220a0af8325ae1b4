// What "this machine" is, in one place: loopback host names (Host headers, URLs, --host) and loopback socket
// addresses. The node's guard and config and the desktop app's certificate and IPC checks all ask here.
import { isIP } from 'node:net';

/** A bare host name or address ("[::1]" as URLs write it counts too): localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || isLoopbackAddress(h);
}

/** A socket's remote address: 127.0.0.0/8 or ::1, IPv4-mapped IPv6 included. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}
