// Real processes for the cluster tests and the bench: a nats-server with JetStream on a free loopback port,
// and `hearth serve --cluster` nodes, each with its own temp data dir and a small config.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningUrlIn } from '../contract/listening';

const BIN = new URL('../../bin/hearth.js', import.meta.url).pathname;
export const TEST_CLUSTER_KEY = 'b'.repeat(64);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface NatsServer {
  url: string;
  storeDir: string;
  /** The server's process id while it runs. */
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** kill -9, keeping the store dir. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  const { connect } = await import('node:net');
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
}

/** `conf`: nats-server configuration text (authorization blocks); the port, store and interface come from here. */
export async function startNats(root: string, opts: { conf?: string } = {}): Promise<NatsServer> {
  const port = await freePort();
  const storeDir = join(root, 'nats');
  mkdirSync(storeDir, { recursive: true });
  let child: ChildProcess | undefined;
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    storeDir,
    get pid() {
      return child?.pid;
    },
    async start() {
      const conf = opts.conf ? ['-c', join(root, 'nats.conf')] : [];
      if (opts.conf) writeFileSync(join(root, 'nats.conf'), opts.conf);
      child = spawn('nats-server', [...conf, '-js', '-sd', storeDir, '-p', String(port), '-a', '127.0.0.1'], { stdio: 'ignore' });
      await waitForPort(port, 10_000);
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    async stop() {
      await server.kill();
    },
  };
  await server.start();
  return server;
}

export interface NodeProc {
  name: string;
  dataDir: string;
  url: string;
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  log(): string;
}

export interface NodeOptions {
  name: string;
  dataDir: string;
  /** Without one the node stands alone (no --cluster). */
  natsUrl?: string;
  /** More `hearth serve` flags (credentials). */
  args?: string[];
  env?: Record<string, string>;
  cluster?: Record<string, number>;
  /** Runs the node on this one CPU only (Linux `taskset`), as a node alone on a one-core machine. */
  cpu?: number;
}

/** Writes the node's config (one engine worker, short timings) and starts it; resolves once it listens. */
export async function startNode(o: NodeOptions): Promise<NodeProc> {
  mkdirSync(o.dataDir, { recursive: true });
  writeFileSync(
    join(o.dataDir, 'config.json'),
    JSON.stringify({
      engine: { workers: 1 },
      cluster: { ackWaitMs: 3_000, maxDeliver: 2, heartbeatMs: 300, downAfterMs: 1_500, ...o.cluster },
    }),
  );
  const join_ = o.natsUrl ? ['--cluster', o.natsUrl, '--node-name', o.name] : [];
  const command = [process.execPath, BIN, 'serve', '--port', '0', '--data', o.dataDir, ...join_, ...(o.args ?? [])];
  // taskset execs the node in its own process, so the child's pid is the node's.
  const [file, ...args] = o.cpu === undefined ? command : ['taskset', '--cpu-list', String(o.cpu), ...command];
  const child = spawn(file, args, {
    env: { ...process.env, HEARTH_STORE_KEY: `store-${o.name}`, HEARTH_CLUSTER_KEY: TEST_CLUSTER_KEY, HEARTH_LOG_CONSOLE: '0', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: NodeProc = {
    name: o.name,
    dataDir: o.dataDir,
    url: '',
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((r) => child.once('exit', (code) => r(code))),
    log: () => {
      try {
        return readFileSync(join(o.dataDir, 'logs', 'hearth.log'), 'utf8');
      } catch {
        return '';
      }
    },
  };
  child.stdout?.on('data', (d: Buffer) => (proc.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (proc.stderr += d.toString()));
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    const url = listeningUrlIn(proc.stdout);
    if (url) {
      proc.url = url;
      return proc;
    }
    if (child.exitCode !== null) throw new Error(`node ${o.name} exited with ${child.exitCode}: ${proc.stderr}`);
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`node ${o.name} did not listen within 90 s: ${proc.stderr}`);
}

export async function killNode(n: NodeProc, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill(signal);
  return n.exited;
}

export function tempRoot(prefix: string): { root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls until `check` returns a value or the time is up. */
export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
