// Core schema: stored results (with FTS over their text), kept images, and durable jobs with their items.
import type { Migration } from './index';

export const coreMigrations: Migration[] = [
  {
    version: 1,
    name: 'results, images and full-text search',
    sql: `
      CREATE TABLE results (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        sha256 TEXT,
        text TEXT NOT NULL DEFAULT '',
        lines TEXT,
        labels TEXT,
        provider TEXT,
        ms REAL,
        width INTEGER,
        height INTEGER,
        origin TEXT NOT NULL,
        key_id TEXT,
        job_id TEXT,
        model TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX results_created ON results(created_at);
      CREATE INDEX results_sha ON results(sha256);
      CREATE INDEX results_job ON results(job_id);

      -- Images are kept once per content hash however often they are recognised.
      CREATE TABLE images (
        sha256 TEXT PRIMARY KEY,
        mime TEXT NOT NULL,
        bytes BLOB NOT NULL,
        last_used_at INTEGER NOT NULL
      );
      CREATE INDEX images_last_used ON images(last_used_at);

      -- Trigram tokens make substring search work for scripts without spaces (Chinese, Japanese) too.
      CREATE VIRTUAL TABLE results_fts USING fts5(
        text, source, content='results', content_rowid='rowid', tokenize='trigram case_sensitive 0'
      );
      CREATE TRIGGER results_fts_ai AFTER INSERT ON results BEGIN
        INSERT INTO results_fts(rowid, text, source) VALUES (new.rowid, new.text, new.source);
      END;
      CREATE TRIGGER results_fts_ad AFTER DELETE ON results BEGIN
        INSERT INTO results_fts(results_fts, rowid, text, source) VALUES ('delete', old.rowid, old.text, old.source);
      END;
      CREATE TRIGGER results_fts_au AFTER UPDATE OF text, source ON results BEGIN
        INSERT INTO results_fts(results_fts, rowid, text, source) VALUES ('delete', old.rowid, old.text, old.source);
        INSERT INTO results_fts(rowid, text, source) VALUES (new.rowid, new.text, new.source);
      END;
    `,
  },
  {
    version: 2,
    name: 'durable jobs and their items',
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        root TEXT NOT NULL,
        recursive INTEGER NOT NULL,
        -- JSON: the inputs as given and resolved; the same spec finds an interrupted CLI run again.
        spec TEXT NOT NULL,
        spec_key TEXT NOT NULL,
        origin TEXT NOT NULL,
        key_id TEXT,
        scanned INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        reused INTEGER NOT NULL DEFAULT 0,
        error_code TEXT,
        error_message TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER
      );
      CREATE INDEX jobs_state ON jobs(state, created_at);
      CREATE INDEX jobs_spec ON jobs(spec_key, created_at);

      CREATE TABLE job_items (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        file TEXT NOT NULL,
        abs_path TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        sha256 TEXT,
        result_id TEXT,
        reused INTEGER NOT NULL DEFAULT 0,
        ms REAL,
        error_code TEXT,
        error_message TEXT,
        finished_at INTEGER,
        UNIQUE (job_id, abs_path)
      );
      CREATE INDEX job_items_queue ON job_items(job_id, state, id);
      CREATE INDEX job_items_content ON job_items(abs_path, sha256);
    `,
  },
  {
    version: 3,
    name: 'document pages: PDF pages as job items and results, page layout kept with results',
    sql: `
      ALTER TABLE results ADD COLUMN page INTEGER;
      -- JSON { blocks, rotation } of an OCR result (layout/index.ts); lines stay in their own column.
      ALTER TABLE results ADD COLUMN layout TEXT;
      -- A PDF is one item per page (page 1..n); images and unreadable PDFs have page 0.
      CREATE TABLE job_items_paged (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        file TEXT NOT NULL,
        abs_path TEXT NOT NULL,
        page INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        sha256 TEXT,
        result_id TEXT,
        reused INTEGER NOT NULL DEFAULT 0,
        ms REAL,
        error_code TEXT,
        error_message TEXT,
        finished_at INTEGER,
        UNIQUE (job_id, abs_path, page)
      );
      INSERT INTO job_items_paged (id, job_id, file, abs_path, state, sha256, result_id, reused, ms, error_code, error_message, finished_at)
        SELECT id, job_id, file, abs_path, state, sha256, result_id, reused, ms, error_code, error_message, finished_at FROM job_items;
      DROP TABLE job_items;
      ALTER TABLE job_items_paged RENAME TO job_items;
      CREATE INDEX job_items_queue ON job_items(job_id, state, id);
      CREATE INDEX job_items_content ON job_items(abs_path, page, sha256);
    `,
  },
];
