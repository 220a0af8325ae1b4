// The part of fetch the typed client uses (contract/client.ts FetchLike), over node:http, for `hearth ocr` talking
// to a node on this machine. Node's fetch and its Response load undici on first use: a process making one request
// took 0.43 CPU s with fetch against 0.11 with node:http, as much as all of `hearth ocr`'s own code.
import { request } from 'node:http';
import type { FetchLike } from './contract/client';

/** The answer as the client reads it: status, headers, body as text or JSON. */
class LoopbackResponse {
  readonly ok: boolean;
  constructor(
    readonly status: number,
    readonly statusText: string,
    private readonly head: Record<string, string | string[] | undefined>,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  readonly headers = {
    get: (name: string): string | null => {
      const v = this.head[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };

  async text(): Promise<string> {
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
  }
}

/** GET or POST with a string or byte body; plain http: URLs only (others go through the global fetch). */
export const loopbackFetch: FetchLike = (input, init = {}) => {
  if (!input.startsWith('http:')) return fetch(input, init);
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) return fetch(input, init);
  return new Promise((resolve, reject) => {
    const req = request(
      input,
      { method: init.method ?? 'GET', headers: init.headers as Record<string, string> | undefined, signal: init.signal ?? undefined },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve(
            new LoopbackResponse(res.statusCode ?? 0, res.statusMessage ?? '', res.headers, Buffer.concat(chunks)) as unknown as Response,
          ),
        );
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
};
