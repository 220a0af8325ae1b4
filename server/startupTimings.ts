// Where a process's start-up time goes: named spans on one wall clock, printed on stderr at exit when
// HEARTH_DEBUG names "startup" (e.g. HEARTH_DEBUG=startup hearth ocr one.png). Engine workers send theirs to
// the main thread, so one table shows the whole process.
import { performance } from 'node:perf_hooks';

export interface TimingSpan {
  name: string;
  /** Wall-clock milliseconds (epoch), comparable across threads. */
  start: number;
  end: number;
}

/** True when HEARTH_DEBUG (a comma-separated list) names "startup". */
export const startupDebug = (process.env.HEARTH_DEBUG ?? '')
  .split(',')
  .map((s) => s.trim())
  .includes('startup');

const spans: TimingSpan[] = [];

/** Wall-clock milliseconds with sub-millisecond resolution; the same clock in every thread. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/** When this process started (the main thread's time origin). */
export const processStart = performance.timeOrigin;

export function recordSpan(name: string, start: number, end = clock()): void {
  if (startupDebug) spans.push({ name, start, end });
}

export function addSpans(list: readonly TimingSpan[]): void {
  if (startupDebug) spans.push(...list);
}

/** Runs `fn` and records how long it took under `name`. */
export async function timed<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const start = clock();
  try {
    return await fn();
  } finally {
    recordSpan(name, start);
  }
}

/** Spans recorded so far in this thread (workers send these to the main thread). */
export function takeSpans(): TimingSpan[] {
  return spans.splice(0);
}

/** The table: one line per span, ordered by start, as offsets from `origin` and durations. */
export function formatTimings(list: readonly TimingSpan[], origin: number, end: number): string {
  const rows = [...list].sort((a, b) => a.start - b.start || a.end - b.end);
  const width = Math.max(24, ...rows.map((r) => r.name.length));
  const ms = (v: number): string => Math.round(v).toString().padStart(6);
  const lines = rows.map((r) => `  ${r.name.padEnd(width)} ${ms(r.start - origin)} → ${ms(r.end - origin)}  ${ms(r.end - r.start)} ms`);
  return [`start-up (ms from process start):`, ...lines, `  ${'exit'.padEnd(width)} ${ms(end - origin)}`].join('\n') + '\n';
}

/**
 * Records how long Node took to boot and the code to load (up to the moment of this call), and prints the
 * table on stderr when the process exits. Called once, by the CLI's entry module.
 */
export function traceStartup(): void {
  if (!startupDebug) return;
  const booted = processStart + performance.nodeTiming.bootstrapComplete;
  recordSpan('node start', processStart, booted);
  recordSpan('code load', booted);
  process.once('exit', () => process.stderr.write(formatTimings(spans, processStart, clock())));
}
