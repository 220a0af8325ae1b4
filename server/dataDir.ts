// The data dir holds the store, its key, logs (file names, key ids), TLS keys and models: private to its owner
// whichever command creates or opens it first (serve, keys, ocr, models, backup). One function sees to that.
import { chmodSync, mkdirSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** Owner-only: directories 0700, files 0600. */
const PRIVATE_UMASK = 0o077;

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
