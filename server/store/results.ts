// Every recognition the node makes (API, GUI, CLI, jobs): stored with its image (per retention), searchable.
import { randomUUID } from 'node:crypto';
import type { OcrLine, OcrResponse, OcrResult } from '../contract/ocr';
import type { ResultDetail, ResultKind, ResultLabel, ResultOrigin, ResultsPage, ResultsQuery, ResultSummary } from '../contract/results';
import type { SqliteDatabase } from './encryptedDatabase';
import { sniffImageMime } from './imageMime';
import { resultsWhere } from './resultQuery';
import { sha256Hex } from '../sha256';

export interface Retention {
  mode: 'all' | 'days' | 'results-only';
  /** Days images are kept in "days" mode. */
  days: number;
}

export interface RecordInput {
  kind: ResultKind;
  source: string;
  image: Uint8Array | null;
  /** Content hash when the caller has it already (or has no image to hash). */
  sha256?: string;
  ocr?: OcrResult;
  labels?: ResultLabel[];
  provider?: string;
  ms?: number;
  origin: ResultOrigin;
  keyId: string | null;
  jobId?: string;
  model?: string;
}

export interface ResultsRepository {
  /** Stores one result (and its image, unless retention says results only); returns its id. */
  record(input: RecordInput): string;
  search(query: ResultsQuery): ResultsPage;
  get(id: string): ResultDetail | null;
  image(id: string): { bytes: Buffer; mime: string } | null;
  /** Drops images retention no longer keeps; returns how many went. */
  pruneImages(now?: number): number;
}

interface ResultRow {
  id: string;
  kind: ResultKind;
  source: string;
  sha256: string | null;
  text: string;
  lines: string | null;
  labels: string | null;
  provider: string | null;
  ms: number | null;
  width: number | null;
  height: number | null;
  origin: ResultOrigin;
  key_id: string | null;
  job_id: string | null;
  model: string | null;
  created_at: number;
  has_image: number;
  page: number | null;
  layout: string | null;
}

export const MAX_PAGE = 200;
const DAY_MS = 86_400_000;
/** In "days" mode images are pruned at most this often while results come in. */
const PRUNE_EVERY_MS = 3_600_000;

function summary(r: ResultRow): ResultSummary {
  return {
    id: r.id,
    kind: r.kind,
    source: r.source,
    sha256: r.sha256,
    text: r.text,
    provider: r.provider,
    ms: r.ms,
    origin: r.origin,
    keyId: r.key_id,
    jobId: r.job_id,
    model: r.model,
    createdAt: new Date(r.created_at).toISOString(),
    hasImage: r.has_image === 1,
  };
}

const KEEP_ALL: Retention = { mode: 'all', days: 30 };

const SELECT = `SELECT r.*, EXISTS (SELECT 1 FROM images i WHERE i.sha256 = r.sha256) AS has_image FROM results r`;

/** `retention` is read on every write and prune, so a changed setting applies to the next result. */
export function createResultsRepository(db: SqliteDatabase, retentionOf: () => Retention = () => KEEP_ALL): ResultsRepository {
  let lastPrune = 0;

  const insertResult = db.prepare(`INSERT INTO results
    (id, kind, source, sha256, text, lines, labels, provider, ms, width, height, origin, key_id, job_id, model, created_at, page, layout)
    VALUES (@id, @kind, @source, @sha256, @text, @lines, @labels, @provider, @ms, @width, @height, @origin, @keyId, @jobId, @model, @createdAt, @page, @layout)`);
  const upsertImage = db.prepare(`INSERT INTO images (sha256, mime, bytes, last_used_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (sha256) DO UPDATE SET last_used_at = excluded.last_used_at`);
  const byId = db.prepare(`${SELECT} WHERE r.id = ?`);
  const imageOf = db.prepare('SELECT i.bytes, i.mime FROM results r JOIN images i ON i.sha256 = r.sha256 WHERE r.id = ?');
  const pruneOlder = db.prepare('DELETE FROM images WHERE last_used_at < ?');
  const pruneAll = db.prepare('DELETE FROM images');

  const pruneImages = (now = Date.now()): number => {
    lastPrune = now;
    const retention = retentionOf();
    if (retention.mode === 'results-only') return pruneAll.run().changes;
    if (retention.mode === 'days') return pruneOlder.run(now - retention.days * DAY_MS).changes;
    return 0;
  };

  return {
    record(input) {
      const now = Date.now();
      const sha = input.image ? sha256Hex(input.image) : (input.sha256 ?? null);
      const id = randomUUID();
      const ocr = input.ocr;
      const lines: OcrLine[] | undefined = ocr?.lines;
      db.transaction(() => {
        insertResult.run({
          id,
          kind: input.kind,
          source: input.source,
          sha256: sha,
          text: ocr?.text ?? input.labels?.map((l) => l.label).join('\n') ?? '',
          lines: lines ? JSON.stringify(lines) : null,
          labels: input.labels ? JSON.stringify(input.labels) : null,
          provider: input.provider ?? ocr?.provider ?? null,
          ms: input.ms ?? ocr?.ms ?? null,
          width: ocr?.width ?? null,
          height: ocr?.height ?? null,
          origin: input.origin,
          keyId: input.keyId,
          jobId: input.jobId ?? null,
          model: input.model ?? null,
          createdAt: now,
          page: ocr?.page ?? null,
          layout: ocr && (ocr.blocks || ocr.rotation !== undefined) ? JSON.stringify({ blocks: ocr.blocks, rotation: ocr.rotation }) : null,
        });
        if (input.image && sha && retentionOf().mode !== 'results-only') {
          upsertImage.run(
            sha,
            sniffImageMime(input.image),
            Buffer.from(input.image.buffer, input.image.byteOffset, input.image.byteLength),
            now,
          );
        }
      })();
      if (retentionOf().mode === 'days' && now - lastPrune > PRUNE_EVERY_MS) pruneImages(now);
      return id;
    },

    search(query) {
      const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? 50)), MAX_PAGE);
      const offset = Math.max(0, Math.trunc(query.offset ?? 0));
      const where = resultsWhere(query);
      const rows = db
        .prepare(`${SELECT} ${where.sql} ORDER BY r.created_at DESC, r.rowid DESC LIMIT ? OFFSET ?`)
        .all(...where.params, limit, offset) as ResultRow[];
      const { n } = db.prepare(`SELECT count(*) AS n FROM results r ${where.sql}`).get(...where.params) as { n: number };
      return { items: rows.map(summary), total: n, limit, offset };
    },

    get(id) {
      const r = byId.get(id) as ResultRow | undefined;
      if (!r) return null;
      return {
        ...summary(r),
        lines: r.lines ? (JSON.parse(r.lines) as OcrLine[]) : [],
        labels: r.labels ? (JSON.parse(r.labels) as ResultLabel[]) : null,
        width: r.width,
        height: r.height,
        ...(r.page !== null ? { page: r.page } : {}),
        ...(r.layout ? (JSON.parse(r.layout) as Pick<OcrResponse, 'blocks' | 'rotation'>) : {}),
      };
    },

    image(id) {
      const row = imageOf.get(id) as { bytes: Buffer; mime: string } | undefined;
      return row ?? null;
    },

    pruneImages,
  };
}
