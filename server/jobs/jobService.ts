// Runs durable jobs: scans inputs into items, feeds a small pool of runners through the engine's bulk lane,
// acknowledges each item with its stored result in one transaction, and reports progress as events.
import { EventEmitter } from 'node:events';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError, isAppError } from '../appError';
import type { Config } from '../config';
import { RETRY_LATER_CODES } from '../contract/errors';
import type {
  ExportFormat,
  Job,
  JobError,
  JobItemState,
  JobItemsPage,
  JobLabel,
  JobProgress,
  JobSources,
  JobState,
} from '../contract/jobs';
import { createLogger } from '../logger';
import type { OcrResult } from '../contract/ocr';
import { sha256Hex } from '../sha256';
import type { Store } from '../store';
import { exportJob } from './exportJob';
import { createJobRepository, itemFromRow, jobFromRow, specKey, type ItemRow, type JobRow } from './jobRepository';
import { createRateTracker, type RateTracker } from './progressRate';
import { isPdf } from '../engine/pdf/isPdf';
import { readJobItem } from './readItem';
import { isPdfPath, scanJob, type JobInput, type JobSpec, type ScannedFile } from './scan';

/** What jobs need from the engine (the engine itself, or `hearth ocr --server`'s HTTP client). */
export interface Recogniser {
  /** `item` names a job item (`<job>.<item>`): a cluster may run it on another node, once per name. */
  ocr(image: Uint8Array, opts?: { bulk?: boolean; item?: { key: string; interactive: boolean } }): Promise<OcrResult>;
  /** Pages of a PDF; AppError for one that cannot be read (encrypted, damaged, too large). */
  pdfPages(pdf: Uint8Array, opts?: { bulk?: boolean }): Promise<number>;
  ocrPdfPage(pdf: Uint8Array, page: number, opts?: { bulk?: boolean }): Promise<OcrResult>;
  stats(): { workers: number };
}

export interface CreateJobOptions {
  /** Files or folders, as given; relative ones resolve against `cwd`. */
  paths: string[];
  recursive: boolean;
  origin: Job['origin'];
  keyId: string | null;
  cwd?: string;
  /** Keys limited to shared folders: symlinks inside the job may not lead out of these. */
  confine?: string[];
  /** A document-type classifier (model id) that tags every item. */
  classify?: string;
}

/** Tags job items with a document-type classifier (the node's model repository, or a node's /v1/classify). */
export interface Tagger {
  /** Throws a 4xx unless `model` is a document-type classifier. */
  check(model: string): void;
  /** The best label of one image or PDF page (1-based; 0 for an image) whose OCR text is `text`. */
  tag(model: string, bytes: Uint8Array, page: number, text: string): Promise<JobLabel>;
}

export interface JobService {
  /** Validates the paths, stores the job and starts it. */
  create(opts: CreateJobOptions): Job;
  /** `hearth ocr`: the unfinished job with the same inputs if there is one (continued), else a new one. */
  resumeOrCreate(opts: CreateJobOptions): { job: Job; resumed: boolean };
  get(id: string): Job | null;
  progress(id: string): JobProgress | null;
  list(limit?: number): Job[];
  /** A page of items in natural path order (page-2 before page-10); `state` keeps only items in that state. */
  items(id: string, offset: number, limit: number, state?: JobItemState): JobItemsPage;
  /** How many files the job's items come from, and how many of them are PDF pages. */
  sources(id: string): JobSources;
  pause(id: string): Job;
  /** Pauses every queued or running job a key created (the key was revoked); an admin may resume them. */
  pauseOwnedBy(keyId: string): string[];
  resume(id: string): Job;
  cancel(id: string): Job;
  /** Progress events for one job (snapshot on every change, throttled); returns the unsubscribe function. */
  subscribe(id: string, listener: (p: JobProgress) => void): () => void;
  /** Resolves when the job is done, failed or cancelled. */
  settled(id: string): Promise<Job>;
  export(id: string, format: ExportFormat): Generator<string>;
  /** The job's recognised pages as a searchable PDF (page images with an invisible text layer). */
  exportPdf(id: string): Promise<Uint8Array>;
  /** Starts every job a crash or restart left queued or running. */
  resumeInterrupted(): void;
  /** Whether a job item (`<job>.<item>`, as named to the recogniser) still waits for its result. */
  itemPending(item: string): boolean;
  /** Lets in-flight items finish and be acknowledged, then stops; unfinished jobs resume at next start. */
  close(): Promise<void>;
}

export interface JobServiceOptions {
  store: Store;
  engine: Recogniser;
  config: Config;
  /** The shared roots as the settings name them now; key jobs are held to them at every read. */
  sharedRoots?: () => readonly string[];
  /** Items in flight at once; default twice the engine's worker count. */
  concurrency?: number;
  /** Told of every file the engine recognised for a job, with the key that created the job (billing). */
  onRecognised?: (keyId: string | null) => void;
  /** For jobs created with a classifier; without one such jobs are refused. */
  tagger?: Tagger;
}

export const TERMINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];
const PROGRESS_EVERY_MS = 250;
const RETRY_DELAY_MS = 500;

interface Active {
  cursor: number;
  inFlight: Set<number>;
  scanning: boolean;
  rate: RateTracker;
  lastEmit: number;
  emitTimer?: NodeJS.Timeout;
}

const log = createLogger('jobs');

function notFound(id: string): AppError {
  return new AppError('not_found', 404, `no job ${id}`);
}

function resolveInputs(paths: string[], cwd: string): JobInput[] {
  if (paths.length === 0) throw new AppError('bad_request', 400, 'give at least one file or folder');
  return paths.map((given) => {
    const abs = resolve(cwd, given);
    if (!existsSync(abs)) throw new AppError('bad_request', 400, `no such file or folder: ${given}`);
    const real = realpathSync(abs);
    const st = statSync(real);
    if (!st.isFile() && !st.isDirectory()) throw new AppError('bad_request', 400, `not a file or folder: ${given}`);
    return { given, abs: real, kind: st.isDirectory() ? 'dir' : 'file' };
  });
}

/** One name per job item, unique across nodes (job ids are UUIDs). */
const itemKey = (jobId: string, itemId: number): string => `${jobId}.${itemId}`;

function errorOf(err: unknown): JobError {
  if (isAppError(err)) return { code: err.code, message: err.message };
  return { code: 'internal_error', message: 'recognition failed unexpectedly; the node log has details' };
}

export function createJobService(opts: JobServiceOptions): JobService {
  const { store, engine } = opts;
  const repo = createJobRepository(store);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const active = new Map<string, Active>();
  const running = new Set<Promise<void>>();
  let closing = false;
  let retryTimer: NodeJS.Timeout | undefined;
  // Two items per worker: one runs while the next is read and hashed, so no core waits on the disk.
  const concurrency = (): number => Math.max(1, opts.concurrency ?? engine.stats().workers * 2);

  const requireJob = (id: string): JobRow => {
    const row = repo.job(id);
    if (!row) throw notFound(id);
    return row;
  };

  const snapshot = (row: JobRow): JobProgress => {
    const a = active.get(row.id);
    const remaining = Math.max(0, row.total - row.done - row.failed);
    // Live jobs report the recent rate; finished ones (or ones not running here) their average.
    const seconds = row.started_at ? ((row.finished_at ?? Date.now()) - row.started_at) / 1000 : 0;
    const average = seconds > 0 ? (row.done + row.failed) / seconds : 0;
    return {
      ...jobFromRow(row),
      rate: Math.round((a ? a.rate.rate() : average) * 100) / 100,
      etaSeconds: TERMINAL_STATES.includes(row.state) ? 0 : a && row.state === 'running' ? a.rate.eta(remaining) : null,
    };
  };

  const emitNow = (id: string): void => {
    const row = repo.job(id);
    if (!row) return;
    const a = active.get(id);
    if (a) {
      a.lastEmit = Date.now();
      clearTimeout(a.emitTimer);
      a.emitTimer = undefined;
    }
    events.emit(id, snapshot(row));
  };

  /** Throttled: at most one event per PROGRESS_EVERY_MS per job, the last change always reported. */
  const emitSoon = (id: string): void => {
    const a = active.get(id);
    if (!a) return emitNow(id);
    const wait = PROGRESS_EVERY_MS - (Date.now() - a.lastEmit);
    if (wait <= 0) return emitNow(id);
    a.emitTimer ??= setTimeout(() => emitNow(id), wait);
  };

  const deactivate = (id: string): void => {
    const a = active.get(id);
    if (a?.emitTimer) clearTimeout(a.emitTimer);
    active.delete(id);
  };

  const activate = (id: string): void => {
    if (!active.has(id)) active.set(id, { cursor: 0, inFlight: new Set(), scanning: false, rate: createRateTracker(), lastEmit: 0 });
    pump();
  };

  /** Each PDF becomes one entry per page; one that cannot be opened stays a single entry whose item fails. */
  const expandPdfs = async (files: ScannedFile[]): Promise<ScannedFile[]> => {
    const out: ScannedFile[] = [];
    for (const f of files) {
      if (!isPdfPath(f.abs)) {
        out.push(f);
        continue;
      }
      let pages = 0;
      try {
        pages = await engine.pdfPages(await readFile(f.abs), { bulk: true });
      } catch {
        // Reported on the item when it is processed.
      }
      if (!pages) out.push(f);
      for (let page = 1; page <= pages; page++) out.push({ ...f, page });
    }
    return out;
  };

  /** An image, a PDF page, or a PDF that could not be opened at the scan (its error comes back again). */
  const recognise = async (bytes: Uint8Array, page: number, item: { key: string; interactive: boolean }): Promise<OcrResult> => {
    if (page > 0) return engine.ocrPdfPage(bytes, page, { bulk: true });
    if (isPdf(bytes)) {
      await engine.pdfPages(bytes, { bulk: true });
      return engine.ocrPdfPage(bytes, 1, { bulk: true });
    }
    return engine.ocr(bytes, { bulk: true, item });
  };

  const scan = async (row: JobRow, a: Active): Promise<void> => {
    a.scanning = true;
    try {
      const spec = JSON.parse(row.spec) as JobSpec;
      const files = await expandPdfs(await scanJob(spec));
      if (closing) return;
      repo.saveScan(row.id, files);
      log.info('job scanned', { job: row.id, files: files.length });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'scan_failed';
      repo.finish(row.id, 'failed', { code: 'scan_failed', message: `cannot read the job's folder (${code})` });
      deactivate(row.id);
      emitNow(row.id);
      return;
    } finally {
      a.scanning = false;
    }
    emitNow(row.id);
    pump();
  };

  const maybeFinish = (row: JobRow, a: Active): void => {
    if (a.inFlight.size > 0 || row.scanned !== 1) return;
    if (repo.pendingCount(row.id) > 0) return;
    repo.finish(row.id, 'done');
    log.info('job done', { job: row.id, total: row.total, done: row.done, failed: row.failed, reused: row.reused });
    deactivate(row.id);
    emitNow(row.id);
  };

  /** The classifier that tags a job's items, read from its stored spec once per job. */
  const classifiers = new Map<string, string | undefined>();
  const classifierOf = (row: JobRow): string | undefined => {
    if (!classifiers.has(row.id)) classifiers.set(row.id, (JSON.parse(row.spec) as JobSpec).classify);
    return classifiers.get(row.id);
  };

  /** Whether a job is held to shared roots (a key created it), read from its stored spec once per job. */
  const confined = new Map<string, boolean>();
  /**
   * The roots a key's job may read under at this moment: the shared roots as the settings name them now (real
   * paths), so a root taken out of the settings stops its running jobs too. Undefined for the owner's jobs.
   */
  const confineOf = (row: JobRow): readonly string[] | undefined => {
    if (!confined.has(row.id)) confined.set(row.id, (JSON.parse(row.spec) as JobSpec).confine !== undefined);
    if (!confined.get(row.id)) return undefined;
    return (opts.sharedRoots?.() ?? (JSON.parse(row.spec) as JobSpec).confine ?? []).flatMap((root) => {
      try {
        return [realpathSync(resolve(root))];
      } catch {
        return [];
      }
    });
  };

  const processItem = async (row: JobRow, item: ItemRow): Promise<'acked' | 'retry'> => {
    let bytes: Buffer;
    try {
      bytes = await readJobItem(item.abs_path, confineOf(row));
    } catch (err) {
      if (isAppError(err)) {
        repo.ackError(row, item, null, errorOf(err));
        return 'acked';
      }
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      repo.ackError(row, item, null, { code: 'unreadable_file', message: `cannot read the file (${code})` });
      return 'acked';
    }
    const sha = sha256Hex(bytes);
    const classify = classifierOf(row);
    /** The item's label when the job tags items; a failure is the item's error, like a failed reading. */
    const tag = async (text: string): Promise<JobLabel | undefined> =>
      classify ? opts.tagger?.tag(classify, bytes, item.page, text) : undefined;
    const earlier = repo.reusable(item.abs_path, item.page, sha, row.id);
    if (earlier) {
      let label: JobLabel | undefined;
      if (classify && earlier.state === 'done' && earlier.result_id) {
        try {
          label = await tag(repo.resultText(earlier.result_id));
        } catch (err) {
          if (closing || (isAppError(err) && RETRY_LATER_CODES.has(err.code))) return 'retry';
          repo.ackError(row, item, sha, errorOf(err));
          return 'acked';
        }
      }
      repo.ackReused(row, item, sha, earlier, label);
      return 'acked';
    }
    if (bytes.length === 0) {
      repo.ackError(row, item, sha, { code: 'not_an_image', message: 'the file is empty' });
      return 'acked';
    }
    let result: OcrResult;
    let label: JobLabel | undefined;
    try {
      result = await recognise(bytes, item.page, { key: itemKey(row.id, item.id), interactive: row.origin === 'gui' });
      label = await tag(result.text);
    } catch (err) {
      if (closing || (isAppError(err) && RETRY_LATER_CODES.has(err.code))) return 'retry';
      if (!isAppError(err)) log.error('item failed unexpectedly', { job: row.id, item: item.id, error: String(err) });
      repo.ackError(row, item, sha, errorOf(err));
      return 'acked';
    }
    repo.ackResult(row, item, sha, bytes, result, label);
    opts.onRecognised?.(row.key_id);
    return 'acked';
  };

  const runItem = (row: JobRow, a: Active, item: ItemRow): void => {
    a.inFlight.add(item.id);
    const p = (async () => {
      let outcome: 'acked' | 'retry' = 'retry';
      try {
        outcome = await processItem(row, item);
      } catch (err) {
        // A store failure (disk full, closed): the item stays pending and is tried again on the next start.
        log.error('cannot acknowledge item', { job: row.id, item: item.id, error: String(err) });
      } finally {
        a.inFlight.delete(item.id);
      }
      if (outcome === 'retry' && !closing) {
        a.cursor = Math.min(a.cursor, item.id - 1);
        retryTimer ??= setTimeout(() => {
          retryTimer = undefined;
          pump();
        }, RETRY_DELAY_MS);
        return;
      }
      const fresh = repo.job(row.id);
      if (!fresh) return;
      a.rate.sample(fresh.done + fresh.failed);
      emitSoon(row.id);
      if (fresh.state === 'running') maybeFinish(fresh, a);
      pump();
    })();
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  /** Fills free runner slots with the next pending items, oldest job first. */
  function pump(): void {
    if (closing) return;
    let free = concurrency() - [...active.values()].reduce((n, a) => n + a.inFlight.size, 0);
    for (const [id, a] of active) {
      if (free <= 0) break;
      let row = repo.job(id);
      if (!row || TERMINAL_STATES.includes(row.state)) {
        deactivate(id);
        continue;
      }
      if (row.state === 'paused') continue;
      if (row.scanned !== 1) {
        if (!a.scanning) void scan(row, a);
        continue;
      }
      if (row.state === 'queued') {
        repo.start(id);
        row = requireJob(id);
        emitNow(id);
      }
      while (free > 0) {
        const item = repo.nextPending(id, a.cursor);
        if (!item) break;
        a.cursor = item.id;
        if (a.inFlight.has(item.id)) continue;
        runItem(row, a, item);
        free--;
      }
      maybeFinish(row, a);
    }
  }

  const create = (o: CreateJobOptions): Job => {
    if (closing) throw new AppError('shutting_down', 503, 'the node is shutting down');
    const inputs = resolveInputs(o.paths, o.cwd ?? process.cwd());
    if (o.classify) {
      if (!opts.tagger) throw new AppError('bad_request', 400, 'this node cannot tag files with a classifier');
      opts.tagger.check(o.classify);
    }
    const spec: JobSpec = {
      inputs,
      recursive: o.recursive,
      ...(o.confine ? { confine: o.confine } : {}),
      ...(o.classify ? { classify: o.classify } : {}),
    };
    const root = inputs.length === 1 && inputs[0].kind === 'dir' ? inputs[0].abs : resolve(o.cwd ?? process.cwd());
    const row = repo.create(spec, root, o.origin, o.keyId);
    log.info('job created', { job: row.id, origin: o.origin });
    activate(row.id);
    return jobFromRow(requireJob(row.id));
  };

  const service: JobService = {
    create,

    resumeOrCreate(o) {
      const inputs = resolveInputs(o.paths, o.cwd ?? process.cwd());
      const latest = repo.latestBySpec(specKey({ inputs, recursive: o.recursive, classify: o.classify }));
      if (latest && !TERMINAL_STATES.includes(latest.state)) {
        if (latest.state === 'paused') repo.setState(latest.id, 'queued');
        activate(latest.id);
        return { job: jobFromRow(requireJob(latest.id)), resumed: true };
      }
      return { job: create(o), resumed: false };
    },

    get: (id) => {
      const row = repo.job(id);
      return row ? jobFromRow(row) : null;
    },
    progress: (id) => {
      const row = repo.job(id);
      return row ? snapshot(row) : null;
    },
    list: (limit) => repo.list(limit).map(jobFromRow),

    items(id, offset, limit, state) {
      requireJob(id);
      const { rows, total } = repo.items(id, state ?? null, limit, offset);
      return { items: rows.map(itemFromRow), total, limit, offset };
    },

    sources(id) {
      requireJob(id);
      return repo.sources(id);
    },

    pause(id) {
      const row = requireJob(id);
      if (row.state === 'paused') return jobFromRow(row);
      if (row.state !== 'queued' && row.state !== 'running') throw new AppError('conflict', 409, `a ${row.state} job cannot be paused`);
      repo.setState(id, 'paused');
      emitNow(id);
      return jobFromRow(requireJob(id));
    },

    pauseOwnedBy(keyId) {
      const ids = repo
        .active()
        .filter((row) => row.key_id === keyId)
        .map((row) => row.id);
      for (const id of ids) {
        repo.setState(id, 'paused');
        emitNow(id);
        log.info('job paused: its key was revoked', { job: id, key: keyId });
      }
      return ids;
    },

    resume(id) {
      const row = requireJob(id);
      if (row.state === 'queued' || row.state === 'running') return jobFromRow(row);
      if (row.state !== 'paused') throw new AppError('conflict', 409, `a ${row.state} job cannot be resumed`);
      repo.setState(id, 'queued');
      const a = active.get(id);
      if (a) a.cursor = 0;
      activate(id);
      emitNow(id);
      return jobFromRow(requireJob(id));
    },

    cancel(id) {
      const row = requireJob(id);
      if (TERMINAL_STATES.includes(row.state)) {
        if (row.state === 'cancelled') return jobFromRow(row);
        throw new AppError('conflict', 409, `a ${row.state} job cannot be cancelled`);
      }
      repo.finish(id, 'cancelled');
      emitNow(id);
      deactivate(id);
      return jobFromRow(requireJob(id));
    },

    subscribe(id, listener) {
      events.on(id, listener);
      return () => events.off(id, listener);
    },

    settled(id) {
      return new Promise((resolveJob, reject) => {
        const check = (p: JobProgress): boolean => {
          if (!TERMINAL_STATES.includes(p.state)) return false;
          off();
          resolveJob(p);
          return true;
        };
        const off = service.subscribe(id, check);
        const now = service.progress(id);
        if (!now) {
          off();
          reject(notFound(id));
          return;
        }
        check(now);
      });
    },

    export(id, format) {
      requireJob(id);
      return exportJob(store, id, format);
    },
    async exportPdf(id) {
      requireJob(id);
      // Loaded when asked for: pdf-lib and the image tools it brings are most of a `hearth ocr` start's code.
      const { searchablePdf } = await import('./searchablePdf');
      return searchablePdf(store, id);
    },

    resumeInterrupted() {
      for (const row of repo.active()) {
        log.info('resuming job', { job: row.id, state: row.state });
        activate(row.id);
      }
    },

    itemPending(key) {
      const dot = key.lastIndexOf('.');
      const jobId = key.slice(0, dot);
      const row = repo.job(jobId);
      if (!row || TERMINAL_STATES.includes(row.state)) return false;
      return repo.itemState(jobId, Number(key.slice(dot + 1))) === 'pending';
    },

    async close() {
      closing = true;
      clearTimeout(retryTimer);
      while (running.size) await Promise.allSettled([...running]);
      for (const id of [...active.keys()]) deactivate(id);
      events.removeAllListeners();
    },
  };
  return service;
}
