// What `hearth ocr` shows on stderr while it runs. On a terminal: one bar line at the bottom that every other
// line written to stderr (logs, warnings) scrolls above, cleared for good when the run ends. Elsewhere (a pipe,
// a log file): plain lines, no control codes. Either way the last line is one summary of the run.
import type { Job, JobProgress, JobSources } from '../contract/jobs';
import { countOf } from '../contract/plural';

/** The part of a stream the view needs; process.stderr in the CLI, a recorder in tests. */
export interface ProgressStream {
  write(chunk: string | Uint8Array, ...rest: never[]): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** Files finished in this run before an ETA is shown: the first ones carry the model load and say little. */
export const ETA_AFTER_FILES = 5;
/** Redraws of the bar at most this often (10 a second). */
const REDRAW_MS = 100;
/** Without a terminal, a progress line at most this often, so a log shows the run is alive. */
const PLAIN_EVERY_MS = 10_000;
const BAR_WIDTH = 24;
const CLEAR_LINE = '\r\x1b[2K';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/** "0.4 s", "12.0 s", "3m 05s", "1h 02m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

export interface RunFigures {
  /** The job at its end. */
  end: Pick<Job, 'total' | 'done' | 'failed' | 'reused'>;
  /** Items this run finished (a continued run does not count what the interrupted one did). */
  finishedThisRun: number;
  elapsedMs: number;
  /** Where the items came from; without PDF pages every item is a file. */
  sources?: JobSources;
}

/** The run's one summary line: files (and their PDF pages), failed, reused, images/s, elapsed. */
export function summaryLine({ end, finishedThisRun, elapsedMs, sources }: RunFigures): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? finishedThisRun / seconds : 0;
  const read = sources?.pdfPages
    ? `${countOf(sources.files, 'file')} (${countOf(sources.pdfPages, 'PDF page')})`
    : countOf(end.total, 'file');
  return `hearth: ${read}, ${end.failed} failed, ${end.reused} reused, ${rate.toFixed(1)} images/s, ${formatDuration(seconds)}`;
}

/**
 * The progress text without the bar: "45/100 files · 8.1 images/s · ETA 7.0 s" (ETA once it means something).
 * With PDF pages among the items the count is of images (image files and pages): "12/40 images".
 */
export function progressText(p: JobProgress, finishedThisRun: number, sources?: JobSources): string {
  const parts = [`${p.done + p.failed}/${countOf(p.total, sources?.pdfPages ? 'image' : 'file')}`, `${p.rate.toFixed(1)} images/s`];
  if (finishedThisRun >= ETA_AFTER_FILES && p.etaSeconds !== null && p.state === 'running')
    parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' · ');
}

/** The bar line for a terminal `columns` wide (never wider, so it cannot wrap onto a second line). */
export function barLine(p: JobProgress, finishedThisRun: number, columns: number, sources?: JobSources): string {
  if (p.total === 0) return 'ocr scanning…'.slice(0, columns - 1);
  const fraction = Math.min(1, (p.done + p.failed) / p.total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
  const line = `ocr ${bar} ${String(Math.floor(fraction * 100)).padStart(3)}% · ${progressText(p, finishedThisRun, sources)}`;
  return line.slice(0, Math.max(1, columns - 1));
}

export interface ProgressView {
  /** A progress snapshot of the job; ignored once the view has stopped. */
  update(p: JobProgress): void;
  /** A line for the person (above the bar on a terminal). */
  line(text: string): void;
  /** Clears the bar for good and gives stderr back; later updates draw nothing. Safe to call twice. */
  stop(): void;
  /** Stops, then writes the summary line: the last thing the run prints on stderr. */
  summary(end: RunFigures['end']): void;
}

export interface ProgressViewOptions {
  stream: ProgressStream;
  /** The job when the run began: what it had finished then is not this run's work. */
  startedWith: Pick<Job, 'done' | 'failed'>;
  /** Files and PDF pages behind the job's items; asked again when the item count changes (a PDF opened). */
  sources?: () => JobSources;
  now?: () => number;
}

/** The sources are asked for at most this often while PDFs keep adding pages. */
const SOURCES_EVERY_MS = 1_000;

export function createProgressView(opts: ProgressViewOptions): ProgressView {
  const { stream } = opts;
  const now = opts.now ?? Date.now;
  const tty = stream.isTTY === true;
  const startedAt = now();
  const before = opts.startedWith.done + opts.startedWith.failed;
  // The stream's own write: the bar draws with it while every other writer goes through the hook below.
  const raw = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: never[]) => boolean;
  let latest: JobProgress | undefined;
  let drawn = false;
  let stopped = false;
  let midLine = false;
  let timer: NodeJS.Timeout | undefined;
  let lastDraw = 0;
  let lastPlain = startedAt;

  const finished = (p: JobProgress): number => Math.max(0, p.done + p.failed - before);
  let sources: { total: number; at: number; value: JobSources } | undefined;
  const sourcesOf = (total: number, force = false): JobSources | undefined => {
    if (!opts.sources || total === 0) return undefined;
    if (!sources || (sources.total !== total && (force || now() - sources.at >= SOURCES_EVERY_MS))) {
      sources = { total, at: now(), value: opts.sources() };
    }
    return sources.value;
  };

  const draw = (): void => {
    timer = undefined;
    if (stopped || !latest || midLine) return;
    raw(`${CLEAR_LINE}${barLine(latest, finished(latest), stream.columns || 80, sourcesOf(latest.total))}`);
    drawn = true;
    lastDraw = now();
  };

  // Everything else written to stderr while the bar shows (the logger, engine warnings, worker output): clear
  // the bar, write the text on its own lines, draw the bar again below it.
  const hooked = (chunk: string | Uint8Array, ...rest: never[]): boolean => {
    if (drawn && !midLine) raw(CLEAR_LINE);
    const ok = raw(chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (text.length > 0) midLine = !text.endsWith('\n');
    drawn = false;
    if (!midLine) draw();
    return ok;
  };

  const start = (): void => {
    stream.write = hooked;
    raw(HIDE_CURSOR);
    process.once('exit', restoreCursor);
  };
  function restoreCursor(): void {
    raw(SHOW_CURSOR);
  }

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    if (!tty || lastDraw === 0) return;
    if (drawn) raw(CLEAR_LINE);
    stream.write = raw;
    restoreCursor();
    process.off('exit', restoreCursor);
  };

  return {
    update(p) {
      if (stopped) return;
      latest = p;
      if (!tty) {
        if (now() - lastPlain >= PLAIN_EVERY_MS && p.total > 0) {
          lastPlain = now();
          raw(`hearth: ${progressText(p, finished(p), sourcesOf(p.total))}\n`);
        }
        return;
      }
      if (lastDraw === 0) {
        start();
        draw();
        return;
      }
      timer ??= setTimeout(draw, Math.max(0, REDRAW_MS - (now() - lastDraw)));
    },
    line(text) {
      stream.write(`${text}\n`);
    },
    stop,
    summary(end) {
      stop();
      const finishedThisRun = end.done + end.failed - before;
      raw(`${summaryLine({ end, finishedThisRun, elapsedMs: now() - startedAt, sources: sourcesOf(end.total, true) })}\n`);
    },
  };
}
