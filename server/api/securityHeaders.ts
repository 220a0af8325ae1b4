// Browser-facing security headers on every response of the node (console pages, API answers, errors): the CSP
// with frame-ancestors, framing refused, no MIME sniffing, no referrer, cross-origin isolation (helmet).
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { CSP_DIRECTIVES } from '../contract/csp';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // LAN nodes often run on a self-signed certificate: HSTS would lock browsers out of the warning page for a
    // year, so it is left to a reverse proxy with a real certificate.
    strictTransportSecurity: false,
  });
}
