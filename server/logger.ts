// One structured logger with named contexts: JSON lines into <data>/logs, readable lines on a TTY.
// Never pass secrets, keys or recognised text in fields. Lines are queued and written off the request path;
// the file rotates by size (hearth.log → hearth.log.1 … .N), so an overload cannot fill the disk with logs.
import { appendFileSync, chmodSync, existsSync, statSync } from 'node:fs';
import { appendFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from './dataDir';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** 10 MB a file and 5 rotated files: at most ~60 MB of logs in the data dir. */
export const LOG_ROTATION = { maxBytes: 10 * 1024 * 1024, keep: 5 } as const;
/** Lines waiting for the disk beyond this are dropped (and counted in the next line written). */
const MAX_QUEUED_LINES = 10_000;

interface Sink {
  file?: string;
  level: LogLevel;
  /** Human-readable echo to stderr (TTY, or when asked). */
  console: boolean;
  maxBytes: number;
  keep: number;
}

const sink: Sink = {
  level: (process.env.HEARTH_LOG_LEVEL as LogLevel | undefined) ?? 'info',
  console: Boolean(process.stderr.isTTY) || process.env.HEARTH_LOG_CONSOLE === '1',
  ...LOG_ROTATION,
};

let queue: string[] = [];
let dropped = 0;
let size = 0;
let writing: Promise<void> | null = null;

async function rotate(file: string): Promise<void> {
  await rm(`${file}.${sink.keep}`, { force: true });
  for (let i = sink.keep - 1; i >= 1; i--) {
    await rename(`${file}.${i}`, `${file}.${i + 1}`).catch(() => undefined);
  }
  await rename(file, `${file}.1`).catch(() => undefined);
  size = 0;
}

/** Writes queued lines in batches until the queue is empty; one writer at a time keeps the order. */
async function drain(): Promise<void> {
  while (queue.length && sink.file) {
    const file = sink.file;
    if (dropped) {
      queue.unshift(
        JSON.stringify({
          time: new Date().toISOString(),
          level: 'warn',
          context: 'logger',
          msg: 'log lines dropped: the disk was too slow',
          dropped,
        }) + '\n',
      );
      dropped = 0;
    }
    const chunk = queue.join('');
    queue = [];
    try {
      if (size > 0 && size + chunk.length > sink.maxBytes) await rotate(file);
      await appendFile(file, chunk, { mode: 0o600 });
      size += Buffer.byteLength(chunk);
    } catch {
      // A full disk must not take the node down with it; the console line still tells.
    }
  }
  writing = null;
}

function enqueue(line: string): void {
  if (queue.length >= MAX_QUEUED_LINES) {
    dropped++;
    return;
  }
  queue.push(line);
  writing ??= new Promise<void>((resolve) => setImmediate(() => void drain().then(resolve)));
}

/** Resolves once every line logged so far is on disk (tests, shutdown). */
export async function flushLogs(): Promise<void> {
  while (writing) await writing;
}

// Lines still queued when the process exits are written synchronously: nothing logged is lost on a clean exit.
process.once('exit', () => {
  if (!sink.file || !queue.length) return;
  try {
    appendFileSync(sink.file, queue.join(''), { mode: 0o600 });
  } catch {
    // Nothing left to tell it to.
  }
  queue = [];
});

/** Sends JSON lines to <dataDir>/logs/hearth.log from now on. */
export function configureLogging(opts: {
  dataDir?: string;
  level?: LogLevel;
  console?: boolean;
  rotation?: { maxBytes: number; keep: number };
}): void {
  if (opts.dataDir) {
    ensurePrivateDir(opts.dataDir);
    const dir = join(opts.dataDir, 'logs');
    ensurePrivateDir(dir);
    sink.file = join(dir, 'hearth.log');
    size = 0;
    if (existsSync(sink.file)) {
      // A log written by an older version may be world-readable; it names files and key ids.
      chmodSync(sink.file, 0o600);
      size = statSync(sink.file).size;
    }
  }
  if (opts.rotation) Object.assign(sink, opts.rotation);
  if (opts.level) sink.level = opts.level;
  if (opts.console !== undefined) sink.console = opts.console;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(context: string): Logger;
}

function write(level: LogLevel, context: string, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < ORDER[sink.level]) return;
  const time = new Date().toISOString();
  if (sink.file) enqueue(JSON.stringify({ time, level, context, msg, ...fields }) + '\n');
  if (sink.console) {
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
    process.stderr.write(`${time.slice(11, 19)} ${level.padEnd(5)} [${context}] ${msg}${extra}\n`);
  }
}

export function createLogger(context: string): Logger {
  return {
    debug: (m, f) => write('debug', context, m, f),
    info: (m, f) => write('info', context, m, f),
    warn: (m, f) => write('warn', context, m, f),
    error: (m, f) => write('error', context, m, f),
    child: (sub) => createLogger(`${context}:${sub}`),
  };
}
