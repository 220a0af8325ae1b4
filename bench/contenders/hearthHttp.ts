// Hearth through its API: a real `hearth serve --port 0` child (own data dir, result cache off so repeats
// cost a full run), POST /v1/ocr with raw image bytes from 1, 4 and 8 clients, GET /v1/health sampled
// during the 8-client load. Server CPU and RSS come from /proc for each load level.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { listeningUrlIn } from '../../server/contract/listening';
import { limitsSchema } from '../../server/contract/security';
import { postImages, sampleLatency, type ImageBody } from '../httpLoad';
import { killGroup, percentile, procSnapshot, trackChild, untrackChild } from '../measure';
import { setCer } from '../score';
import { failed, THROUGHPUT_PASSES, type BenchContext, type ContenderResult } from './types';

export const CLIENT_LEVELS = [1, 4, 8] as const;
/** How often the health probe asks during the 8-client load; often enough for a p99 over a short run. */
const HEALTH_INTERVAL_MS = 50;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
  '.gif': 'image/gif',
};
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

interface Server {
  child: ChildProcess;
  url: string;
  output(): string;
}

function startServer(ctx: BenchContext, dataDir: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [join(ctx.root, 'bin', 'hearth.js'), 'serve', '--port', '0', '--data', dataDir, '--provider', ctx.provider],
    {
      cwd: ctx.root,
      env: { ...process.env, NO_COLOR: '1', HEARTH_STORE_KEY: 'hearth-bench-store-key' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  trackChild(child.pid);
  child.once('exit', () => untrackChild(child.pid));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new Error(`no "hearth listening on" line within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    const onData = (d: Buffer): void => {
      out += d.toString('utf8');
      if (out.length > 100_000) out = out.slice(-50_000);
      const url = listeningUrlIn(out);
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output: () => out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').filter(Boolean).pop() ?? '';
      reject(new Error(`server exited (${code ?? signal}) before listening: ${last.slice(0, 160)}`));
    });
  });
}

async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(child.pid), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** One row per client level; all rows fail together when the server cannot start. */
export async function hearthHttp(ctx: BenchContext, warmupRequests: number): Promise<ContenderResult[]> {
  const names = CLIENT_LEVELS.map((c) => `Hearth POST /v1/ocr, ${c} client${c > 1 ? 's' : ''}`);
  const n = ctx.dataset.files.length;
  const dataDir = join(ctx.tmp, `http-data-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  // Cache off: the same image again must cost a full run, as in the in-process row. Rate limits out of the
  // way (the highest the settings allow): the bench measures the engine path, not the limiter.
  const { ratePerMinute, burst } = limitsSchema.shape;
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ engine: { cacheEntries: 0 }, limits: { ratePerMinute: ratePerMinute.maxValue, burst: burst.maxValue } }, null, 2),
  );
  const images: ImageBody[] = ctx.dataset.files.map((file) => ({
    file,
    bytes: readFileSync(join(ctx.dataset.dir, file)),
    contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
  }));
  let server: Server;
  try {
    server = await startServer(ctx, dataDir);
  } catch (err) {
    return names.map((name) => failed(name, n, err));
  }
  const pid = server.child.pid as number;
  const rows: ContenderResult[] = [];
  try {
    // Warm-up (not measured): lazy model loads and first-run allocations in every worker.
    await postImages(server.url, '/v1/ocr', images, {
      concurrency: Math.max(1, warmupRequests),
      count: warmupRequests,
      timeLimitMs: ctx.timeoutMs,
    });
    for (const [i, clients] of CLIENT_LEVELS.entries()) {
      ctx.say(`  http: ${clients} client(s)…`);
      const before = procSnapshot(pid);
      const health = clients === 8 ? sampleLatency(server.url, '/v1/health', HEALTH_INTERVAL_MS) : null;
      // The set as many times over as the in-process row runs it (so both have the same tail at the end), and
      // at least two requests per client. The set is cycled in order, so the same image is in flight twice only
      // when the set is smaller than the client count; the node then shares one run between the two and flags
      // the second answer `reused`, and such answers are not counted as images recognised.
      const count = Math.max(n * THROUGHPUT_PASSES, 2 * clients);
      const load = await postImages(server.url, '/v1/ocr', images, { concurrency: clients, count, timeLimitMs: ctx.timeoutMs });
      const probe = health ? await health.stop() : null;
      const after = procSnapshot(pid);
      const done = load.ok + load.errors;
      const recognised = load.ok - load.reused;
      const row: ContenderResult = {
        name: names[i],
        images: done,
        imagesPerS: recognised / load.wallS,
        steadyImagesPerS: recognised / load.wallS,
        latenciesMs: load.latenciesMs,
        cpuS: before && after ? after.cpuS - before.cpuS : undefined,
        wallS: load.wallS,
        peakRssMb: after?.peakRssMb,
        cer: setCer(ctx.dataset, load.texts),
        errors: load.errors + (count - done),
        note: load.firstError ? `first error: ${load.firstError.slice(0, 100)}` : 'server CPU; RSS peak since start',
      };
      if (load.reused) row.note = `${load.reused} answers shared a run already going for the same image (not counted); ${row.note}`;
      if (probe) {
        const p99 = percentile(probe.latenciesMs, 99);
        row.extra = { healthP99Ms: p99 ?? NaN, healthSamples: probe.latenciesMs.length, healthFailures: probe.failures };
        row.note = `health p99 ${p99?.toFixed(1) ?? '–'} ms over ${probe.latenciesMs.length} probes${probe.failures ? `, ${probe.failures} failed` : ''}; ${row.note}`;
      }
      rows.push(row);
    }
  } catch (err) {
    for (const name of names.slice(rows.length)) rows.push(failed(name, n, err));
  } finally {
    await stopServer(server);
  }
  return rows;
}
