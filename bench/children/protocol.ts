// The contract between the bench and the child processes it measures: a job file in, a report file out.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildJob {
  /** Folder holding the images. */
  dir: string;
  /** Image file names inside dir, in order. */
  files: string[];
  /** Where the child writes its ChildReport as JSON. */
  reportFile: string;
  /** Contender-specific settings (counts, shapes, threads). */
  options?: Record<string, unknown>;
}

export interface ImageOutcome {
  file: string;
  /** Submit → answer, ms. */
  ms: number;
  text?: string;
  error?: string;
}

export interface ChildReport {
  /** Seconds from process start to "models loaded, ready to work". */
  loadS: number;
  /** Wall seconds of the measured phase (after load and warm-up). */
  measuredS: number;
  /** CPU seconds (all threads) spent in the measured phase. */
  measuredCpuS: number;
  outcomes: ImageOutcome[];
  extra?: Record<string, unknown>;
}

/** Reads the job named by the first argument. */
export function readJob(): ChildJob {
  const file = process.argv[2];
  if (!file) throw new Error('usage: <child>.ts <job.json>');
  return JSON.parse(readFileSync(file, 'utf8')) as ChildJob;
}

export function writeReport(job: ChildJob, report: ChildReport): void {
  writeFileSync(job.reportFile, JSON.stringify(report));
}

/** Seconds since this process started (includes Node and module start-up, as a user would wait). */
export function sinceProcessStart(): number {
  return process.uptime();
}

/** CPU seconds of the whole process (every thread) so far. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Runs `work` over items with at most `limit` in flight; resolves when all are settled. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  });
  await Promise.all(lanes);
}

/**
 * The whole measured phase of a peer that reads images one after another: times each file, turns a throw into
 * that file's error, and writes the report. `loadS` is read now, so call this right after the models load.
 */
export async function measureSequential(job: ChildJob, recognise: (path: string) => Promise<string>): Promise<void> {
  const loadS = sinceProcessStart();
  const outcomes: ImageOutcome[] = [];
  const t0 = performance.now();
  const c0 = cpuSeconds();
  for (const file of job.files) {
    const s = performance.now();
    try {
      const text = await recognise(join(job.dir, file));
      outcomes.push({ file, ms: performance.now() - s, text });
    } catch (err) {
      outcomes.push({ file, ms: performance.now() - s, error: (err as Error).message });
    }
  }
  writeReport(job, { loadS, measuredS: (performance.now() - t0) / 1000, measuredCpuS: cpuSeconds() - c0, outcomes });
}
