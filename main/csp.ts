// The console's Content-Security-Policy, in one place: the built page carries it as a meta tag (for LAN
// browsers) and the Electron window also sends it as a header.
// 'unsafe-inline' styles: recharts and the box overlay set style attributes.

const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
] as const;

/** For the meta tag: browsers ignore frame-ancestors there and log an error, so it is left out. */
export const CSP_META: string = DIRECTIVES.join('; ');

/** For the window's response header, where frame-ancestors works. */
export const CSP_HEADER: string = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');
