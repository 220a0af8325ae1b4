// The data dir: which one a command uses when --data is not given ($HEARTH_DATA, else ~/.hearth), and keeping it
// private. It holds the store, its key, logs (file names, key ids), TLS keys and models, so it is owner-only
// whichever command creates or opens it first. Its own module so the first code `hearth` runs
// (cli/earlyWorker.ts) can tell where the data dir is without loading the config schema.
import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Owner-only: directories 0700, files 0600. */
const PRIVATE_UMASK = 0o077;

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HEARTH_DATA || join(homedir(), '.hearth'));
}

/**
 * Creates `dir` (and missing parents) as 0700, tightens it when it already exists, and from then on has this
 * process create every file and folder owner-only (SQLite's -wal/-shm, logs, exports included).
 */
export function ensurePrivateDir(dir: string): void {
  // Worker threads cannot change the process umask; the main thread sets it before any worker starts.
  if (isMainThread) process.umask(PRIVATE_UMASK);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
