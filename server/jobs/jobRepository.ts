// SQL for jobs and their items. Acknowledging an item and storing its result happen in one transaction.
import { randomUUID } from 'node:crypto';
import type { Job, JobError, JobItem, JobItemState, JobLabel, JobSources, JobState } from '../contract/jobs';
import type { Store } from '../store';
import type { OcrResult } from '../contract/ocr';
import { naturalKey } from './naturalKey';
import type { JobSpec, ScannedFile } from './scan';
import { sha256Hex } from '../sha256';

export interface JobRow {
  id: string;
  state: JobState;
  root: string;
  recursive: number;
  spec: string;
  spec_key: string;
  origin: Job['origin'];
  key_id: string | null;
  scanned: number;
  total: number;
  done: number;
  failed: number;
  reused: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface ItemRow {
  id: number;
  job_id: string;
  file: string;
  abs_path: string;
  /** 1-based PDF page; 0 for an image (or a PDF that could not be opened). */
  page: number;
  state: JobItemState;
  sha256: string | null;
  result_id: string | null;
  reused: number;
  ms: number | null;
  error_code: string | null;
  error_message: string | null;
  label: string | null;
  label_confidence: number | null;
}

/** The stored label of an item row, as the API and exports show it. */
export function labelOfRow(r: Pick<ItemRow, 'label' | 'label_confidence'>): { label?: JobLabel } {
  return r.label !== null ? { label: { label: r.label, confidence: r.label_confidence ?? 0 } } : {};
}

/** Thrown inside the ack transaction to roll back the result when the item was acknowledged already. */
class AlreadyAcked extends Error {}

/** Errors that will come back the same for the same bytes, so an unchanged file may reuse them. */
const STABLE_ERRORS = new Set(['not_an_image', 'corrupt_image', 'image_too_large', 'encrypted_pdf', 'corrupt_pdf', 'pdf_too_large']);

/** A reused item spent no engine time; the run that made its result keeps its own time on that result. */
const REUSED_MS = 0;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function jobFromRow(r: JobRow): Job {
  return {
    id: r.id,
    state: r.state,
    total: r.total,
    done: r.done,
    failed: r.failed,
    reused: r.reused,
    root: r.root,
    recursive: r.recursive === 1,
    origin: r.origin,
    keyId: r.key_id,
    createdAt: new Date(r.created_at).toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
  };
}

export function itemFromRow(r: ItemRow): JobItem {
  return {
    id: r.id,
    file: r.file,
    ...(r.page > 0 ? { page: r.page } : {}),
    state: r.state,
    resultId: r.result_id,
    reused: r.reused === 1,
    ms: r.ms,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    ...labelOfRow(r),
  };
}

/** Same inputs (resolved) and same recursion → same key: how `hearth ocr` finds its interrupted run. */
export function specKey(spec: JobSpec): string {
  // A job with a classifier is another job than the same folder without one (or with another classifier).
  const basis = JSON.stringify({
    inputs: spec.inputs.map((i) => i.abs),
    recursive: spec.recursive,
    ...(spec.classify ? { classify: spec.classify } : {}),
  });
  return sha256Hex(basis);
}

export type JobRepository = ReturnType<typeof createJobRepository>;

export function createJobRepository(store: Store) {
  const db = store.db;
  db.function('natural_key', { deterministic: true }, (file: unknown) => naturalKey(String(file)));
  const s = {
    insertJob: db.prepare(`INSERT INTO jobs (id, state, root, recursive, spec, spec_key, origin, key_id, created_at)
      VALUES (@id, 'queued', @root, @recursive, @spec, @specKey, @origin, @keyId, @createdAt)`),
    job: db.prepare('SELECT * FROM jobs WHERE id = ?'),
    list: db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    active: db.prepare("SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at, rowid"),
    latestBySpec: db.prepare('SELECT * FROM jobs WHERE spec_key = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
    setState: db.prepare('UPDATE jobs SET state = ? WHERE id = ?'),
    start: db.prepare("UPDATE jobs SET state = 'running', started_at = coalesce(started_at, ?) WHERE id = ? AND state = 'queued'"),
    finish: db.prepare('UPDATE jobs SET state = ?, finished_at = ?, error_code = ?, error_message = ? WHERE id = ?'),
    insertItem: db.prepare('INSERT OR IGNORE INTO job_items (job_id, file, abs_path, page) VALUES (?, ?, ?, ?)'),
    markScanned: db.prepare('UPDATE jobs SET scanned = 1, total = (SELECT count(*) FROM job_items WHERE job_id = ?) WHERE id = ?'),
    nextPending: db.prepare("SELECT * FROM job_items WHERE job_id = ? AND state = 'pending' AND id > ? ORDER BY id LIMIT 1"),
    pendingCount: db.prepare("SELECT count(*) AS n FROM job_items WHERE job_id = ? AND state = 'pending'"),
    // A null state lists every item.
    items: db.prepare(`SELECT * FROM job_items WHERE job_id = @id AND (@state IS NULL OR state = @state)
      ORDER BY natural_key(file), page, id LIMIT @limit OFFSET @offset`),
    itemCount: db.prepare('SELECT count(*) AS n FROM job_items WHERE job_id = @id AND (@state IS NULL OR state = @state)'),
    sources: db.prepare('SELECT count(DISTINCT file) AS files, coalesce(sum(page > 0), 0) AS pdfPages FROM job_items WHERE job_id = ?'),
    reusable:
      db.prepare(`SELECT * FROM job_items WHERE abs_path = ? AND page = ? AND sha256 = ? AND job_id <> ? AND state IN ('done', 'failed')
      AND (result_id IS NOT NULL OR error_code IS NOT NULL) ORDER BY id DESC LIMIT 1`),
    ackDone: db.prepare(`UPDATE job_items SET state = 'done', sha256 = ?, result_id = ?, reused = ?, ms = ?, finished_at = ?,
      label = ?, label_confidence = ? WHERE id = ? AND state = 'pending'`),
    resultText: db.prepare('SELECT text FROM results WHERE id = ?'),
    ackFailed: db.prepare(`UPDATE job_items SET state = 'failed', sha256 = ?, reused = ?, error_code = ?, error_message = ?, finished_at = ?
      WHERE id = ? AND state = 'pending'`),
    countDone: db.prepare('UPDATE jobs SET done = done + 1, reused = reused + ? WHERE id = ?'),
    countFailed: db.prepare('UPDATE jobs SET failed = failed + 1, reused = reused + ? WHERE id = ?'),
    resultExists: db.prepare('SELECT 1 FROM results WHERE id = ?'),
    itemState: db.prepare('SELECT state FROM job_items WHERE id = ? AND job_id = ?'),
  };

  return {
    create(spec: JobSpec, root: string, origin: Job['origin'], keyId: string | null): JobRow {
      const id = randomUUID();
      s.insertJob.run({
        id,
        root,
        recursive: spec.recursive ? 1 : 0,
        spec: JSON.stringify(spec),
        specKey: specKey(spec),
        origin,
        keyId,
        createdAt: Date.now(),
      });
      return s.job.get(id) as JobRow;
    },
    job: (id: string): JobRow | undefined => s.job.get(id) as JobRow | undefined,
    list: (limit = 100): JobRow[] => s.list.all(limit) as JobRow[],
    active: (): JobRow[] => s.active.all() as JobRow[],
    latestBySpec: (key: string): JobRow | undefined => s.latestBySpec.get(key) as JobRow | undefined,
    setState: (id: string, state: JobState): void => void s.setState.run(state, id),
    start: (id: string): void => void s.start.run(Date.now(), id),
    finish: (id: string, state: JobState, error?: JobError): void =>
      void s.finish.run(state, Date.now(), error?.code ?? null, error?.message ?? null, id),

    /** Idempotent: a scan cut short by a crash runs again and adds only what is missing. */
    saveScan(id: string, files: ScannedFile[]): void {
      db.transaction(() => {
        for (const f of files) s.insertItem.run(id, f.file, f.abs, f.page ?? 0);
        s.markScanned.run(id, id);
      })();
    },
    itemState: (jobId: string, itemId: number): JobItemState | undefined =>
      (s.itemState.get(itemId, jobId) as { state: JobItemState } | undefined)?.state,
    nextPending: (id: string, after: number): ItemRow | undefined => s.nextPending.get(id, after) as ItemRow | undefined,
    pendingCount: (id: string): number => (s.pendingCount.get(id) as { n: number }).n,
    /** One page of a job's items in natural path order, all or those in one state. */
    items(id: string, state: JobItemState | null, limit: number, offset: number): { rows: ItemRow[]; total: number } {
      return { rows: s.items.all({ id, state, limit, offset }) as ItemRow[], total: (s.itemCount.get({ id, state }) as { n: number }).n };
    },
    sources: (id: string): JobSources => s.sources.get(id) as JobSources,
    reusable(absPath: string, page: number, sha: string, jobId: string): ItemRow | undefined {
      const r = s.reusable.get(absPath, page, sha, jobId) as ItemRow | undefined;
      if (!r) return undefined;
      if (r.state === 'failed' && !STABLE_ERRORS.has(r.error_code ?? '')) return undefined;
      if (r.state === 'done' && !s.resultExists.get(r.result_id)) return undefined;
      return r;
    },

    /** Stores the result and acknowledges the item in one transaction; false when it was acknowledged already. */
    /** The recognised text of a stored result (a reused item's, for its classifier). */
    resultText(resultId: string): string {
      return (s.resultText.get(resultId) as { text: string | null } | undefined)?.text ?? '';
    },
    ackResult(job: JobRow, item: ItemRow, sha: string, image: Uint8Array, ocr: OcrResult, label?: JobLabel): boolean {
      try {
        db.transaction(() => {
          const resultId = store.results.record({
            kind: 'ocr',
            source: item.file,
            image,
            ocr,
            origin: job.origin === 'cli' ? 'cli' : 'job',
            keyId: job.key_id,
            jobId: job.id,
          });
          // The engine answered from its cache (or a run another caller started): a reused item like any other.
          const reused = ocr.reused ? 1 : 0;
          // Throwing rolls the result back too: an item never ends up with two results.
          const tag = [label?.label ?? null, label?.confidence ?? null];
          if (s.ackDone.run(sha, resultId, reused, ocr.ms, Date.now(), ...tag, item.id).changes !== 1) throw new AlreadyAcked();
          s.countDone.run(reused, job.id);
        })();
        return true;
      } catch (err) {
        if (err instanceof AlreadyAcked) return false;
        throw err;
      }
    },
    ackReused(job: JobRow, item: ItemRow, sha: string, from: ItemRow, label?: JobLabel): boolean {
      return db.transaction(() => {
        const now = Date.now();
        const changed =
          from.state === 'done'
            ? s.ackDone.run(sha, from.result_id, 1, REUSED_MS, now, label?.label ?? null, label?.confidence ?? null, item.id).changes
            : s.ackFailed.run(sha, 1, from.error_code, from.error_message, now, item.id).changes;
        if (changed !== 1) return false;
        (from.state === 'done' ? s.countDone : s.countFailed).run(1, job.id);
        return true;
      })();
    },
    ackError(job: JobRow, item: ItemRow, sha: string | null, error: JobError): boolean {
      return db.transaction(() => {
        if (s.ackFailed.run(sha, 0, error.code, error.message, Date.now(), item.id).changes !== 1) return false;
        s.countFailed.run(0, job.id);
        return true;
      })();
    },
  };
}
