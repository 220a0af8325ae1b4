// `hearth ocr <file-or-folder>...`: a durable job in the data dir (re-running the same command continues it),
// a progress bar on stderr, and every file's result once in jsonl/csv/txt. Exit 0 when every file was processed.
import type { Command } from 'commander';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { AppError, isAppError } from '../appError';
import { EXPORT_FORMATS, type ExportFormat, type Job, type JobProgress } from '../contract/jobs';
import type { ProviderName } from '../engine/providers';
import { configFrom, parseProvider, PROVIDER_OPTION_HELP, runCommand, UsageError } from './common';

interface OcrFlags {
  out?: string;
  format?: string;
  recursive?: boolean;
  data?: string;
  server?: string;
  key?: string;
  provider?: ProviderName;
}

/** Failed files listed on stderr at the end; the rest are counted. */
const LISTED_FAILURES = 20;

function formatOf(flags: OcrFlags): ExportFormat {
  if (flags.format !== undefined) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format)) {
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    }
    return flags.format as ExportFormat;
  }
  const ext = flags.out?.match(/\.(jsonl|csv|txt)$/i)?.[1]?.toLowerCase();
  return (ext as ExportFormat | undefined) ?? 'jsonl';
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
  if (flags.provider && flags.server) throw new UsageError('--provider chooses how this machine recognises: it does not go with --server');
  const format = formatOf(flags);
  const config = configFrom({ dataDir: flags.data, engine: { provider: flags.provider } });
  if (flags.server) {
    try {
      new URL(flags.server);
    } catch {
      throw new UsageError(`--server must be a URL such as http://host:8686, not "${flags.server}"`);
    }
  }

  // Loaded here, not at the top, so `hearth --help` and other commands start fast.
  const [{ openStore }, { createJobService }, { SingleBar, Presets }] = await Promise.all([
    import('../store'),
    import('../jobs'),
    import('cli-progress'),
  ]);
  const store = openStore({ dataDir: config.dataDir, key: config.storeKey, retention: () => config.retention });
  let fatal: Error | undefined;
  let engineClose: () => Promise<void> = async () => {};
  let stopping: Promise<void> | undefined;
  let jobs: import('../jobs').JobService | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      await jobs?.close();
      await engineClose();
      store.close();
    })());
  // Resolves (with null) when a signal or a fatal remote error stopped the run before the job ended.
  let halted: (value: null) => void = () => {};
  const haltedRun = new Promise<null>((r) => (halted = r));
  const halt = (): void => void shutdown().then(() => halted(null));

  try {
    let recognizer: import('../jobs').Recognizer;
    if (flags.server) {
      const { createRemoteRecognizer } = await import('../jobs/remoteRecognizer');
      recognizer = createRemoteRecognizer({
        url: flags.server,
        key: flags.key,
        concurrency: config.engine.workers || 4,
        onFatal: (err) => {
          fatal = err;
          halt();
        },
      });
    } else {
      // Started on the first file that needs recognising: an unchanged re-run never pays for loading models.
      const [{ createEngine }, { chooseProvider }] = await Promise.all([import('../engine'), import('../engine/providerChoice')]);
      let starting: Promise<import('../engine').Engine> | undefined;
      const engine = (): Promise<import('../engine').Engine> =>
        (starting ??= chooseProvider({ dataDir: config.dataDir, forced: config.engine.provider }).then((choice) =>
          createEngine({
            workers: config.engine.workers,
            queueDepth: config.engine.queueDepth,
            cacheEntries: config.engine.cacheEntries,
            providers: [choice.provider],
            why: choice.why,
          }),
        ).catch((err: unknown) => {
          fatal = new Error(`cannot start the OCR engine: ${(err as Error).message}`);
          halt();
          throw new AppError('shutting_down', 503, fatal.message);
        }));
      engineClose = async () => {
        if (starting) await (await starting.catch(() => null))?.close();
      };
      recognizer = {
        stats: () => ({ workers: config.engine.workers || availableParallelism() }),
        ocr: async (image, o) => (await engine()).ocr(image, o),
      };
    }
    jobs = createJobService({ store, engine: recognizer, config });

    let started: { job: Job; resumed: boolean };
    try {
      started = jobs.resumeOrCreate({ paths, recursive: Boolean(flags.recursive), origin: 'cli', keyId: null });
    } catch (err) {
      if (isAppError(err) && err.status === 400) throw new UsageError(err.message);
      throw err;
    }
    const { job, resumed } = started;
    if (resumed) process.stderr.write(`hearth: continuing the interrupted run of these files (job ${job.id})\n`);

    const bar = new SingleBar(
      {
        stream: process.stderr,
        format: 'ocr [{bar}] {percentage}% | {value}/{total} files | {rate} files/s | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    let barStarted = false;
    const onProgress = (p: JobProgress): void => {
      if (p.total === 0) return;
      const value = p.done + p.failed;
      if (!barStarted) {
        bar.start(p.total, value, { rate: '0' });
        barStarted = true;
      }
      bar.setTotal(p.total);
      bar.update(value, { rate: p.rate.toFixed(1) });
    };
    const off = jobs.subscribe(job.id, onProgress);

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
    if (barStarted) bar.stop();
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
    await writeAll(jobs.export(job.id, format), out);
    if (flags.out) {
      const file = out as WriteStream;
      file.end();
      await once(file, 'finish');
    }

    const items = jobs.items(job.id, 0, Number.MAX_SAFE_INTEGER).items.filter((i) => i.state !== 'done');
    for (const i of items.slice(0, LISTED_FAILURES)) {
      process.stderr.write(`hearth: ${i.file}: ${i.error?.message ?? 'not processed'}${i.error ? ` (${i.error.code})` : ''}\n`);
    }
    if (items.length > LISTED_FAILURES) process.stderr.write(`hearth: … and ${items.length - LISTED_FAILURES} more failed files\n`);
    process.stderr.write(
      `hearth: ${end.total} files: ${end.done} recognised, ${end.failed} failed` +
        (end.reused ? `, ${end.reused} unchanged since an earlier run (results reused)` : '') +
        '\n',
    );
    if (end.state === 'cancelled') {
      process.stderr.write('hearth: the job was cancelled before every file was processed\n');
      process.exitCode = 1;
    }
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
    .option('--format <format>', 'jsonl, csv or txt (default jsonl, or from the --out extension)')
    .option('--recursive', 'include images in subfolders')
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .option('--server <url>', 'recognise on this Hearth node instead of locally')
    .option('--key <key>', 'API key for --server')
    .option('--provider <name>', PROVIDER_OPTION_HELP, parseProvider)
    .action((paths: string[], flags: OcrFlags) => runCommand(() => run(paths, flags)));
}
