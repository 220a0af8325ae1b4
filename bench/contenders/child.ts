// Runs one bench child script (bench/children/*.ts) as its own measured process and turns its report
// into a table row: whole-process CPU and peak RSS from the OS, throughput and latency from the child.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildJob, ChildReport } from '../children/protocol';
import { runMeasured, type ProcessFigures } from '../measure';
import { setCer } from '../score';
import { failed, type BenchContext, type ContenderResult } from './types';

export interface ChildRun {
  report: ChildReport;
  figures: ProcessFigures;
}

/**
 * Runs bench/children/<script>.ts on `files` (default: the whole set); throws with the child's last words on
 * failure. `echoStderr` passes the child's log through (e.g. a provider fallback warning).
 */
export async function runChild(
  ctx: BenchContext,
  script: string,
  options: Record<string, unknown> = {},
  files: string[] = ctx.dataset.files,
  echoStderr = false,
): Promise<ChildRun> {
  const id = `${script}-${Date.now()}`;
  const jobFile = join(ctx.tmp, `${id}.job.json`);
  const reportFile = join(ctx.tmp, `${id}.report.json`);
  const job: ChildJob = { dir: ctx.dataset.dir, files, reportFile, options };
  writeFileSync(jobFile, JSON.stringify(job));
  const figures = await runMeasured(process.execPath, ['--import', 'tsx', join(ctx.root, 'bench', 'children', `${script}.ts`), jobFile], {
    cwd: ctx.root,
    timeoutMs: ctx.timeoutMs,
    // Echoed children log to the console too, so a provider fallback says why.
    env: { ...process.env, NO_COLOR: '1', ...(echoStderr ? { HEARTH_LOG_CONSOLE: '1' } : {}) },
    onStderr: echoStderr ? (chunk) => process.stderr.write(chunk) : undefined,
  });
  if (figures.timedOut) throw new Error(`timed out after ${Math.round(ctx.timeoutMs / 1000)} s`);
  if (figures.code !== 0 || !existsSync(reportFile)) {
    throw new Error(lastWords(figures) || `exited with ${figures.code ?? figures.signal}`);
  }
  return { report: JSON.parse(readFileSync(reportFile, 'utf8')) as ChildReport, figures };
}

/** The usual row for a child that OCRs each file once: texts scored, latencies, whole and steady throughput. */
export function rowFromChild(ctx: BenchContext, name: string, run: ChildRun, headline: 'whole' | 'steady'): ContenderResult {
  const { report, figures } = run;
  const n = report.outcomes.length;
  const texts = Object.fromEntries(report.outcomes.map((o) => [o.file, o.text]));
  const errors = report.outcomes.filter((o) => o.error !== undefined);
  const steady = report.measuredS > 0 ? n / report.measuredS : undefined;
  const whole = figures.wallS > 0 ? n / figures.wallS : undefined;
  return {
    name,
    images: n,
    imagesPerS: headline === 'whole' ? whole : steady,
    steadyImagesPerS: steady,
    latenciesMs: report.outcomes.map((o) => o.ms),
    cpuS: figures.cpuS ?? undefined,
    wallS: figures.wallS,
    peakRssMb: figures.peakRssMb ?? undefined,
    cer: setCer(ctx.dataset, texts),
    texts,
    errors: errors.length,
    note: errors.length ? `first error: ${errors[0].error?.slice(0, 80)}` : `load ${report.loadS.toFixed(1)} s`,
  };
}

/** The figures of a child's measured phase (timed after load and warm-up): throughput, latencies, CPU, RSS. */
export function measuredPhase(
  run: ChildRun,
): Pick<ContenderResult, 'images' | 'imagesPerS' | 'steadyImagesPerS' | 'latenciesMs' | 'cpuS' | 'wallS' | 'peakRssMb'> {
  const { report, figures } = run;
  const n = report.outcomes.length;
  return {
    images: n,
    imagesPerS: n / report.measuredS,
    steadyImagesPerS: n / report.measuredS,
    latenciesMs: report.outcomes.map((o) => o.ms),
    cpuS: report.measuredCpuS,
    wallS: report.measuredS,
    peakRssMb: figures.peakRssMb ?? undefined,
  };
}

/** A child run as a row, or the reason it failed. */
export async function childRow(
  ctx: BenchContext,
  name: string,
  script: string,
  headline: 'whole' | 'steady',
  options: Record<string, unknown> = {},
): Promise<ContenderResult> {
  try {
    return rowFromChild(ctx, name, await runChild(ctx, script, options), headline);
  } catch (err) {
    return failed(name, ctx.dataset.files.length, err);
  }
}

/**
 * The environment without HEARTH_STORE_KEY: a whole-process Hearth run then gets a generated raw store key, as a
 * person's headless store does, instead of deriving one from a passphrase.
 */
export function withoutStoreKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { HEARTH_STORE_KEY: _key, ...rest } = env;
  return rest;
}

/** The meaningful end of a failed process's stderr (skips Node's "Node.js vXX" trailer and stack frames). */
export function lastWords(figures: ProcessFigures): string {
  const lines = figures.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^at\s/.test(l) && !/^Node\.js v\d/.test(l) && !/^\^+$/.test(l));
  const error = [...lines].reverse().find((l) => /error|cannot|failed|not found|missing/i.test(l));
  return (error ?? lines[lines.length - 1] ?? '').slice(0, 200);
}
