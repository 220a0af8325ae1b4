// Files the engine prepares once per machine and keeps in the data dir's cache folder (optimised graphs, the
// word index), so later starts read them instead of computing them again. Each is named
// "<stem>.<64 hex key>.<kind>", where the key says what it was made from; it ends in the SHA-256 of what precedes
// it, is written to a temp file and renamed into place, and is ignored (and rebuilt by its owner) when it does not
// check out.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createLogger } from '../logger';

const log = createLogger('engine:cache');
const DIGEST_BYTES = 32;

/** Where a data dir keeps the engine's prepared files (EngineOptions.cacheDir). */
export function engineCacheDir(dataDir: string): string {
  return join(dataDir, 'cache', 'models');
}

/** Entries being read ahead of need (readAhead), by file; each is taken by the first readEntry of its file. */
const ahead = new Map<string, Promise<Uint8Array | undefined>>();

/** An entry's key: the SHA-256 (hex) of what it was made from, each part followed by a NUL so ("ab", "c") ≠ ("a", "bc"). */
export function entryKey(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** `payload` followed by its SHA-256, as every entry is stored. */
export function frame(payload: Uint8Array): Uint8Array[] {
  return [payload, createHash('sha256').update(payload).digest()];
}

/** The payload of an entry file, or undefined when it is missing or does not match its digest (then it is removed). */
export function readEntry(file: string): Promise<Uint8Array | undefined> {
  const early = ahead.get(file);
  ahead.delete(file);
  return early ?? readAndCheck(file);
}

async function readAndCheck(file: string): Promise<Uint8Array | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  const payload = bytes.subarray(0, Math.max(0, bytes.length - DIGEST_BYTES));
  const digest = bytes.subarray(payload.length);
  if (digest.length === DIGEST_BYTES && createHash('sha256').update(payload).digest().equals(digest)) return payload;
  log.warn('a prepared file in the cache did not check out; rebuilding it', { file: basename(file) });
  await rm(file, { force: true });
  return undefined;
}

/**
 * Starts reading (and checking) the entries in `dir` whose stem and kind `wanted` picks, so that a thread that will
 * soon need them does not wait for the disk and the digests later; readEntry hands each over. A folder that is
 * missing or cannot be listed reads nothing ahead.
 */
export async function readAhead(dir: string, wanted: (stem: string, kind: string) => boolean): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = join(dir, name);
    const [stem, key, kind] = entryParts(name);
    if (key && wanted(stem, kind) && !ahead.has(file)) ahead.set(file, readAndCheck(file));
  }
}

/** Drops entries read ahead and not taken (kept bytes a worker that loaded otherwise will not use). */
export function forgetReadAhead(): void {
  ahead.clear();
}

/** "<stem>.<key>.<kind>" → its three parts ("" where the name does not have that shape). */
function entryParts(name: string): [string, string, string] {
  const m = /^(.+)\.([0-9a-f]{64})\.([a-z]+)$/.exec(name);
  return m ? [m[1], m[2], m[3]] : ['', '', ''];
}

/**
 * Writes an entry whole or not at all (temp file, then rename), and drops older entries of the same stem and kind.
 * A read-only or full data dir costs the next start some time, nothing else: failures are logged, not thrown.
 */
export async function writeEntry(dir: string, name: string, parts: Uint8Array[]): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const file = join(dir, name);
    const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, parts);
    await rename(temp, file);
    const [stem, , kind] = entryParts(name);
    for (const other of await readdir(dir)) {
      const [s, key, k] = entryParts(other);
      if (s === stem && k === kind && other !== name && key) await rm(join(dir, other), { force: true });
    }
  } catch (err) {
    log.warn('could not keep a prepared file in the cache', { reason: String((err as Error).message ?? err) });
  }
}
