// The typed fetch client for the node's HTTP API (package export `hearth/client`): used by the console and the
// CLI's --server mode. Runs in browsers, Electron and Node 20, so it uses only fetch and web-standard types.
import type { ErrorBody } from './errors';
import type { HealthResponse } from './health';
import type { OcrResponse } from './ocr';
import { API, pathFor } from './paths';

export interface ClientOptions {
  /** Origin of the node, e.g. "http://127.0.0.1:8686"; "" means same origin (the web console). */
  baseUrl: string;
  /** API key sent as `Authorization: Bearer`; loopback callers need none. */
  key?: string | null;
  /** Tags stored results with their origin (the console sends "console"). */
  origin?: 'console' | 'cli';
  /** Custom fetch, e.g. one that trusts a node's self-signed certificate (Electron's net.fetch, an undici agent). */
  fetch?: FetchLike;
}

/** The part of fetch the client uses; global fetch, Electron's net.fetch and undici's fetch all fit. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** Plain objects are sent as JSON; bytes and Blobs as they are, with `contentType`. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** A non-2xx answer, carrying the node's error code (or "network_error" when no answer came). */
export class ClientError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export interface HearthClient {
  readonly baseUrl: string;
  /** Absolute URL for a path template and its params, with the query string (for links, EventSource, <img>). */
  url(template: string, params?: Record<string, string | number>, query?: Query): string;
  request<T>(path: string, opts?: RequestOptions): Promise<T>;
  /** Like request, but returns the body as text (CSV, jsonl, Prometheus exports). */
  text(path: string, opts?: RequestOptions): Promise<string>;
  blob(path: string, opts?: RequestOptions): Promise<Blob>;
  health(signal?: AbortSignal): Promise<HealthResponse>;
  /** Recognises one image sent as raw bytes with its image/* content type (a PDF: `page` reads that page only). */
  ocr(image: Blob | Uint8Array, contentType: string, signal?: AbortSignal, page?: number): Promise<OcrResponse>;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function isBinary(body: unknown): body is Blob | Uint8Array | ArrayBuffer | FormData {
  return (
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData)
  );
}

async function errorFrom(res: Response): Promise<ClientError> {
  const retry = Number(res.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.json()) as Partial<ErrorBody>;
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not our JSON error shape (a proxy, an HTML page): keep the status line.
  }
  return new ClientError(code, res.status, message, retryAfter);
}

export function createClient(opts: ClientOptions): HearthClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));

  async function send(path: string, ro: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    if (opts.origin) headers['x-hearth-origin'] = opts.origin;
    let body: RequestInit['body'];
    if (ro.body !== undefined) {
      if (isBinary(ro.body)) {
        body = ro.body as RequestInit['body'];
        if (ro.contentType) headers['content-type'] = ro.contentType;
      } else {
        body = JSON.stringify(ro.body);
        headers['content-type'] = 'application/json';
      }
    }
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}${queryString(ro.query)}`, {
        method: ro.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        signal: ro.signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ClientError('network_error', 0, `cannot reach the node at ${baseUrl || 'this address'}: ${(err as Error).message}`);
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  return {
    baseUrl,
    url: (template, params = {}, query) => `${baseUrl}${pathFor(template, params)}${queryString(query)}`,
    async request<T>(path: string, ro?: RequestOptions): Promise<T> {
      const res = await send(path, ro);
      if (res.status === 204) return undefined as T;
      return (await res.json()) as T;
    },
    text: async (path, ro) => (await send(path, ro)).text(),
    blob: async (path, ro) => (await send(path, ro)).blob(),
    health: async (signal) => (await send(API.health, { signal })).json() as Promise<HealthResponse>,
    ocr: async (image, contentType, signal, page) =>
      (await send(`${API.ocr}${queryString({ page })}`, { method: 'POST', body: image, contentType, signal })).json() as Promise<OcrResponse>,
  };
}
