// Hearth's engine in-process (one child process, timed after model load), and the long-run memory check
// that cycles the set to 1,000 images with the cache off.
import { setCer } from '../score';
import { measuredPhase, runChild, type ChildRun } from './child';
import { failed, THROUGHPUT_PASSES, type BenchContext, type ContenderResult } from './types';
import type { ImageShape } from '../children/hearthEngine';

export interface InProcessRun {
  row: ContenderResult;
  /** Per-image sizes and line boxes, for the bare-session limit. */
  shapes: ImageShape[];
  workers: number;
  providers: string[];
}

function summary(ctx: BenchContext, name: string, run: ChildRun): ContenderResult {
  const { report } = run;
  const texts = Object.fromEntries(report.outcomes.filter((o) => o.text !== undefined).map((o) => [o.file, o.text]));
  const errors = report.outcomes.filter((o) => o.error !== undefined);
  const workers = Number(report.extra?.workers);
  const providers = (report.extra?.providers as string[] | undefined)?.join(',') ?? '?';
  return {
    name,
    // The measured phase only: load and warm-up are the whole-process row's business.
    ...measuredPhase(run),
    cer: setCer(ctx.dataset, texts),
    texts,
    errors: errors.length,
    note: [
      `${workers} workers, ${providers}`,
      `load ${report.loadS.toFixed(1)} s`,
      errors.length ? `first error: ${errors[0].error?.slice(0, 80)}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
}

export async function hearthInProcess(ctx: BenchContext): Promise<InProcessRun> {
  const name = 'Hearth engine in-process';
  try {
    const run = await runChild(ctx, 'hearthEngine', { total: ctx.dataset.files.length * THROUGHPUT_PASSES, providers: [ctx.provider] });
    return {
      row: summary(ctx, name, run),
      shapes: (run.report.extra?.shapes as ImageShape[] | undefined) ?? [],
      workers: Number(run.report.extra?.workers) || 1,
      providers: (run.report.extra?.providers as string[] | undefined) ?? [],
    };
  } catch (err) {
    return { row: failed(name, ctx.dataset.files.length, err), shapes: [], workers: 0, providers: [] };
  }
}

/** Cycles the set to `total` images (cache off) and compares RSS after 100 with RSS at the end. */
export async function hearthRss(ctx: BenchContext, total: number): Promise<ContenderResult> {
  const name = `Hearth in-process ×${total} (RSS)`;
  const first = Math.min(100, total);
  try {
    // A long run: allow about 2 s an image on a busy 2-core machine before calling it stuck.
    const run = await runChild({ ...ctx, timeoutMs: Math.max(ctx.timeoutMs, total * 2000) }, 'hearthEngine', {
      total,
      checkpoints: [first, total],
      providers: [ctx.provider],
    });
    const row = summary(ctx, name, run);
    const rss = (run.report.extra?.rss ?? {}) as Record<string, number>;
    const a = rss[String(first)];
    const b = rss[String(total)];
    return {
      ...row,
      // CER is of the first pass (the set once); the rest are repeats.
      extra: { rssAt100Mb: a, rssAtEndMb: b, total },
      note: `RSS after ${first}: ${a?.toFixed(0)} MB, after ${total}: ${b?.toFixed(0)} MB; ${row.note}`,
    };
  } catch (err) {
    return failed(name, total, err);
  }
}
