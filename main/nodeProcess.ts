// Supervises the node: runs `hearth serve --port 0` in an Electron utility process, waits for its listening line
// and a healthy /v1/health, and stops it with a bounded wait. Where the SQLite addon is built for plain Node
// (a dev checkout before `npm run package` rebuilt it for Electron) it falls back to the system node, once, saying so.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { utilityProcess } from 'electron';
import { createClient, type FetchLike } from '../server/contract/client';
import { parseListeningLine } from '../server/contract/listening';

/** The first start loads the OCR models into every worker; a cold disk can take this long. */
const START_TIMEOUT_MS = 90_000;
/** `hearth serve` exits within 10 s of SIGTERM; allow a little more before SIGKILL. */
const STOP_TIMEOUT_MS = 12_000;
const FINGERPRINT = /^tls certificate sha256 fingerprint (\S+)/;
/** What Node prints when a native addon was compiled for another ABI (Node's vs Electron's). */
const ABI_MISMATCH = /NODE_MODULE_VERSION|compiled against a different Node\.js version/;

export interface NodeProcessOptions {
  /** Project or app root holding bin/hearth.js. */
  appRoot: string;
  dataDir: string;
  /** Store key from the OS keychain; undefined lets the node keep its own key file. */
  storeKey: string | undefined;
  /** Called with the TLS fingerprint the node prints before listening (LAN mode kept in its config). */
  onFingerprint(fingerprint: string): void;
  /** How main reaches the node (Electron's net.fetch, so the node's own certificate is trusted). */
  fetch: FetchLike;
  onExit(code: number): void;
}

export interface NodeProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/** The little both kinds of child have in common. */
interface Child {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  pid: number | undefined;
  kill(): void;
  exited: Promise<number>;
  hasExited(): boolean;
}

function forkUtility(entry: string, args: string[], env: Record<string, string>, cwd: string): Child {
  const child = utilityProcess.fork(entry, args, { env, stdio: 'pipe', serviceName: 'Hearth node', cwd });
  let done = false;
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => ((done = true), resolve(code))));
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    get pid() {
      return child.pid;
    },
    kill: () => void child.kill(),
    exited,
    hasExited: () => done,
  };
}

function spawnWithSystemNode(entry: string, args: string[], env: Record<string, string>, cwd: string): Child {
  // npm sets npm_node_execpath for `npm start`; otherwise the node on PATH.
  const nodeBinary = process.env.npm_node_execpath || 'node';
  const child = spawn(nodeBinary, [entry, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => ((done = true), resolve(code ?? 1)));
    child.once('error', () => ((done = true), resolve(1)));
  });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    pid: child.pid,
    kill: () => void child.kill('SIGTERM'),
    exited,
    hasExited: () => done,
  };
}

/** Resolves with the node's URL once it prints its listening line; rejects with its stderr when it dies first. */
function listeningUrl(child: Child, onFingerprint: (fingerprint: string) => void): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    if (!child.stdout) {
      reject(new Error('the node has no stdout to report its address on'));
      return;
    }
    createInterface({ input: child.stdout }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      const fp = FINGERPRINT.exec(line);
      if (fp) onFingerprint(fp[1]);
      const url = parseListeningLine(line);
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`the node exited with code ${code} before listening`), { stderr }));
    });
  });
}

export async function startNodeProcess(opts: NodeProcessOptions): Promise<NodeProcess> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  if (opts.storeKey) env.HEARTH_STORE_KEY = opts.storeKey;
  else delete env.HEARTH_STORE_KEY;
  const entry = join(opts.appRoot, 'bin', 'hearth.js');
  const args = ['serve', '--port', '0', '--data', opts.dataDir];

  let child = forkUtility(entry, args, env, opts.appRoot);
  let url: string;
  try {
    url = await listeningUrl(child, opts.onFingerprint);
  } catch (err) {
    if (!ABI_MISMATCH.test((err as { stderr?: string }).stderr ?? '')) throw err;
    console.warn(
      'hearth: the SQLite addon is built for Node, not Electron (run `npm run package` to rebuild); running the node with the system node',
    );
    child = spawnWithSystemNode(entry, args, env, opts.appRoot);
    url = await listeningUrl(child, opts.onFingerprint);
  }

  await createClient({ baseUrl: url, fetch: opts.fetch }).health();
  void child.exited.then((code) => opts.onExit(code));

  const running = child;
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () =>
      (stopping ??= (async () => {
        if (running.hasExited()) return;
        running.kill();
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS));
        if ((await Promise.race([running.exited, timeout])) === 'timeout' && running.pid) process.kill(running.pid, 'SIGKILL');
      })()),
  };
}
