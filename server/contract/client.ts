// The typed fetch client for the node's HTTP API (package export `hearth/client`): used by the console and the
// CLI's --server mode. Every route of the table is called by its key (`client.call('getJob', { params: { id } })`),
// so params, query, body and answer are checked by the compiler against the same table the node mounts.
// Runs in browsers, Electron and Node 20, so it uses only fetch and web-standard types.
import type { ErrorBody } from './errors';
import type { HealthResponse } from './health';
import type { OcrResponse } from './ocr';
import { pathFor } from './paths';
import { ROUTES, type BodyIn, type ParamsIn, type QueryIn, type ResponseOf, type RouteKey } from './routes';

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

/** What an upload route (an image, a model) takes as its body. */
export type UploadData = Blob | Uint8Array | FormData;

type Spec<K extends RouteKey> = (typeof ROUTES)[K];
/** Query values travel as text; numbers are welcome where the node reads a number out of a string. */
type LooseQuery<Q> = { [P in keyof Q]: string extends NonNullable<Q[P]> ? Q[P] | number : Q[P] };
type BodyInput<K extends RouteKey> = Spec<K> extends { body: 'image' | 'model-upload' } ? UploadData : BodyIn<K>;

/** The input of route K: params when its path has them, query and body as its schemas say. */
export type CallInput<K extends RouteKey> = (ParamsIn<K> extends undefined ? { params?: undefined } : { params: ParamsIn<K> }) &
  (QueryIn<K> extends undefined ? { query?: undefined } : { query?: LooseQuery<QueryIn<K>> }) &
  (BodyInput<K> extends undefined ? { body?: undefined } : { body: BodyInput<K> }) & {
    /** Content type of an upload sent as raw bytes. */
    contentType?: string;
    signal?: AbortSignal;
  };
/** The input may be left out for routes that need none. */
export type CallArgs<K extends RouteKey> = object extends CallInput<K> ? [input?: CallInput<K>] : [input: CallInput<K>];

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
  /** Calls route `key` of the table; the answer is its JSON (undefined for 204). */
  call<K extends RouteKey>(key: K, ...args: CallArgs<K>): Promise<ResponseOf<K>>;
  /** Calls route `key` and returns the answer as text (CSV, jsonl, Prometheus). */
  callText<K extends RouteKey>(key: K, ...args: CallArgs<K>): Promise<string>;
  /** Calls route `key` and returns the answer as bytes (images, bundles, exports). */
  callBlob<K extends RouteKey>(key: K, ...args: CallArgs<K>): Promise<Blob>;
  /** Absolute URL of route `key` (for EventSource and links). */
  link<K extends RouteKey>(key: K, ...args: CallArgs<K>): string;
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

/** Any route's input, as the implementation sees it. */
interface CallInputAny {
  params?: unknown;
  query?: unknown;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
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
      if ((err as Error).name === 'TimeoutError')
        throw new ClientError('timeout', 0, `the node at ${baseUrl || 'this address'} did not answer in time`);
      throw new ClientError('network_error', 0, `cannot reach the node at ${baseUrl || 'this address'}: ${(err as Error).message}`);
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  const routeRequest = (key: RouteKey, input: CallInputAny | undefined = {}): [string, RequestOptions] => {
    const spec = ROUTES[key];
    const path = pathFor(spec.path, (input.params ?? {}) as Record<string, string | number>);
    return [
      path,
      {
        method: spec.method.toUpperCase() as RequestOptions['method'],
        query: input.query as Query | undefined,
        body: input.body,
        contentType: input.contentType,
        signal: input.signal,
      },
    ];
  };

  return {
    baseUrl,
    async call(key, ...[input]) {
      const res = await send(...routeRequest(key, input));
      if (res.status === 204) return undefined as ResponseOf<typeof key>;
      return (await res.json()) as ResponseOf<typeof key>;
    },
    callText: async (key, ...[input]) => (await send(...routeRequest(key, input))).text(),
    callBlob: async (key, ...[input]) => (await send(...routeRequest(key, input))).blob(),
    link(key, ...[input]) {
      const [path, ro] = routeRequest(key, input);
      return `${baseUrl}${path}${queryString(ro.query)}`;
    },
    health: async (signal) => (await send(...routeRequest('health', { signal }))).json() as Promise<HealthResponse>,
    ocr: async (image, contentType, signal, page) =>
      (
        await send(
          ...routeRequest('ocr', { body: image, contentType, signal, query: page === undefined ? undefined : { page: String(page) } }),
        )
      ).json() as Promise<OcrResponse>,
  };
}
