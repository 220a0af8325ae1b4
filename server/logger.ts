// One structured logger with named contexts: JSON lines into <data>/logs, readable lines on a TTY.
// Never pass secrets, keys or recognised text in fields.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

interface Sink {
  file?: string;
  level: LogLevel;
  /** Human-readable echo to stderr (TTY, or when asked). */
  console: boolean;
}

const sink: Sink = {
  level: (process.env.HEARTH_LOG_LEVEL as LogLevel | undefined) ?? 'info',
  console: Boolean(process.stderr.isTTY) || process.env.HEARTH_LOG_CONSOLE === '1',
};

/** Sends JSON lines to <dataDir>/logs/hearth.log from now on. */
export function configureLogging(opts: { dataDir?: string; level?: LogLevel; console?: boolean }): void {
  if (opts.dataDir) {
    const dir = join(opts.dataDir, 'logs');
    mkdirSync(dir, { recursive: true });
    sink.file = join(dir, 'hearth.log');
  }
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
  if (sink.file) {
    try {
      appendFileSync(sink.file, JSON.stringify({ time, level, context, msg, ...fields }) + '\n');
    } catch {
      // A full disk must not take the node down with it; the console line below still tells.
    }
  }
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
