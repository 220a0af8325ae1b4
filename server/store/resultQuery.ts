// Turns a results search (free text in any language, dates, source, key) into one SQL WHERE clause.
// Terms of 3+ characters go through the trigram FTS index; shorter ones (common in Chinese) fall back to LIKE.
import { AppError } from '../appError';
import type { ResultsQuery } from '../contract/results';

export interface SqlWhere {
  sql: string;
  params: unknown[];
}

function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function ftsPhrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** ISO date/time or epoch milliseconds → epoch milliseconds. A bare date as `to` means the end of that day. */
export function parseTime(value: string, name: string, endOfDay = false): number {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms)) throw new AppError('bad_request', 400, `"${name}" must be an ISO date/time or epoch milliseconds`);
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? ms + 86_399_999 : ms;
}

export function resultsWhere(q: ResultsQuery): SqlWhere {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const terms = (q.q ?? '').trim().split(/\s+/u).filter(Boolean);
  const long = terms.filter((t) => [...t].length >= 3);
  const short = terms.filter((t) => [...t].length < 3);
  if (long.length) {
    clauses.push('r.rowid IN (SELECT rowid FROM results_fts WHERE results_fts MATCH ?)');
    params.push(long.map(ftsPhrase).join(' AND '));
  }
  for (const t of short) {
    clauses.push("(r.text LIKE ? ESCAPE '\\' OR r.source LIKE ? ESCAPE '\\')");
    params.push(likePattern(t), likePattern(t));
  }
  if (q.from) {
    clauses.push('r.created_at >= ?');
    params.push(parseTime(q.from, 'from'));
  }
  if (q.to) {
    clauses.push('r.created_at <= ?');
    params.push(parseTime(q.to, 'to', true));
  }
  if (q.source) {
    clauses.push("r.source LIKE ? ESCAPE '\\'");
    params.push(likePattern(q.source));
  }
  if (q.keyId) {
    clauses.push('r.key_id = ?');
    params.push(q.keyId);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
