// `hearth ocr <file-or-folder>...`: a durable job in the data dir (re-running the same command continues it),
// a progress bar on stderr, and every file's result once in jsonl/csv/txt. Exit 0 when every file was processed.
import type { Command } from 'commander';
import { createWriteStream, readdirSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { AppError, isAppError } from '../appError';
import { EXPORT_FORMATS, PDF_EXPORT, type ExportFormat, type Job } from '../contract/jobs';
import type { ProviderName } from '../engine/providers';
import { isImagePath } from '../jobs/scan';
import { clock, recordSpan, timed } from '../startupTimings';
import { configFrom, parseProvider, PROVIDER_OPTION_HELP, runCommand, UsageError } from './common';
import { createProgressView } from './progress';

interface OcrFlags {
  out?: string;
  format?: string;
  recursive?: boolean;
  data?: string;
  server?: string;
  key?: string;
  local?: boolean;
  provider?: ProviderName;
  classify?: string;
}

/**
 * How many images the paths hold at most, looked up cheaply before the store opens (files named, and images
 * directly in folders named); undefined when a recursive scan would be needed to tell.
 */
export function imageCountHint(paths: readonly string[], recursive: boolean): number | undefined {
  let n = 0;
  for (const p of paths) {
    try {
      if (statSync(p).isFile()) n += isImagePath(p) ? 1 : 0;
      else if (recursive) return undefined;
      else n += readdirSync(p, { withFileTypes: true }).filter((e) => e.isFile() && isImagePath(e.name)).length;
    } catch {
      // Missing or unreadable: the job reports it per file.
    }
  }
  return n;
}

/**
 * Images each automatically chosen worker should have before one more is worth its start (its code and
 * sessions). Below it one worker using every core finished sooner: on the shared 2-core machine 2 and 4 line
 * images took 6.4 and 6.1 s in one worker against 8.5 and 8.6 s in two. Kept low because a page costs several
 * line images, and on an idle machine two single-threaded workers keep both cores busier through the steps
 * outside ONNX Runtime.
 */
export const IMAGES_PER_WORKER = 4;

/**
 * Workers for a local run: as configured, but no more than there are images; automatically (configured 0) one
 * per core, and one per IMAGES_PER_WORKER images for a run known to be smaller.
 */
export function workersFor(configured: number, images: number | undefined, cores = availableParallelism()): number {
  if (images === undefined) return configured > 0 ? configured : cores;
  const width = configured > 0 ? Math.min(configured, images) : Math.min(cores, Math.ceil(images / IMAGES_PER_WORKER));
  return Math.max(1, width);
}

/** Failed files listed on stderr at the end; the rest are counted. */
const LISTED_FAILURES = 20;

function formatOf(flags: OcrFlags): ExportFormat | typeof PDF_EXPORT {
  if (flags.format !== undefined) {
    if (flags.format === PDF_EXPORT) return PDF_EXPORT;
    if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format)) {
      throw new UsageError(`--format must be one of ${[...EXPORT_FORMATS, PDF_EXPORT].join(', ')}`);
    }
    return flags.format as ExportFormat;
  }
  const ext = flags.out?.match(/\.(jsonl|csv|txt|md|pdf)$/i)?.[1]?.toLowerCase();
  return (ext as ExportFormat | typeof PDF_EXPORT | undefined) ?? 'jsonl';
}

async function writeAll(chunks: Iterable<string>, out: NodeJS.WritableStream): Promise<void> {
  let buffer = '';
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 64 * 1024) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  if (buffer && !out.write(buffer)) await once(out, 'drain');
}

async function run(paths: string[], flags: OcrFlags): Promise<void> {
  if (paths.length === 0) throw new UsageError('give at least one file or folder');
  if (flags.key && !flags.server) throw new UsageError('--key goes with --server');
  if (flags.local && flags.server) throw new UsageError('--local and --server exclude each other');
  if (flags.provider && flags.server) throw new UsageError('--provider chooses how this machine recognises: it does not go with --server');
  const format = formatOf(flags);
  if (format === PDF_EXPORT && !flags.out && process.stdout.isTTY)
    throw new UsageError('--format pdf writes a binary file: give --out FILE.pdf');
  const config = configFrom({ dataDir: flags.data, engine: { provider: flags.provider } });
  if (flags.server) {
    try {
      new URL(flags.server);
    } catch {
      throw new UsageError(`--server must be a URL such as http://host:8686, not "${flags.server}"`);
    }
  }

  // Where recognition runs: --server, else the node already serving this data dir, else this process.
  let remote: { url: string; key?: string } | undefined;
  if (flags.server) remote = { url: flags.server, key: flags.key };
  else if (!flags.local) {
    const { findRunningNode } = await import('../runningNode');
    const found = await timed('look for a running node', () => findRunningNode(config.dataDir));
    if (found) remote = { url: found.url };
  }
  if (remote) void import('../engine/prestart').then((m) => m.dropPrestartedWorker());
  process.stderr.write(
    remote
      ? `hearth: recognising on the node at ${remote.url}${flags.server ? '' : ' (running on this machine; --local to recognise in this process)'}\n`
      : 'hearth: recognising in this process\n',
  );

  let fatal: Error | undefined;
  let engineClose: () => Promise<void> = async () => {};
  let stopping: Promise<void> | undefined;
  let jobs: import('../jobs').JobService | undefined;
  let store: import('../store').Store | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      await jobs?.close();
      await engineClose();
      store?.close();
    })());
  // Resolves (with null) when a signal or a fatal remote error stopped the run before the job ended.
  let halted: (value: null) => void = () => {};
  const haltedRun = new Promise<null>((r) => (halted = r));
  const halt = (): void => void shutdown().then(() => halted(null));

  try {
    let recogniser: import('../jobs').Recogniser;
    let tagger: import('../jobs').Tagger | undefined;
    if (remote) {
      if (flags.classify) {
        const { createRemoteTagger } = await import('../jobs/remoteRecogniser');
        const remoteTagger = createRemoteTagger(remote);
        try {
          await remoteTagger.prepare(flags.classify);
        } catch (err) {
          if (isAppError(err) && err.status < 500) throw new UsageError(err.message);
          throw err;
        }
        tagger = remoteTagger.tagger;
      }
      const [{ createRemoteRecogniser }, { loopbackFetch }] = await Promise.all([
        import('../jobs/remoteRecogniser'),
        import('../loopbackFetch'),
      ]);
      recogniser = createRemoteRecogniser({
        url: remote.url,
        key: remote.key,
        // The node found on this machine is reached over node:http; --server through fetch (TLS, proxies).
        fetch: flags.server ? undefined : loopbackFetch,
        concurrency: config.engine.workers || 4,
        onFatal: (err) => {
          fatal = err;
          halt();
        },
      });
    } else {
      // Few images: one worker with every core's thread (workersFor). The engine starts loading
      // now, beside the store opening on this thread; an unchanged re-run stops it again without using it.
      const images = imageCountHint(paths, Boolean(flags.recursive));
      const workers = workersFor(config.engine.workers, images);
      const [{ createEngine }, { engineCacheDir }, { dropPrestartedWorker, takePrestartedWorker }, { chooseProvider }] = await Promise.all([
        import('../engine'),
        import('../engine/cacheEntries'),
        import('../engine/prestart'),
        import('../engine/providerChoice'),
      ]);
      let starting: Promise<import('../engine').Engine> | undefined;
      const timedChoice = async (): ReturnType<typeof chooseProvider> => {
        const t = clock();
        const choice = await chooseProvider({ dataDir: config.dataDir, forced: config.engine.provider });
        // Measured once per data dir and machine (then kept in providers.json): shown when this run paid for it.
        if (choice.measuredAt && !choice.cached) recordSpan('execution providers measured', t);
        return choice;
      };
      const stop = new AbortController();
      const boot = (): Promise<import('../engine').Engine> =>
        (starting ??= timedChoice().then((choice) => {
          // A run that turned out to need no recognition stopped the engine while the provider was chosen.
          stop.signal.throwIfAborted();
          return createEngine({
            workers,
            threadsPerWorker: config.engine.threadsPerWorker,
            queueDepth: config.engine.queueDepth,
            cacheEntries: config.engine.cacheEntries,
            providers: [choice.provider],
            why: choice.why,
            cacheDir: engineCacheDir(config.dataDir),
            signal: stop.signal,
            prestarted: takePrestartedWorker(),
            layout: config.ocr.layout,
          });
        }));
      if (images !== 0) boot().catch(() => undefined);
      const engine = (): Promise<import('../engine').Engine> =>
        boot().catch((err: unknown) => {
          if (!fatal) {
            fatal = new Error(`cannot start the OCR engine: ${(err as Error).message}`);
            halt();
          }
          throw new AppError('shutting_down', 503, fatal.message);
        });
      engineClose = async () => {
        // A run that needed no recognition (nothing new since the last run) stops a starting engine at once.
        stop.abort();
        await dropPrestartedWorker();
        if (starting) await (await starting.catch(() => null))?.close();
      };
      let first = true;
      recogniser = {
        stats: () => ({ workers }),
        ocr: async (image, o) => {
          const t = clock();
          const result = await (await engine()).ocr(image, o);
          if (first) recordSpan('first image (from the job, engine wait included)', t);
          first = false;
          return result;
        },
        pdfPages: async (pdf, o) => (await engine()).pdfPages(pdf, o),
        ocrPdfPage: async (pdf, page, o) => (await engine()).ocrPdfPage(pdf, page, o),
      };
      if (flags.classify) {
        const [{ openModelRepository }, { classifyDocPage, docTypeSpec }] = await Promise.all([
          import('../engine/models/repository'),
          import('../engine/models/docType'),
        ]);
        const repository = openModelRepository({ dataDir: config.dataDir });
        // The engine starts when the first item needs it; tags wait for it like readings do.
        const runner: Pick<import('../engine').Engine, 'run'> = {
          run: (task, payload, o) => engine().then((e) => e.run(task, payload, o)),
        };
        tagger = {
          check: (model) => void docTypeSpec(model, repository.resolve(model).manifest),
          async tag(model, bytes, page, text) {
            const r = repository.resolve(model);
            const { labels } = await classifyDocPage(
              runner,
              { id: model, modelPath: r.modelPath, labels: r.labels, manifest: r.manifest, idleMs: config.modelIdleMinutes * 60_000 },
              { bytes, page: page || undefined },
              { topK: 1, text, bulk: true },
            );
            return labels[0];
          },
        };
      }
    }

    // Loaded here, not at the top, so `hearth --help` and other commands start fast.
    const [{ openStore }, { createJobService }] = await Promise.all([import('../store'), import('../jobs')]);
    store = await timed('store open', () =>
      openStore({ dataDir: config.dataDir, key: config.storeKey, retention: () => config.retention }),
    );
    const service = (jobs = createJobService({ store, engine: recogniser, config, tagger }));

    let started: { job: Job; resumed: boolean };
    try {
      started = jobs.resumeOrCreate({ paths, recursive: Boolean(flags.recursive), origin: 'cli', keyId: null, classify: flags.classify });
    } catch (err) {
      if (isAppError(err) && (err.status === 400 || err.status === 404)) throw new UsageError(err.message);
      throw err;
    }
    const { job, resumed } = started;
    if (resumed) process.stderr.write(`hearth: continuing the interrupted run of these files (job ${job.id})\n`);

    const view = createProgressView({ stream: process.stderr, startedWith: job, sources: () => service.sources(job.id) });
    const off = jobs.subscribe(job.id, view.update);

    // Ctrl-C / SIGTERM: finish the files in flight (their results are kept), stop, exit; the same command continues.
    let interrupted = false;
    const onSignal = (): void => {
      interrupted = true;
      halt();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    const end = await Promise.race([jobs.settled(job.id), haltedRun]);
    off();
    view.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);

    if (end === null) {
      if (fatal) throw new Error(`${fatal.message}; run the same command again to continue`);
      process.stderr.write('hearth: stopped; run the same command again to continue where it stopped\n');
      process.exitCode = interrupted ? 130 : 1;
      return;
    }
    if (end.state === 'failed') throw new Error(end.error?.message ?? 'the job failed');

    const out: NodeJS.WritableStream = flags.out ? createWriteStream(flags.out) : process.stdout;
    if (format === PDF_EXPORT) {
      const pdf = await jobs.exportPdf(job.id);
      if (!out.write(pdf)) await once(out, 'drain');
    } else {
      await writeAll(jobs.export(job.id, format), out);
    }
    if (flags.out) {
      const file = out as WriteStream;
      file.end();
      await once(file, 'finish');
    }

    const items = jobs.items(job.id, 0, Number.MAX_SAFE_INTEGER).items.filter((i) => i.state !== 'done');
    for (const i of items.slice(0, LISTED_FAILURES)) {
      const where = i.page !== undefined ? `${i.file} (page ${i.page})` : i.file;
      view.line(`hearth: ${where}: ${i.error?.message ?? 'not processed'}${i.error ? ` (${i.error.code})` : ''}`);
    }
    if (items.length > LISTED_FAILURES) view.line(`hearth: … and ${items.length - LISTED_FAILURES} more failed`);
    if (end.state === 'cancelled') {
      view.line('hearth: the job was cancelled before every file was processed');
      process.exitCode = 1;
    }
    view.summary(end);
  } finally {
    await shutdown();
  }
}

export function registerOcr(program: Command): void {
  program
    .command('ocr')
    .description('recognise text in images and folders of images; resumable, with a progress bar on stderr')
    .argument('<paths...>', 'image files and/or folders (jpg jpeg png webp tif tiff bmp gif)')
    .option('--out <file>', 'write results here (default stdout)')
    .option(
      '--format <format>',
      'jsonl, csv, txt, md (Markdown), tables (CSV of table cells) or pdf (searchable PDF; default jsonl, or from the --out extension)',
    )
    .option('--recursive', 'include images in subfolders')
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .option('--server <url>', 'recognise on this Hearth node instead of locally')
    .option('--key <key>', 'API key for --server')
    .option('--local', 'recognise in this process even when a node is running on this machine')
    .option('--provider <name>', PROVIDER_OPTION_HELP, parseProvider)
    .option(
      '--classify <model>',
      'tag every file (each PDF page) with its type by this document-type classifier: a "label" in jsonl, columns in csv',
    )
    .action((paths: string[], flags: OcrFlags) => runCommand(() => run(paths, flags)));
}
