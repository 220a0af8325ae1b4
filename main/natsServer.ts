// The NATS server the desktop app runs for a cluster on this machine: when the team-node setting names a
// loopback nats:// URL and `nats-server` is on PATH, it runs `nats-server -js -sd <data>/nats -p PORT`, starts it
// again when it dies and stops it on quit, as it does with the node. Free of Electron, so it is tested as is.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { ConfigError, loadConfig } from '../server/config';
import { isLoopbackHost } from '../server/loopback';

/** NATS's own default port, for a URL that names none. */
const NATS_DEFAULT_PORT = 4222;
/** A fresh server with JetStream listens well within this; a cold disk may take a few seconds. */
const START_TIMEOUT_MS = 15_000;
/** nats-server shuts down cleanly on SIGTERM within a second or two; after this it is killed. */
const STOP_TIMEOUT_MS = 5_000;
/** Restarts back off from the first delay, doubling, up to the last; a server that ran this long starts over. */
const RESTART_FIRST_MS = 500;
const RESTART_MAX_MS = 30_000;
const RESTART_RESET_AFTER_MS = 60_000;

export interface LocalNats {
  binary: string;
  /** Interface and port from the cluster URL. */
  host: string;
  port: number;
  /** JetStream's file storage: <data>/nats. */
  storeDir: string;
}

/** The executable `name` as the shell would find it on PATH (with PATHEXT's endings on Windows), or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | undefined {
  const endings = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean)) {
    for (const ending of endings) {
      const file = join(dir, name + ending);
      try {
        accessSync(file, platform === 'win32' ? constants.F_OK : constants.X_OK);
        return file;
      } catch {
        // Not here; the next directory.
      }
    }
  }
  return undefined;
}

/** The cluster URL the node will join at its next start (the team-node setting), as the node's config reads it. */
export function clusterUrlSetting(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return loadConfig({ dataDir }, env).cluster.url;
  } catch (err) {
    // The node itself stops on a bad config with the message a person needs; nothing to run for it here.
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

/**
 * The server to run for `clusterUrl`: only for a plain nats:// URL on this machine (a tls:// one needs
 * certificates the user configures themself) and only where `nats-server` is installed.
 */
export function localNatsFor(clusterUrl: string | undefined, dataDir: string, env: NodeJS.ProcessEnv = process.env): LocalNats | undefined {
  if (!clusterUrl) return undefined;
  let url: URL;
  try {
    url = new URL(clusterUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'nats:' || !isLoopbackHost(url.hostname)) return undefined;
  const binary = findOnPath('nats-server', env);
  if (!binary) return undefined;
  return {
    binary,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : NATS_DEFAULT_PORT,
    storeDir: join(dataDir, 'nats'),
  };
}

/** Whether something accepts TCP connections on host:port right now. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface NatsSupervisor {
  readonly url: string;
  /** The running server's process id (a new one after each restart). */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after a bound) and starts it no more. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** One line per event (started, died, restarting), for the app's log. */
  say?(line: string): void;
}

/**
 * Runs the server and keeps it running. Resolves once it accepts connections; undefined when something already
 * listens on the port (a NATS server the user runs themself: the node joins that one).
 */
export async function superviseNats(nats: LocalNats, opts: SuperviseOptions = {}): Promise<NatsSupervisor | undefined> {
  const say = opts.say ?? ((line: string) => console.warn(`hearth: ${line}`));
  const where = `${nats.host.includes(':') ? `[${nats.host}]` : nats.host}:${nats.port}`;
  if (await listening(nats.host, nats.port)) {
    say(`a server already listens on ${where}; the node joins it and the app leaves it alone`);
    return undefined;
  }
  mkdirSync(nats.storeDir, { recursive: true });
  let child: ChildProcess | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let delay = RESTART_FIRST_MS;

  const launch = (): ChildProcess => {
    const started = Date.now();
    const c = spawn(nats.binary, ['-js', '-sd', nats.storeDir, '-p', String(nats.port), '-a', nats.host], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let tail = '';
    c.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
    c.once('error', (err) => say(`cannot run ${nats.binary}: ${err.message}`));
    c.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - started > RESTART_RESET_AFTER_MS) delay = RESTART_FIRST_MS;
      const why = signal ? `signal ${signal}` : `code ${code}`;
      const last = tail.trim().split('\n').pop() ?? '';
      say(`the NATS server on ${where} stopped (${why})${last ? `: ${last}` : ''}; starting it again in ${delay / 1000} s`);
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (!stopping) child = launch();
      }, delay);
      delay = Math.min(RESTART_MAX_MS, delay * 2);
    });
    return c;
  };

  child = launch();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await listening(nats.host, nats.port))) {
    if (Date.now() > deadline) {
      stopping = true;
      clearTimeout(restartTimer);
      child.kill('SIGKILL');
      throw new Error(`the NATS server did not listen on ${where} within ${START_TIMEOUT_MS / 1000} s`);
    }
    await sleep(100);
  }
  say(`NATS server with JetStream running on ${where} (store ${nats.storeDir})`);

  let stopped: Promise<void> | undefined;
  return {
    url: `nats://${where}`,
    get pid() {
      return child?.pid;
    },
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        clearTimeout(restartTimer);
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
        c.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
        const outcome = await Promise.race([exited, timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          c.kill('SIGKILL');
          await exited;
        }
      })()),
  };
}
