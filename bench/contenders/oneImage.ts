// One image, whole process, as a person runs OCR on a screenshot: every contender started fresh on the
// same image, best of several runs. Hearth three ways: a fresh data dir (graphs rewritten and optimised on
// the way, "cold-ish": the OS file cache is warm), a fresh data dir holding the prepared graphs of an earlier
// run, and with a node already running on the data dir (the warm path). Also Hearth's start-up breakdown.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { ChildReport } from '../children/protocol';
import { runMeasured, type ProcessFigures } from '../measure';
import { listeningUrlIn } from '../../server/contract/listening';
import { cer } from '../../server/testkit/cer';
import { lastWords, withoutStoreKey } from './child';
import { preparedDataDir } from './preparedData';
import type { BenchContext } from './types';

export interface OneImageRow {
  name: string;
  /** Wall seconds of every run, in order; the best is the headline. */
  runsS: number[];
  cpuS?: number;
  peakRssMb?: number;
  /** CER of the best run's text against the truth. */
  cer?: number;
  error?: string;
}

export interface OneImageResult {
  image: string;
  rows: Record<'coldish' | 'cached' | 'warm' | 'gutenye' | 'paddleocr' | 'tesseract', OneImageRow>;
  /** HEARTH_DEBUG=startup table of a run with prepared graphs. */
  breakdown?: string;
}

interface Run {
  figures: ProcessFigures;
  text?: string;
  error?: string;
}

const TESSERACT = ['/usr/bin/tesseract', '/usr/local/bin/tesseract'];

/** Best of `repeats` runs as a row; the first failure ends the row with its reason. */
async function bestOf(name: string, repeats: number, truth: string, run: (i: number) => Promise<Run>): Promise<OneImageRow> {
  const runs: Run[] = [];
  for (let i = 0; i < repeats; i++) {
    const r = await run(i);
    if (r.error) return { name, runsS: runs.map((x) => x.figures.wallS), error: r.error };
    runs.push(r);
  }
  const best = runs.reduce((a, b) => (b.figures.wallS < a.figures.wallS ? b : a));
  return {
    name,
    runsS: runs.map((r) => r.figures.wallS),
    cpuS: best.figures.cpuS ?? undefined,
    peakRssMb: best.figures.peakRssMb ?? undefined,
    cer: best.text === undefined ? undefined : cer(truth, best.text).cer,
  };
}

function hearthArgs(ctx: BenchContext, image: string, data: string, ...extra: string[]): string[] {
  return [join(ctx.root, 'bin', 'hearth.js'), 'ocr', image, '--data', data, '--format', 'txt', ...extra];
}

/** stdout of `--format txt` for one file: a "==> file <==" line, then the text. */
function txtText(stdout: string): string {
  return stdout.replace(/^==> .* <==\n/, '').trimEnd();
}

async function hearthRun(ctx: BenchContext, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const figures = await runMeasured(process.execPath, args, {
    cwd: ctx.root,
    timeoutMs: ctx.timeoutMs,
    env: { ...withoutStoreKey(process.env), NO_COLOR: '1', ...env },
  });
  if (figures.code !== 0) return { figures, error: lastWords(figures) || `exited with ${figures.code ?? figures.signal}` };
  return { figures, text: txtText(figures.stdout) };
}

/** A peer's bench child bundled to plain JS beside node_modules, so its start-up is not tsx compiling TypeScript. */
async function compiledChild(ctx: BenchContext, script: string): Promise<string> {
  const outfile = join(ctx.root, 'node_modules', '.cache', 'hearth-bench', `${script}.mjs`);
  await build({
    entryPoints: [join(ctx.root, 'bench', 'children', `${script}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return outfile;
}

async function peerRun(ctx: BenchContext, compiled: string, image: string, i: number): Promise<Run> {
  const reportFile = join(ctx.tmp, `one-${Date.now()}-${i}.report.json`);
  const jobFile = `${reportFile}.job.json`;
  writeFileSync(jobFile, JSON.stringify({ dir: ctx.dataset.dir, files: [image], reportFile }));
  const figures = await runMeasured(process.execPath, [compiled, jobFile], {
    cwd: ctx.root,
    timeoutMs: ctx.timeoutMs,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (figures.code !== 0 || !existsSync(reportFile))
    return { figures, error: lastWords(figures) || `exited with ${figures.code ?? figures.signal}` };
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ChildReport;
  const outcome = report.outcomes[0];
  return outcome?.error ? { figures, error: outcome.error } : { figures, text: outcome?.text ?? '' };
}

/** `hearth serve` on `data` until stop() is called; resolves once it listens. */
async function startNode(ctx: BenchContext, data: string): Promise<{ url: string; stop(): Promise<void> }> {
  const env = withoutStoreKey(process.env);
  const child = spawn(process.execPath, [join(ctx.root, 'bin', 'hearth.js'), 'serve', '--port', '0', '--data', data], {
    cwd: ctx.root,
    env: { ...env, HEARTH_LOG_CONSOLE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const url = listeningUrlIn(out);
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`hearth serve exited with ${code} before listening`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function oneImage(ctx: BenchContext, repeats: number): Promise<OneImageResult> {
  const file = ctx.dataset.files[0];
  const image = join(ctx.dataset.dir, file);
  const truth = ctx.dataset.truth[file] ?? '';
  const scratch = join(ctx.tmp, `one-image-${Date.now()}`);
  mkdirSync(scratch, { recursive: true });
  let n = 0;
  const freshDir = (): string => join(scratch, `data-${n++}`);

  ctx.say('  Hearth, fresh data dir…');
  const coldish = await bestOf('Hearth `hearth ocr one.png`, fresh data dir (cold-ish)', repeats, truth, () =>
    hearthRun(ctx, hearthArgs(ctx, image, freshDir(), '--local')),
  );
  // What a second run on this machine finds: the graph cache and the measured provider choice, in a new data dir
  // each run (a new store, so the image is read again).
  const withCache = (): Promise<string> => preparedDataDir(ctx, freshDir());
  ctx.say('  Hearth, prepared graphs…');
  const cached = await bestOf('Hearth `hearth ocr one.png`, prepared graphs', repeats, truth, () =>
    withCache().then((dir) => hearthRun(ctx, hearthArgs(ctx, image, dir, '--local'))),
  );
  const traced = await hearthRun(ctx, hearthArgs(ctx, image, await withCache(), '--local'), { HEARTH_DEBUG: 'startup' });
  const breakdown = /start-up \(ms from process start\):[\s\S]*$/.exec(traced.figures.stderr)?.[0];

  ctx.say('  Hearth with a running node…');
  const nodeData = await withCache();
  // The node's result cache off: each run is recognised, not answered from memory.
  writeFileSync(join(nodeData, 'config.json'), JSON.stringify({ engine: { cacheEntries: 0 } }));
  let warm: OneImageRow;
  try {
    const node = await startNode(ctx, nodeData);
    try {
      warm = await bestOf('Hearth `hearth ocr one.png`, node running (warm path)', repeats, truth, async (i) => {
        // A new file name each run: the same path again would be an unchanged re-run (results reused).
        const copy = join(scratch, `warm-${i}-${file}`);
        copyFileSync(image, copy);
        const run = await hearthRun(ctx, hearthArgs(ctx, copy, nodeData));
        if (!run.error && !run.figures.stderr.includes(`recognising on the node at ${node.url}`)) {
          return { ...run, error: 'hearth ocr did not use the running node' };
        }
        return run;
      });
    } finally {
      await node.stop();
    }
  } catch (err) {
    warm = { name: 'Hearth `hearth ocr one.png`, node running (warm path)', runsS: [], error: (err as Error).message };
  }

  const peer = async (name: string, script: string): Promise<OneImageRow> => {
    ctx.say(`  ${name}…`);
    try {
      const compiled = await compiledChild(ctx, script);
      return await bestOf(name, repeats, truth, (i) => peerRun(ctx, compiled, file, i));
    } catch (err) {
      return { name, runsS: [], error: (err as Error).message.split('\n')[0] };
    }
  };
  const gutenye = await peer('@gutenye/ocr-node, one image', 'gutenyeOcr');
  const paddleocr = await peer('paddleocr npm, one image', 'paddleOcr');
  const bin = TESSERACT.find((p) => existsSync(p));
  const tesseract: OneImageRow = bin
    ? await bestOf('tesseract chi_sim+eng, one image', repeats, truth, async () => {
        const figures = await runMeasured(bin, [image, 'stdout', '-l', 'chi_sim+eng'], { timeoutMs: ctx.timeoutMs });
        return figures.code === 0
          ? { figures, text: figures.stdout.trim() }
          : { figures, error: lastWords(figures) || `exited with ${figures.code}` };
      })
    : { name: 'tesseract chi_sim+eng, one image', runsS: [], error: 'not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)' };

  return { image: file, rows: { coldish, cached, warm, gutenye, paddleocr, tesseract }, breakdown };
}

/** The one-image table: best and every run's seconds, CPU, RSS, CER of the best run. */
export function renderOneImage(result: OneImageResult): string {
  const rows = Object.values(result.rows);
  const cells = rows.map((r) =>
    r.error
      ? [r.name, '–', '–', '–', '–', '–', `FAILED: ${r.error}`]
      : [
          r.name,
          Math.min(...r.runsS).toFixed(2),
          r.runsS.map((s) => s.toFixed(2)).join(' '),
          r.cpuS?.toFixed(2) ?? '–',
          r.peakRssMb?.toFixed(0) ?? '–',
          r.cer === undefined ? '–' : (r.cer * 100).toFixed(2),
          '',
        ],
  );
  const head = ['one image, whole process', 'best s', 'runs s', 'CPU s', 'peak RSS MB', 'CER %', 'note'];
  const all = [head, ...cells];
  const widths = head.map((_, i) => Math.max(...all.map((c) => [...c[i]].length)));
  const line = (c: string[]): string =>
    c
      .map((v, i) => (i === 0 || i === 2 || i === c.length - 1 ? v.padEnd(widths[i]) : v.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** Best seconds of a row, or undefined when it failed. */
export function bestSeconds(r: OneImageRow | undefined): number | undefined {
  return r && !r.error && r.runsS.length ? Math.min(...r.runsS) : undefined;
}
