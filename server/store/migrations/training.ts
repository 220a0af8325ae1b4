// Training runs (versions 400–499): what was asked, how far it got, its report or why it failed.
import type { Migration } from './index';

export const trainingMigrations: Migration[] = [
  {
    version: 400,
    name: 'training: runs',
    sql: `
      CREATE TABLE train_runs (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        -- JSON: folder, name, backbone, embedding, seed.
        request TEXT NOT NULL,
        key_id TEXT,
        -- JSON: the evaluation report of a finished run.
        report TEXT,
        error_code TEXT,
        error_message TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER
      );
    `,
  },
  {
    version: 401,
    name: 'training: document-type labels on job items',
    sql: `
      -- Jobs created with a document-type classifier tag each file (or PDF page) with its best label.
      ALTER TABLE job_items ADD COLUMN label TEXT;
      ALTER TABLE job_items ADD COLUMN label_confidence REAL;
    `,
  },
];
