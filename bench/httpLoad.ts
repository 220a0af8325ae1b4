// A small bounded HTTP load client: N concurrent keep-alive clients post images until a count or a time
// limit is reached, recording per-request latency, error count and the answers; plus a health sampler.
import http from 'node:http';

export interface ImageBody {
  file: string;
  bytes: Buffer;
  /** e.g. image/png; the API takes raw bytes with an image/* type. */
  contentType: string;
}

export interface LoadResult {
  latenciesMs: number[];
  wallS: number;
  ok: number;
  /** Answers flagged `reused`: the node answered from a run it already had going for the same image. */
  reused: number;
  errors: number;
  firstError?: string;
  /** Recognised text per file (the last answer for a file wins). */
  texts: Record<string, string>;
}

interface Answer {
  status: number;
  body: string;
}

function request(url: URL, agent: http.Agent, method: string, body?: Buffer, headers: http.OutgoingHttpHeaders = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body ? { ...headers, 'content-length': body.length } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts `count` images (cycling `images`) with `concurrency` clients; stops early at `timeLimitMs`. */
export async function postImages(
  base: string,
  path: string,
  images: readonly ImageBody[],
  opts: { concurrency: number; count: number; timeLimitMs: number },
): Promise<LoadResult> {
  const url = new URL(path, base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const result: LoadResult = { latenciesMs: [], wallS: 0, ok: 0, reused: 0, errors: 0, texts: {} };
  const deadline = performance.now() + opts.timeLimitMs;
  let next = 0;
  const t0 = performance.now();
  const client = async (): Promise<void> => {
    while (next < opts.count && performance.now() < deadline) {
      const img = images[next++ % images.length];
      const s = performance.now();
      try {
        const a = await request(url, agent, 'POST', img.bytes, { 'content-type': img.contentType, 'x-file-name': img.file });
        result.latenciesMs.push(performance.now() - s);
        if (a.status === 200) {
          result.ok++;
          const answer = JSON.parse(a.body) as { text: string; reused?: boolean };
          if (answer.reused) result.reused++;
          result.texts[img.file] = answer.text;
        } else {
          result.errors++;
          result.firstError ??= `HTTP ${a.status} ${a.body.slice(0, 120)}`;
        }
      } catch (err) {
        result.errors++;
        result.firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  result.wallS = (performance.now() - t0) / 1000;
  agent.destroy();
  return result;
}

/** Requests `path` every `intervalMs` (one at a time, own connection pool) until stopped; resolves latencies. */
export function sampleLatency(
  base: string,
  path: string,
  intervalMs: number,
): { stop(): Promise<{ latenciesMs: number[]; failures: number }> } {
  const url = new URL(path, base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latenciesMs: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async (): Promise<void> => {
    while (running) {
      const s = performance.now();
      try {
        const a = await request(url, agent, 'GET');
        if (a.status === 200) latenciesMs.push(performance.now() - s);
        else failures++;
      } catch {
        failures++;
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return { latenciesMs, failures };
    },
  };
}
