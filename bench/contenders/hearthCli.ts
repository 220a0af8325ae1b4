// Hearth as a user runs it on a folder: `hearth ocr <folder> --format jsonl`, one whole process with
// start-up, store open and model load included. Headline: a person's second run on this machine (the prepared
// graphs and provider choice an earlier run left, a new store so no earlier job is resumed); the note gives the
// very first run, in an empty data dir, for comparison.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runMeasured } from '../measure';
import { setCer } from '../score';
import { lastWords, withoutStoreKey } from './child';
import { preparedDataDir } from './preparedData';
import { failed, type BenchContext, type ContenderResult } from './types';

interface JsonlRow {
  file: string;
  text?: string;
  ms?: number;
  provider?: string;
  error?: { code: string; message: string };
}

/** One `hearth ocr <folder>` run on the data dir `data`; its output in `out`. */
function runFolder(ctx: BenchContext, data: string, out: string): ReturnType<typeof runMeasured> {
  return runMeasured(
    process.execPath,
    [
      join(ctx.root, 'bin', 'hearth.js'),
      'ocr',
      ctx.dataset.dir,
      '--format',
      'jsonl',
      '--out',
      out,
      '--data',
      data,
      '--provider',
      ctx.provider,
    ],
    // A generated raw store key, as a person's headless store has: a passphrase would add its key derivation
    // (about 0.3 CPU s) to the run.
    { cwd: ctx.root, timeoutMs: ctx.timeoutMs, env: { ...withoutStoreKey(process.env), NO_COLOR: '1' } },
  );
}

export async function hearthCli(ctx: BenchContext): Promise<ContenderResult> {
  const name = 'Hearth `hearth ocr <folder>` (whole process)';
  const n = ctx.dataset.files.length;
  const first = join(ctx.tmp, `cli-first-${Date.now()}`);
  mkdirSync(first, { recursive: true });
  const firstRun = await runFolder(ctx, first, join(ctx.tmp, 'cli-first.jsonl'));
  const firstNote = firstRun.code === 0 ? `first run in an empty data dir ${(n / firstRun.wallS).toFixed(2)} img/s` : '';
  const data = await preparedDataDir(ctx, join(ctx.tmp, `cli-data-${Date.now()}`));
  const out = join(ctx.tmp, 'cli-out.jsonl');
  const figures = await runFolder(ctx, data, out);
  if (figures.timedOut) return failed(name, n, `timed out after ${Math.round(ctx.timeoutMs / 1000)} s`);
  if (figures.code !== 0 || !existsSync(out)) return failed(name, n, lastWords(figures) || `exited with ${figures.code ?? figures.signal}`);
  const rows = readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as JsonlRow);
  // "file" is relative to the folder given; the set is flat, so the base name is the truth key.
  const texts = Object.fromEntries(rows.filter((r) => r.error === undefined).map((r) => [basename(r.file), r.text ?? '']));
  const errors = rows.filter((r) => r.error !== undefined);
  const missingRows = n - rows.length;
  const providers = [...new Set(rows.map((r) => r.provider).filter(Boolean))].join(',');
  return {
    name,
    images: n,
    imagesPerS: n / figures.wallS,
    latenciesMs: rows.filter((r) => typeof r.ms === 'number').map((r) => r.ms as number),
    cpuS: figures.cpuS ?? undefined,
    wallS: figures.wallS,
    peakRssMb: figures.peakRssMb ?? undefined,
    cer: setCer(ctx.dataset, texts),
    texts,
    errors: errors.length + Math.max(0, missingRows),
    note: [
      `latency = engine ms per image`,
      firstNote,
      providers && `provider ${providers}`,
      errors.length ? `first error: ${errors[0].error?.code}` : '',
      missingRows > 0 ? `${missingRows} files missing from output` : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
}
