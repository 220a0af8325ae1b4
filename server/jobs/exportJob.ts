// Job exports (jsonl, csv, txt), one entry per item in scan order, paths relative to the job root.
// Streams rows from the store so a job of any size exports in constant memory.
import { stringify } from 'csv-stringify/sync';
import type { ExportFormat, ExportLine, JobError } from '../contract/jobs';
import type { OcrLine } from '../contract/ocr';
import type { Store } from '../store';

interface ExportRow {
  file: string;
  state: 'pending' | 'done' | 'failed';
  error_code: string | null;
  error_message: string | null;
  text: string | null;
  lines: string | null;
  provider: string | null;
  /** The item's own engine time (0 when reused), not the time of the run that made the result. */
  ms: number | null;
  reused: number;
}

export const EXPORT_MIME: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

const NOT_PROCESSED: JobError = { code: 'not_processed', message: 'the job stopped before this file was processed' };

function toLine(r: ExportRow): ExportLine {
  if (r.state !== 'done') {
    return { file: r.file, error: r.state === 'failed' ? { code: r.error_code ?? 'internal_error', message: r.error_message ?? '' } : NOT_PROCESSED };
  }
  const lines = r.lines ? (JSON.parse(r.lines) as OcrLine[]) : [];
  return {
    file: r.file,
    text: r.text ?? '',
    lines: lines.map((l) => ({ text: l.text, confidence: l.confidence, box: l.box })),
    provider: r.provider ?? '',
    ms: r.ms ?? 0,
    ...(r.reused ? { reused: true } : {}),
  };
}

const CSV_COLUMNS = ['file', 'text', 'provider', 'ms', 'error_code', 'error_message', 'reused'] as const;
/** Cells starting with = + - @ (or tab, CR) get a leading ' so a spreadsheet shows them instead of running them. */
const CSV_OPTIONS = { escape_formulas: true } as const;

/** A file name on one line: line breaks and other controls are written as escapes, so none can fake a header. */
function oneLine(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what gets escaped
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

function format(line: ExportLine, fmt: ExportFormat): string {
  if (fmt === 'jsonl') return JSON.stringify(line) + '\n';
  if (fmt === 'csv') {
    const row =
      'error' in line
        ? [line.file, '', '', '', line.error.code, line.error.message, '']
        : [line.file, line.text, line.provider, line.ms, '', '', line.reused ? 'true' : 'false'];
    return stringify([row], CSV_OPTIONS);
  }
  const body = 'error' in line ? `[error ${line.error.code}] ${line.error.message}` : line.text;
  return `==> ${oneLine(line.file)} <==\n${body}\n\n`;
}

/** The export of one job as chunks of text, in item order. */
export function* exportJob(store: Store, jobId: string, fmt: ExportFormat): Generator<string> {
  if (fmt === 'csv') yield stringify([[...CSV_COLUMNS]], CSV_OPTIONS);
  const rows = store.db
    .prepare(
      `SELECT i.file, i.state, i.error_code, i.error_message, r.text, r.lines, r.provider, i.ms, i.reused
       FROM job_items i LEFT JOIN results r ON r.id = i.result_id WHERE i.job_id = ? ORDER BY i.id`,
    )
    .iterate(jobId) as IterableIterator<ExportRow>;
  for (const r of rows) yield format(toLine(r), fmt);
}
