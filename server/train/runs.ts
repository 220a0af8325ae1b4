// Training runs as durable work: each run is a row in the store (queued → running → done, failed or cancelled),
// one runs at a time, progress goes to subscribers (SSE), and a run that a crash or restart interrupted starts
// again from the beginning at the next start (training is deterministic, so it ends with the same model).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { AppError, isAppError } from '../appError';
import { trainKindOf, type TrainRun, type TrainRequestBody, type TrainState } from '../contract/training';
import type { Engine } from '../engine';
import type { ModelRepository } from '../engine/models/repository';
import { createLogger } from '../logger';
import type { Store } from '../store';
import type { TrainProgress } from './fit';
import { trainDocTypeClassifier } from './docTypeClassifier';
import { trainImageClassifier } from './imageClassifier';

interface RunRow {
  id: string;
  state: TrainState;
  request: string;
  key_id: string | null;
  report: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface TrainRuns {
  start(request: TrainRequestBody, keyId: string | null): TrainRun;
  get(id: string): TrainRun;
  list(): TrainRun[];
  cancel(id: string): TrainRun;
  /** Progress snapshots of one run until it ends; returns the unsubscribe function. */
  subscribe(id: string, listener: (run: TrainRun) => void): () => void;
  /** Runs left queued or running by a crash start again. */
  resumeInterrupted(): void;
  close(): Promise<void>;
}

export const TERMINAL_TRAIN_STATES: readonly TrainState[] = ['done', 'failed', 'cancelled'];

const log = createLogger('train');

/** The link to a misclassified example's thumbnail (GET /v1/train/:id/misclassified/:n/thumbnail). */
export function thumbnailLink(runId: string, n: number): string {
  return `/v1/train/${encodeURIComponent(runId)}/misclassified/${n}/thumbnail`;
}

export function createTrainRuns(opts: {
  store: Store;
  repository: () => ModelRepository;
  providers: readonly string[];
  /** Reads the pages of document-type datasets (OCR and the detector) as bulk work beside jobs. */
  engine: Pick<Engine, 'run'>;
}): TrainRuns {
  const db = opts.store.db;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const progress = new Map<string, TrainRun['progress']>();
  let current: { id: string; abort: AbortController; done: Promise<void> } | undefined;
  let closing = false;

  const row = (id: string): RunRow => {
    const r = db.prepare('SELECT * FROM train_runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!r) throw new AppError('not_found', 404, `no training run ${id}`);
    return r;
  };
  const reportOf = (r: RunRow): TrainRun['report'] => {
    if (!r.report) return null;
    const report = JSON.parse(r.report) as NonNullable<TrainRun['report']>;
    return { ...report, misclassified: report.misclassified.map((m, n) => ({ ...m, thumbnail: thumbnailLink(r.id, n) })) };
  };
  const toRun = (r: RunRow): TrainRun => ({
    id: r.id,
    state: r.state,
    request: JSON.parse(r.request) as TrainRun['request'],
    progress: progress.get(r.id) ?? null,
    report: reportOf(r),
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    createdAt: new Date(r.created_at).toISOString(),
    startedAt: r.started_at ? new Date(r.started_at).toISOString() : null,
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  });
  const emit = (id: string): void => {
    events.emit(id, toRun(row(id)));
  };

  const finish = (id: string, state: TrainState, fields: { report?: unknown; error?: { code: string; message: string } }): void => {
    db.prepare('UPDATE train_runs SET state = ?, report = ?, error_code = ?, error_message = ?, finished_at = ? WHERE id = ?').run(
      state,
      fields.report ? JSON.stringify(fields.report) : null,
      fields.error?.code ?? null,
      fields.error?.message ?? null,
      Date.now(),
      id,
    );
    progress.delete(id);
    emit(id);
  };

  /** Starts the oldest queued run when none is running. */
  const pump = (): void => {
    if (current || closing) return;
    const next = db.prepare("SELECT * FROM train_runs WHERE state = 'queued' ORDER BY created_at, id LIMIT 1").get() as RunRow | undefined;
    if (!next) return;
    const abort = new AbortController();
    db.prepare("UPDATE train_runs SET state = 'running', started_at = ? WHERE id = ?").run(Date.now(), next.id);
    emit(next.id);
    const request = JSON.parse(next.request) as TrainRun['request'];
    let lastEmit = 0;
    const onProgress = (p: TrainProgress): void => {
      progress.set(next.id, p);
      // Epochs can come fast: a few updates a second are enough for a chart.
      if (Date.now() - lastEmit > 100 || p.phase === 'registering') {
        lastEmit = Date.now();
        emit(next.id);
      }
    };
    const done = (async () => {
      try {
        const report =
          trainKindOf(request) === 'doctype'
            ? await trainDocTypeClassifier(
                opts.repository(),
                opts.engine,
                { folder: request.path, name: request.name, seed: request.seed },
                onProgress,
                abort.signal,
              )
            : await trainImageClassifier(
                opts.repository(),
                {
                  folder: request.path,
                  name: request.name,
                  backbone: request.backbone ?? '',
                  embedding: request.embedding,
                  seed: request.seed,
                  providers: opts.providers,
                },
                onProgress,
                abort.signal,
              );
        finish(next.id, 'done', { report });
        log.info('training run done', { run: next.id, model: report.model, version: report.version, accuracy: report.accuracy });
      } catch (err) {
        if (abort.signal.aborted) {
          // Closing leaves the run queued for the next start; a cancel ends it.
          if (closing) db.prepare("UPDATE train_runs SET state = 'queued', started_at = NULL WHERE id = ?").run(next.id);
          else finish(next.id, 'cancelled', {});
        } else {
          const error = isAppError(err)
            ? { code: err.code, message: err.message }
            : { code: 'internal_error', message: 'training failed unexpectedly; the node log has details' };
          if (!isAppError(err)) log.error('training run failed', { run: next.id, error: String((err as Error)?.stack ?? err) });
          finish(next.id, 'failed', { error });
        }
      } finally {
        current = undefined;
        pump();
      }
    })();
    current = { id: next.id, abort, done };
  };

  return {
    start(request, keyId) {
      if (closing) throw new AppError('shutting_down', 503, 'the node is shutting down');
      const id = randomUUID();
      db.prepare("INSERT INTO train_runs (id, state, request, key_id, created_at) VALUES (?, 'queued', ?, ?, ?)").run(
        id,
        JSON.stringify(request),
        keyId,
        Date.now(),
      );
      log.info('training run queued', { run: id, model: request.name, kind: trainKindOf(request), backbone: request.backbone });
      pump();
      return toRun(row(id));
    },
    get: (id) => toRun(row(id)),
    list: () => (db.prepare('SELECT * FROM train_runs ORDER BY created_at DESC LIMIT 100').all() as RunRow[]).map(toRun),
    cancel(id) {
      const r = row(id);
      if (TERMINAL_TRAIN_STATES.includes(r.state)) throw new AppError('conflict', 409, `training run ${id} has already ended (${r.state})`);
      if (current?.id === id) current.abort.abort();
      else finish(id, 'cancelled', {});
      return toRun(row(id));
    },
    subscribe(id, listener) {
      row(id);
      events.on(id, listener);
      return () => events.off(id, listener);
    },
    resumeInterrupted() {
      const n = db.prepare("UPDATE train_runs SET state = 'queued', started_at = NULL WHERE state = 'running'").run().changes;
      if (n) log.info('training runs interrupted earlier start again', { runs: n });
      pump();
    },
    async close() {
      closing = true;
      current?.abort.abort();
      await current?.done;
    },
  };
}
