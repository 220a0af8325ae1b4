// The console's Content-Security-Policy, in one place: the node sends it as a header on every response and the
// Electron window applies the same one. 'unsafe-inline' styles: recharts and the box overlay set style attributes.

export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  // blob: the console reads back images it holds as blob URLs (drawn pages, result images fetched with a key).
  'connect-src': ["'self'", 'blob:'],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'none'"],
  // No other site may frame the console (clickjacking); works only as a header, never in a <meta> tag.
  'frame-ancestors': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

/** The policy as one header value. */
export const CSP_HEADER: string = Object.entries(CSP_DIRECTIVES)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join('; ');
