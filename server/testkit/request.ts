// For tests: one HTTP(S) request with full control over headers (Host, Origin, Authorization) and the CA to
// trust, answering status, headers and body. node:http(s) because fetch hides Host and cannot pin a CA.
import http from 'node:http';
import https from 'node:https';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = { error: { code: string; message: string } }>(): T;
}

export interface RequestOptions {
  key?: string;
  /** Raw Authorization header (overrides key). */
  auth?: string;
  /** A string body is sent as JSON unless headers say otherwise. */
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** PEM certificate to trust for https URLs. */
  ca?: Buffer;
}

export function send(base: string, method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
  const url = new URL(path, base);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.auth !== undefined) headers.authorization = opts.auth;
  if (typeof opts.body === 'string' && !headers['content-type']) headers['content-type'] = 'application/json';
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
        agent: false,
        ca: opts.ca,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
