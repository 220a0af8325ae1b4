// Who may talk to the node. Loopback mode: Host allow-list and Origin check (DNS rebinding, cross-site pages),
// keyless owner access from loopback sockets only. LAN mode: a Bearer key on every route but health and the
// console's static files, checked against the store on each request.
import type { Request, RequestHandler } from 'express';
import { AppError } from '../appError';
import { isLoopbackAddress, isLoopbackHost } from '../loopback';
import { API } from '../contract/paths';
import { matchRoute, ROUTES } from '../contract/routes';
import type { Principal } from './principal';
import { SCOPES } from '../contract/security';
import type { KeyRepository } from './keys';

const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="hearth"' };

export const OWNER: Principal = Object.freeze({ keyId: null, scopes: SCOPES, local: true });
const ANONYMOUS: Principal = Object.freeze({ keyId: null, scopes: [], local: false });

/** Host header → bare lower-case host name ("[::1]:8686" → "::1", "Localhost:1" → "localhost"). */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : undefined;
  }
  const colon = h.indexOf(':');
  // More than one colon without brackets is a bare IPv6 address, which a Host header never is.
  if (colon !== -1 && h.indexOf(':', colon + 1) !== -1) return undefined;
  return colon === -1 ? h : h.slice(0, colon);
}


/** Routes anyone may reach in LAN mode: the table's public ones, and GET/HEAD of the console's files and pages. */
export function isPublicRoute(req: Request): boolean {
  const key = matchRoute(req.method, req.path);
  if (key) return ROUTES[key].access === 'public';
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  return !req.path.startsWith('/v1/') && req.path !== '/v1' && req.path !== API.metrics;
}

function bearerOf(req: Request): string | undefined | null {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer +(\S+) *$/i.exec(header);
  return m ? m[1] : null;
}

/** Sets `res.locals.principal`, or throws 401/403. Reads `config` live so LAN and allowed hosts switch at runtime. */
export function createGuard(opts: {
  keys: KeyRepository;
  lan: () => boolean;
  allowedHosts: () => readonly string[];
  /** Charges one failed authentication to the client address; seconds to wait when it has failed too often, else 0. */
  failed: (address: string) => number;
}): RequestHandler {
  // Failed attempts are throttled per client address (429), so key guessing and 401 floods cost the node little.
  const refuse = (req: Request, message: string): never => {
    const wait = opts.failed(req.socket.remoteAddress ?? 'unknown');
    if (wait > 0) {
      throw new AppError('rate_limited', 429, `too many failed authentications from this address; retry in ${wait} s`, {
        headers: { 'Retry-After': String(wait), ...closeIfBody(req) },
      });
    }
    throw new AppError('unauthorized', 401, message, { headers: { ...UNAUTHORIZED_HEADERS, ...closeIfBody(req) } });
  };
  const authenticate = (req: Request, presented: string): Principal => {
    const key = opts.keys.verify(presented);
    if (!key) return refuse(req, 'this API key is not valid (unknown, revoked or mistyped)');
    return { keyId: key.id, scopes: key.scopes, local: false };
  };

  return (req, res, next) => {
    const presented = bearerOf(req);
    if (presented === null) refuse(req, 'the Authorization header must be "Bearer <key>"');
    if (opts.lan()) {
      if (presented) res.locals.principal = authenticate(req, presented);
      else if (isPublicRoute(req)) res.locals.principal = ANONYMOUS;
      else refuse(req, 'this node is open to the LAN: send "Authorization: Bearer <key>" (create one with `hearth keys create`)');
      return next();
    }

    // Loopback mode. The Host check stops DNS rebinding (a foreign name resolving to 127.0.0.1).
    const host = hostnameOf(req.headers.host);
    const allowed = host !== undefined && (isLoopbackHost(host) || opts.allowedHosts().some((h) => h.toLowerCase() === host));
    if (!allowed) {
      throw new AppError('forbidden', 403, 'this Host is not allowed; add it to the allowedHosts setting if you mean it', {
        headers: closeIfBody(req),
      });
    }
    if (presented) {
      res.locals.principal = authenticate(req, presented);
      return next();
    }
    // The Origin check stops pages of other sites from using the owner's keyless access through the browser.
    const origin = req.headers.origin;
    if (origin !== undefined && !sameHost(origin, req.headers.host)) {
      throw new AppError('forbidden', 403, 'cross-site requests are refused; use the console served by this node', {
        headers: closeIfBody(req),
      });
    }
    // Keyless owner access only for sockets from this machine (e.g. `--host 0.0.0.0` without --lan stays key-only).
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      refuse(req, 'requests from other machines need an API key; the owner opens the node with --lan');
    }
    res.locals.principal = OWNER;
    next();
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * A refused request may still be sending a large body; closing the connection after the answer stops the node
 * from reading (and discarding) all of it.
 */
export function closeIfBody(req: Request): Record<string, string> {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return hasBody ? { Connection: 'close' } : {};
}
