// Renders the bench's one table (a row per contender, a failed contender shows its reason) as fixed-width text.
import { percentile } from './measure';
import type { ContenderResult } from './contenders/types';

const HEADERS = [
  'contender',
  'img/s',
  'img/s loaded',
  'p50 ms',
  'p95 ms',
  'CPU s',
  'cores',
  'peak RSS MB',
  'CER %',
  'errors',
  'note',
] as const;
/** Columns printed right-aligned (numbers). */
const NUMERIC = new Set<string>(HEADERS.slice(1, 10));

function fixed(v: number | undefined | null, digits: number): string {
  return v === undefined || v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

function cells(r: ContenderResult): string[] {
  if (r.error !== undefined) return [r.name, '–', '–', '–', '–', '–', '–', '–', '–', '–', `FAILED: ${r.error}`];
  const lat = r.latenciesMs ?? [];
  const cores = r.cpuS !== undefined && r.wallS ? r.cpuS / r.wallS : undefined;
  return [
    r.name,
    fixed(r.imagesPerS, 2),
    fixed(r.steadyImagesPerS, 2),
    fixed(percentile(lat, 50), 0),
    fixed(percentile(lat, 95), 0),
    fixed(r.cpuS, 1),
    fixed(cores, 2),
    fixed(r.peakRssMb, 0),
    r.cer === undefined ? '–' : (r.cer * 100).toFixed(2),
    r.errors === undefined ? '–' : String(r.errors),
    r.note ?? '',
  ];
}

/** The table as lines of text, columns padded to their widest cell. */
export function renderTable(rows: readonly ContenderResult[]): string {
  const body = rows.map(cells);
  const all = [[...HEADERS], ...body];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => [...r[i]].length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(widths[i] - [...c].length);
        return i === r.length - 1 ? c : NUMERIC.has(HEADERS[i]) ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]), rule, ...body.map(line)].join('\n');
}
