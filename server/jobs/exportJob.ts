// Job exports (jsonl, csv, txt), one entry per item in scan order, paths relative to the job root.
// Streams rows from the store so a job of any size exports in constant memory.
import { stringify } from 'csv-stringify/sync';
import type { ExportFormat, ExportLine, JobError } from '../contract/jobs';
import { labelOfRow } from './jobRepository';
import type { OcrLine, OcrResponse } from '../contract/ocr';
import type { Store } from '../store';

interface ExportRow {
  file: string;
  page: number;
  layout: string | null;
  state: 'pending' | 'done' | 'failed';
  error_code: string | null;
  error_message: string | null;
  text: string | null;
  lines: string | null;
  provider: string | null;
  /** The item's own engine time (0 when reused), not the time of the run that made the result. */
  ms: number | null;
  reused: number;
  label: string | null;
  label_confidence: number | null;
}

export const EXPORT_MIME: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  tables: 'text/csv; charset=utf-8',
};

const NOT_PROCESSED: JobError = { code: 'not_processed', message: 'the job stopped before this file was processed' };

function toLine(r: ExportRow): ExportLine {
  const page = r.page > 0 ? { page: r.page } : {};
  if (r.state !== 'done') {
    return {
      file: r.file,
      ...page,
      error: r.state === 'failed' ? { code: r.error_code ?? 'internal_error', message: r.error_message ?? '' } : NOT_PROCESSED,
    };
  }
  const lines = r.lines ? (JSON.parse(r.lines) as OcrLine[]) : [];
  const layout = r.layout ? (JSON.parse(r.layout) as Pick<OcrResponse, 'blocks' | 'rotation'>) : {};
  return {
    file: r.file,
    ...page,
    text: r.text ?? '',
    lines: lines.map((l) => ({ text: l.text, confidence: l.confidence, box: l.box })),
    provider: r.provider ?? '',
    ms: r.ms ?? 0,
    ...(r.reused ? { reused: true } : {}),
    ...(layout.rotation !== undefined ? { rotation: layout.rotation } : {}),
    ...(layout.blocks ? { blocks: layout.blocks } : {}),
    ...labelOfRow(r),
  };
}

// label and label_confidence last, so the older columns keep their places; empty for jobs without a classifier.
const CSV_COLUMNS = [
  'file',
  'text',
  'provider',
  'ms',
  'error_code',
  'error_message',
  'reused',
  'page',
  'label',
  'label_confidence',
] as const;
/** Cells starting with = + - @ (or tab, CR) get a leading ' so a spreadsheet shows them instead of running them. */
const CSV_OPTIONS = { escape_formulas: true } as const;

/** A file name on one line: line breaks and other controls are written as escapes, so none can fake a header. */
function oneLine(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what gets escaped
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Markdown text only where it would otherwise start markup (a heading, a list, emphasis, a quote). */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1').replace(/^(\s*)([-+]|\d+\.)(\s)/, '$1\\$2$3');
}

/**
 * One file or page as Markdown: a comment naming it, headings as `#`, paragraphs as running text, running
 * headers and footers in italics; a result without blocks gives one paragraph per line. Pages apart by a rule.
 */
function markdown(line: ExportLine): string {
  const name = `<!-- ${line.file.replace(/--/g, '- -')}${line.page ? `, page ${line.page}` : ''} -->`;
  if ('error' in line) return `${name}\n\n> ${escapeMarkdown(`error ${line.error.code}: ${line.error.message}`)}\n\n---\n\n`;
  const parts = line.blocks
    ? line.blocks.map((b) => {
        if (b.cells) return pipeTable(b.cells);
        const text = escapeMarkdown(b.text);
        if (b.kind === 'heading') return `# ${text}`;
        if (b.kind === 'header' || b.kind === 'footer') return `*${text}*`;
        return text;
      })
    : line.lines.map((l) => escapeMarkdown(l.text));
  return `${name}\n\n${parts.join('\n\n')}\n\n---\n\n`;
}

/** A Markdown pipe table; its first row is the header row Markdown requires. */
function pipeTable(cells: readonly string[][]): string {
  const row = (r: readonly string[]): string => `| ${r.map((c) => escapeMarkdown(c)).join(' | ')} |`;
  return [row(cells[0]), `|${cells[0].map(() => ' --- |').join('')}`, ...cells.slice(1).map(row)].join('\n');
}

const TABLE_COLUMNS = ['file', 'page', 'table', 'row'] as const;

/** The tables of one file or page as CSV rows: where each row sits, then its cells. */
function tableRows(line: ExportLine): string {
  if ('error' in line || !line.blocks) return '';
  const rows: (string | number)[][] = [];
  line.blocks
    .filter((b) => b.cells)
    .forEach((b, t) => b.cells?.forEach((cells, r) => rows.push([line.file, line.page ?? '', t + 1, r + 1, ...cells])));
  return rows.length ? stringify(rows, CSV_OPTIONS) : '';
}

function format(line: ExportLine, fmt: ExportFormat): string {
  if (fmt === 'jsonl') return JSON.stringify(line) + '\n';
  if (fmt === 'csv') {
    const row =
      'error' in line
        ? [line.file, '', '', '', line.error.code, line.error.message, '', line.page ?? '', '', '']
        : [
            line.file,
            line.text,
            line.provider,
            line.ms,
            '',
            '',
            line.reused ? 'true' : 'false',
            line.page ?? '',
            line.label?.label ?? '',
            line.label?.confidence ?? '',
          ];
    return stringify([row], CSV_OPTIONS);
  }
  if (fmt === 'md') return markdown(line);
  if (fmt === 'tables') return tableRows(line);
  const body = 'error' in line ? `[error ${line.error.code}] ${line.error.message}` : line.text;
  return `==> ${oneLine(line.file)}${line.page ? ` (page ${line.page})` : ''} <==\n${body}\n\n`;
}

/** The export of one job as chunks of text, in item order. */
export function* exportJob(store: Store, jobId: string, fmt: ExportFormat): Generator<string> {
  if (fmt === 'csv') yield stringify([[...CSV_COLUMNS]], CSV_OPTIONS);
  if (fmt === 'tables') yield stringify([[...TABLE_COLUMNS, 'cells…']], CSV_OPTIONS);
  const rows = store.db
    .prepare(
      `SELECT i.file, i.page, i.state, i.error_code, i.error_message, r.text, r.lines, r.provider, i.ms, i.reused, r.layout,
         i.label, i.label_confidence
       FROM job_items i LEFT JOIN results r ON r.id = i.result_id WHERE i.job_id = ? ORDER BY i.id`,
    )
    .iterate(jobId) as IterableIterator<ExportRow>;
  for (const r of rows) yield format(toLine(r), fmt);
}
