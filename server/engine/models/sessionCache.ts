// Per-worker cache of ONNX Runtime sessions keyed by model file: a model loads on first use and is released
// after it sat idle (the idle time comes with each task) or when the cache is full (least recently used).
import type { InferenceSession } from 'onnxruntime-node';
import { createSession, type LoadedSession } from '../session';

/** Sessions one worker keeps at most; the least recently used goes first. */
const MAX_SESSIONS = 8;
/** How often an idle worker looks for sessions to release. */
const SWEEP_MS = 30_000;

interface Entry {
  loading: Promise<LoadedSession>;
  lastUsed: number;
  idleMs: number;
  /** Runs using the session right now; a busy session is never released. */
  busy: number;
  /** Unloaded while busy: released when its last run ends. */
  unloaded?: boolean;
}

const entries = new Map<string, Entry>();
let sweeper: NodeJS.Timeout | undefined;

function release(key: string, entry: Entry): void {
  // An entry unloaded while busy may have been replaced by a fresh load of the same file.
  if (entries.get(key) === entry) entries.delete(key);
  entry.loading
    .then(
      (l) => l.session.release(),
      () => undefined,
    )
    .catch(() => undefined);
}

/** Releases sessions idle longer than their idle time; returns how many. */
export function sweepIdle(now = Date.now()): number {
  let n = 0;
  for (const [key, e] of entries) {
    if (e.busy === 0 && now - e.lastUsed >= e.idleMs) {
      release(key, e);
      n++;
    }
  }
  if (!entries.size && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
  return n;
}

export interface CachedSession {
  session: InferenceSession;
  provider: string;
  /** True when this call loaded the model. */
  loaded: boolean;
}

/** Runs `fn` with the session for `modelPath`, loading the model on first use. */
export async function withSession<T>(
  modelPath: string,
  opts: { providers: readonly string[]; threads: number; idleMs: number },
  fn: (s: CachedSession) => Promise<T>,
): Promise<T> {
  const now = Date.now();
  sweepIdle(now);
  let entry = entries.get(modelPath);
  let loaded = false;
  if (!entry) {
    const idle = [...entries].filter(([, e]) => e.busy === 0);
    while (entries.size >= MAX_SESSIONS && idle.length) {
      const oldest = idle.reduce((a, b) => (b[1].lastUsed < a[1].lastUsed ? b : a));
      idle.splice(idle.indexOf(oldest), 1);
      release(oldest[0], oldest[1]);
    }
    entry = {
      loading: createSession(modelPath, { providers: opts.providers, threads: opts.threads }),
      lastUsed: now,
      idleMs: opts.idleMs,
      busy: 0,
    };
    entries.set(modelPath, entry);
    loaded = true;
    // The timer must not keep a worker (or a test process) alive by itself.
    sweeper ??= setInterval(() => sweepIdle(), SWEEP_MS).unref();
  }
  entry.lastUsed = now;
  entry.idleMs = opts.idleMs;
  entry.busy++;
  try {
    let l: LoadedSession;
    try {
      l = await entry.loading;
    } catch (err) {
      // A model that fails to load is not cached; the next call tries again.
      if (entries.get(modelPath) === entry) entries.delete(modelPath);
      throw err;
    }
    return await fn({ session: l.session, provider: l.provider, loaded });
  } finally {
    entry.busy--;
    entry.lastUsed = Date.now();
    if (entry.unloaded && entry.busy === 0) release(modelPath, entry);
  }
}

/** Releases the session for `modelPath` in this worker (after its running calls end); false when none was loaded. */
export function unloadModel(modelPath: string): boolean {
  const entry = entries.get(modelPath);
  if (!entry) return false;
  if (entry.busy === 0) release(modelPath, entry);
  else {
    entries.delete(modelPath);
    entry.unloaded = true;
  }
  return true;
}

/** Model files with a session in this worker. */
export function cachedModels(): string[] {
  return [...entries.keys()];
}

/** Releases every session (worker shutdown, tests). */
export async function releaseAll(): Promise<void> {
  const all = [...entries.values()];
  entries.clear();
  if (sweeper) clearInterval(sweeper);
  sweeper = undefined;
  await Promise.all(
    all.map((e) =>
      e.loading.then(
        (l) => l.session.release(),
        () => undefined,
      ),
    ),
  );
}
