// Applies pending schema migrations in version order, each in its own transaction with its version bump.
// IMMEDIATE transactions and a re-check inside make two processes opening a new store at once safe.
import { createLogger } from '../logger';
import type { SqliteDatabase } from './encryptedDatabase';
import type { Migration } from './migrations';

const log = createLogger('store:migrate');

export function applyMigrations(db: SqliteDatabase, migrations: readonly Migration[]): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  let count = 0;
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    const ran = db
      .transaction(() => {
        if (isApplied.get(m.version)) return false;
        db.exec(m.sql);
        record.run(m.version, m.name, Date.now());
        return true;
      })
      .immediate();
    if (ran) {
      log.info('applied migration', { version: m.version, name: m.name });
      count++;
    }
  }
  return count;
}
