// `npm run bench`: renders (or reuses) an image set, runs every contender in its own process, one after
// another, and prints one table plus the speed targets Hearth holds itself to. Never fails on timing: exit 0 unless
// the bench itself cannot run (bad flags, no image set).
//
//   npm run bench                          60 images, every contender, RSS check over 1,000 images
//   npm run bench -- --images 6 --quick    a fast look while developing (no RSS check)
//   npm run bench -- --only cli,gutenye    some contenders (ids: cli, inproc, bare, http, gutenye, paddleocr, tesseract, rss, one)
//   npm run bench -- --only one --repeats 5   one image per whole process for every contender, best of 5
//   npm run bench -- --dataset DIR         your own folder of images with truth.json ({ "file.png": "text" })
//   npm run bench -- --real                screenshots of real documents (English, Chinese) in Chromium instead of
//                                          the rendered set; CER by error class next to the peers
//   npm run bench -- --cluster             one node vs two nodes through NATS, and this machine's ceiling for two nodes,
//                                          best of --repeats rounds (needs nats-server)
//   npm run bench -- --train               training time: a document-type classifier and an image classifier on
//                                          60 rendered pages (examples/s embedded, seconds to fit)
//   npm run bench -- --pages               whole pages (prose, two columns, turned pages, a receipt), CER in reading order
//   npm run bench -- --pages single        single-column prose pages only
//   npm run bench -- --json FILE           also write the rows and ratio lines as JSON (for CI artefacts, charts)
//   npm run bench -- --provider webgpu     Hearth's rows on that execution provider (default cpu; see `hearth doctor`)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterBench } from './cluster';
import { trainBench } from './train';
import { bareLimit } from './contenders/bare';
import { hearthCli } from './contenders/hearthCli';
import { hearthHttp } from './contenders/hearthHttp';
import { hearthInProcess, hearthRss, type InProcessRun } from './contenders/hearthInProcess';
import { oneImage, renderOneImage, type OneImageResult } from './contenders/oneImage';
import { gutenyeOcr, paddleOcr, tesseract } from './contenders/peers';
import { THROUGHPUT_PASSES, type BenchContext, type ContenderResult } from './contenders/types';
import { ensureDataset, ensurePageSet, readCategories, readDataset, type BenchDataset } from './dataset';
import { classLines } from './errorClasses';
import { ensureRealTextSet } from './realText';
import { percentile } from './measure';
import { oneImageRatioLines, ratioLines, TARGETS_HEADING, type Rows } from './ratios';
import { renderTable } from './table';
import { isProviderName, PROVIDER_NAMES } from '../server/engine/providers';
import { optOutOfOnnxTelemetry } from '../server/engine/onnxTelemetry';

// The peers load the same ONNX Runtime as Hearth, which reports to Microsoft unless told not to: every contender
// (each a child of this process) runs with the opt-out Hearth sets for itself, so none pays for it alone.
optOutOfOnnxTelemetry();

const SELECTABLE = ['cli', 'inproc', 'bare', 'http', 'gutenye', 'paddleocr', 'tesseract', 'rss', 'one'] as const;
type Selectable = (typeof SELECTABLE)[number];

interface Flags {
  images: number;
  quick: boolean;
  dataset?: string;
  real: boolean;
  pages?: 'all' | 'single';
  only: Set<Selectable>;
  rssImages: number;
  timeoutMs: number;
  keep: boolean;
  json?: string;
  /** Whole-process runs per contender in the one-image rows (the best counts). */
  repeats: number;
  cluster: boolean;
  train: boolean;
  provider: string;
}

function parseFlags(argv: string[]): Flags {
  // `--pages` may be followed by the word "single".
  const pagesAt = argv.indexOf('--pages');
  const single = pagesAt >= 0 && argv[pagesAt + 1] === 'single';
  if (single) argv = [...argv.slice(0, pagesAt + 1), ...argv.slice(pagesAt + 2)];
  const { values } = parseArgs({
    args: argv,
    options: {
      images: { type: 'string', default: '60' },
      quick: { type: 'boolean', default: false },
      dataset: { type: 'string' },
      real: { type: 'boolean', default: false },
      pages: { type: 'boolean', default: false },
      only: { type: 'string' },
      'rss-images': { type: 'string', default: '1000' },
      timeout: { type: 'string', default: '900' },
      keep: { type: 'boolean', default: false },
      json: { type: 'string' },
      repeats: { type: 'string', default: '3' },
      cluster: { type: 'boolean', default: false },
      train: { type: 'boolean', default: false },
      provider: { type: 'string', default: 'cpu' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench -- [--images N] [--quick] [--dataset DIR | --real | --pages [single]] [--only ids] [--rss-images N] [--repeats N] [--timeout SECONDS] [--keep] [--json FILE] [--cluster] [--train] [--provider NAME]\n' +
        `  ids: ${SELECTABLE.join(', ')}\n`,
    );
    process.exit(0);
  }
  const images = Number(values.images);
  const rssImages = Number(values['rss-images']);
  const timeout = Number(values.timeout);
  if (!Number.isInteger(images) || images < 1) throw new Error('--images takes a whole number ≥ 1');
  if (!Number.isInteger(rssImages) || rssImages < 100) throw new Error('--rss-images takes a whole number ≥ 100');
  if (!(timeout > 0)) throw new Error('--timeout takes seconds > 0');
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats takes a whole number ≥ 1');
  const only = new Set<Selectable>(values.only ? (values.only.split(',').map((s) => s.trim()) as Selectable[]) : SELECTABLE);
  for (const id of only)
    if (!SELECTABLE.includes(id)) throw new Error(`--only: unknown contender "${id}" (one of ${SELECTABLE.join(', ')})`);
  if (values.quick) only.delete('rss');
  if (!isProviderName(values.provider)) throw new Error(`--provider: one of ${PROVIDER_NAMES.join(', ')}`);
  // The bare-session limit starts sessions in several threads at once, which a GPU provider may not do.
  if (values.provider !== 'cpu') only.delete('bare');
  if ([values.real, values.pages, values.dataset].filter(Boolean).length > 1)
    throw new Error('--real, --pages and --dataset each choose the image set: give one');
  const pages = values.pages ? (single ? 'single' : 'all') : undefined;
  return {
    images,
    quick: values.quick,
    dataset: values.dataset,
    real: values.real,
    pages,
    only,
    rssImages,
    timeoutMs: timeout * 1000,
    keep: values.keep,
    json: values.json,
    repeats,
    cluster: values.cluster,
    train: values.train,
    provider: values.provider,
  };
}

function say(message: string): void {
  process.stderr.write(`${message}\n`);
}

function header(dataset: BenchDataset, flags: Flags, loadBefore: number[]): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `Hearth bench — ${new Date().toISOString()}`,
    `machine: ${availableParallelism()} cores (${cpu}), Node ${process.version}, load average at start ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
    `Hearth's execution provider: ${flags.provider}${flags.provider === 'cpu' ? '' : ' (no bare-session row: it starts sessions in several threads)'}`,
    `image set: ${dataset.files.length} images, ${(dataset.bytes / 1024).toFixed(0)} KiB, ${dataset.dir}${flags.quick ? ' (--quick: no RSS check)' : ''}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const loadBefore = loadavg();
  if (flags.train) {
    // Its own pages and models: no OCR image set and no bundle build needed.
    const lines = await trainBench(Math.min(4, availableParallelism()), say);
    const load = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' ');
    process.stdout.write(
      [
        '',
        `Hearth bench — ${new Date().toISOString()}, load average at start ${load(loadBefore)}`,
        '',
        ...lines,
        '',
        `load average at end ${load(loadavg())}`,
        '',
      ].join('\n'),
    );
    return;
  }
  say(
    flags.dataset
      ? `reading image set ${flags.dataset}…`
      : flags.pages
        ? `rendering / reusing the ${flags.pages} page set…`
        : `rendering / reusing a ${flags.real ? 'real-text ' : ''}set of ${flags.images} images…`,
  );
  const dataset = flags.dataset
    ? readDataset(flags.dataset)
    : flags.pages
      ? await ensurePageSet(flags.pages)
      : flags.real
        ? await ensureRealTextSet(root, flags.images)
        : await ensureDataset(flags.images);
  // Hearth's whole-process rows run bin/hearth.js, which falls back to compiling the sources with tsx when they
  // are newer than the bundle: build it first so they measure what `npm ci` installs.
  say('building the node bundle…');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-node.js')], { stdio: 'inherit' });
  if (flags.cluster) {
    const lines = await clusterBench(dataset, say, flags.repeats);
    process.stdout.write(
      [
        '',
        header(dataset, flags, loadBefore),
        '',
        ...lines,
        '',
        `load average at end ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
        '',
      ].join('\n'),
    );
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  // Also on Ctrl-C (process.exit skips finally blocks).
  if (!flags.keep) process.once('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const ctx: BenchContext = { dataset, tmp, root, timeoutMs: flags.timeoutMs, say, provider: flags.provider };
  const rows: Rows = {};
  const order: ContenderResult[] = [];
  const record = (id: keyof Rows, row: ContenderResult): void => {
    rows[id] = row;
    order.push(row);
    say(`  → ${row.error ? `failed: ${row.error}` : `${row.imagesPerS?.toFixed(2) ?? '–'} img/s`}`);
  };
  const want = (id: Selectable): boolean => flags.only.has(id);

  // Peers first, then Hearth: every contender runs alone, one after another, on the same folder.
  let one: OneImageResult | undefined;
  try {
    if (want('one')) {
      say(`one image, whole process, best of ${flags.repeats}…`);
      one = await oneImage(ctx, flags.repeats);
    }
    if (want('gutenye')) {
      say('@gutenye/ocr-node…');
      record('gutenye', await gutenyeOcr(ctx));
    }
    if (want('paddleocr')) {
      say('paddleocr…');
      record('paddleocr', await paddleOcr(ctx));
    }
    if (want('tesseract')) {
      say('tesseract…');
      record('tesseract', await tesseract(ctx));
    }
    if (want('cli')) {
      say('hearth ocr <folder>…');
      record('cli', await hearthCli(ctx));
    }
    let inproc: InProcessRun | undefined;
    if (want('inproc') || want('bare')) {
      say('Hearth engine in-process…');
      inproc = await hearthInProcess(ctx);
      record('inproc', inproc.row);
    }
    if (want('bare') && inproc) {
      say('bare-session limit…');
      record('bare', await bareLimit(ctx, { shapes: inproc.shapes, workers: inproc.workers, providers: inproc.providers }));
    }
    if (want('http')) {
      say('Hearth over HTTP…');
      const workers = inproc?.workers || availableParallelism();
      const [h1, h4, h8] = await hearthHttp(ctx, workers * 2);
      record('http1', h1);
      record('http4', h4);
      record('http8', h8);
    }
    if (want('rss')) {
      say(`Hearth in-process over ${flags.rssImages} images (RSS)…`);
      record('rss', await hearthRss(ctx, flags.rssImages));
    }
  } finally {
    if (!flags.keep) rmSync(tmp, { recursive: true, force: true });
  }

  const loadAfter = loadavg();
  const ratios = ratioLines(rows);
  if (flags.json) {
    const summary = order.map(({ latenciesMs, texts: _texts, ...r }) => ({
      ...r,
      p50Ms: percentile(latenciesMs ?? [], 50),
      p95Ms: percentile(latenciesMs ?? [], 95),
    }));
    writeFileSync(
      flags.json,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          cores: availableParallelism(),
          loadBefore,
          loadAfter,
          images: dataset.files.length,
          rows: summary,
          ratios,
          oneImage: one,
        },
        null,
        2,
      ),
    );
  }
  process.stdout.write(
    [
      '',
      header(dataset, flags, loadBefore),
      '',
      renderTable(order),
      '',
      'CER by error class (repeats: run members lost or added; look-alikes: l/I/1, 0/O, c/C, brackets…) and by category:',
      '  (CER compares NFKC forms, so fullwidth and halfwidth punctuation are equal (，= ,), whitespace ignored; "with spaces"',
      '  counts a lost or added word space between Latin words as one edit, spaces beside CJK characters still free)',
      ...classLines(order, dataset.truth, readCategories(dataset.dir)).map((l) => `  ${l}`),
      '',
      'img/s: whole-process rows include start-up and model load; in-process, bare and HTTP rows are timed after load and a warm-up.',
      `in-process and bare rows run the set ${THROUGHPUT_PASSES} times over (CER from the first pass).`,
      'CPU s / cores: whole process for whole-process rows; the measured phase for in-process and bare; the server process for HTTP.',
      '',
      TARGETS_HEADING,
      ...ratios.map((l) => `  ${l}`),
      '',
      ...(one
        ? [
            `One image (${one.image}), each contender started fresh per run, best of ${flags.repeats}:`,
            '',
            renderOneImage(one),
            '',
            ...oneImageRatioLines(one).map((l) => `  ${l}`),
            '',
            one.breakdown ? `Hearth, prepared graphs, HEARTH_DEBUG=startup:\n${one.breakdown}` : 'Hearth start-up breakdown: not captured',
          ]
        : []),
      `load average at end ${loadAfter.map((l) => l.toFixed(2)).join(' ')}${flags.keep ? `; scratch kept in ${tmp}` : ''}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
