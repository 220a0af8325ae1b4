// Sessions for rewritten models, built once per machine: the rewritten graph (fuse.ts, ctcHead.ts) and ONNX
// Runtime's own optimised graph are kept in <data>/cache/models, so a start reads them instead of parsing,
// rewriting and optimising again. Entries are named by what they were made from: the source model's hash and
// the rewrite's version for the graph; also ONNX Runtime's version and this CPU's features for the optimised
// one (its NCHWc layout and kernels are chosen for the CPU it was made on). Entries are checked and written as
// cacheEntries.ts says. A source's hash is itself remembered by the file's size, time and inode (sourceHash).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createLogger } from '../../logger';
import { clock, recordSpan } from '../../startupTimings';
import { entryKey, frame, readAhead, readEntry, writeEntry } from '../cacheEntries';
import { createSession, firstInstalledProvider, type LoadedSession, type SessionOptions } from '../session';

const log = createLogger('engine:model-cache');

export interface RewrittenModel {
  /** The .onnx file as shipped. */
  source: string;
  /** Names the rewrites and their versions (and anything else they depend on): a new recipe means a new entry. */
  recipe: string;
  rewrite(bytes: Uint8Array): Uint8Array;
}

export interface CachedSessionOptions extends SessionOptions {
  /** Folder for cache entries; absent = rewrite in memory every time. */
  cacheDir?: string;
  /** Label for start-up timings (e.g. "worker 1 det"). */
  label?: string;
  /** Checked before each session is created: a worker stopped while loading leaves ONNX Runtime alone. */
  signal?: AbortSignal;
}

let cpuSignatureMemo: string | undefined;

/** What ONNX Runtime's CPU kernels are chosen by: the instruction set extensions (Linux) or the CPU model. */
export function cpuSignature(): string {
  if (cpuSignatureMemo) return cpuSignatureMemo;
  let features = '';
  if (platform() === 'linux' && existsSync('/proc/cpuinfo')) {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    features = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(info)?.[1] ?? '';
  }
  cpuSignatureMemo = entryKey(arch(), cpus()[0]?.model ?? '', features).slice(0, 16);
  return cpuSignatureMemo;
}

/**
 * The SHA-256 of a source model, remembered in the cache folder under the file's path, size, modification time
 * and inode, so a start does not read and hash megabytes of an unchanged file to name its entries.
 */
async function sourceHash(dir: string, file: string, bytes: () => Promise<Uint8Array>): Promise<string> {
  const st = await stat(file);
  const memo = join(dir, `${basename(file)}.${entryKey(file, String(st.size), String(st.mtimeMs), String(st.ino))}.hash`);
  const known = await readEntry(memo);
  if (known) return Buffer.from(known).toString('ascii');
  const hash = entryKey(await bytes());
  await writeEntry(dir, basename(memo), frame(Buffer.from(hash, 'ascii')));
  return hash;
}

/**
 * Starts reading the entries a CPU session of each source loads from (its optimised graph and the memo of its
 * hash), for a thread that will create those sessions soon (cacheEntries.ts readAhead).
 */
export function readAheadSessions(dir: string, sources: readonly string[]): Promise<void> {
  const stems = sources.map(entryStem);
  const files = sources.map((s) => basename(s));
  return readAhead(dir, (stem, kind) => (kind === 'ort' && stems.includes(stem)) || (kind === 'hash' && files.includes(stem)));
}

/** The name a source's graph entries start with: its file name without ".onnx". */
function entryStem(source: string): string {
  return basename(source).replace(/\.onnx$/i, '');
}

/**
 * A session for `model` rewritten: from ONNX Runtime's optimised graph in the cache when there is a valid one
 * (CPU only), else from the cached rewritten graph, else from the source (filling the cache on the way).
 */
export async function createCachedSession(model: RewrittenModel, opts: CachedSessionOptions): Promise<LoadedSession> {
  const label = opts.label ?? basename(model.source);
  let t = clock();
  const span = (what: string): void => {
    const end = clock();
    recordSpan(`${label} ${what}`, t, end);
    t = end;
  };
  const dir = opts.cacheDir;
  if (!dir) {
    const bytes = model.rewrite(await readFile(model.source));
    span('graph rewrite (no cache)');
    const loaded = await createSession(bytes, opts);
    span('session');
    return loaded;
  }

  const stem = entryStem(model.source);
  // The source is read only when an entry has to be built; its hash comes from the memo while it is unchanged.
  let sourceBytes: Uint8Array | undefined;
  const source = async (): Promise<Uint8Array> => (sourceBytes ??= await readFile(model.source));
  const graphKey = entryKey(await sourceHash(dir, model.source, source), model.recipe);
  opts.signal?.throwIfAborted();
  const optimisable = firstInstalledProvider(opts.providers) === 'cpu';
  const ortName = `${stem}.${entryKey(graphKey, ort.env.versions.common ?? '', cpuSignature())}.ort`;
  if (optimisable) {
    const optimised = await readEntry(join(dir, ortName));
    opts.signal?.throwIfAborted();
    if (optimised) {
      span('read optimised graph (cached)');
      try {
        const loaded = await createSession(optimised, { ...opts, providers: ['cpu'], preOptimized: true });
        span('session (pre-optimised)');
        return loaded;
      } catch (err) {
        log.warn('a cached optimised model did not load; rebuilding it', { reason: String((err as Error).message ?? err).slice(0, 200) });
        await rm(join(dir, ortName), { force: true });
      }
    }
  }

  const graphName = `${stem}.${graphKey}.graph`;
  let graph = await readEntry(join(dir, graphName));
  if (graph) span('read rewritten graph (cached)');
  else {
    graph = model.rewrite(await source());
    span('graph rewrite');
    await writeEntry(dir, graphName, frame(graph));
    span('graph cache write');
  }
  opts.signal?.throwIfAborted();
  const temp = optimisable ? join(dir, `${ortName}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`) : undefined;
  let loaded: LoadedSession;
  try {
    loaded = await createSession(graph, { ...opts, saveOptimizedTo: temp });
  } catch (err) {
    // Saving the optimised graph can fail where loading does not (a read-only data dir): load without it.
    if (!temp) throw err;
    await rm(temp, { force: true });
    loaded = await createSession(graph, opts);
  }
  span('session (optimising)');
  if (temp && loaded.provider === 'cpu' && existsSync(temp)) {
    const optimised = await readFile(temp);
    await rm(temp, { force: true });
    await writeEntry(dir, ortName, frame(optimised));
    span('optimised graph cache write');
  } else if (temp) await rm(temp, { force: true });
  return loaded;
}
