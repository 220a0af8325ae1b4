// What every contender gets (the image set, scratch space, the shared knobs) and what it hands back for the table.
import type { BenchDataset } from '../dataset';

/**
 * The in-process and bare-limit rows run the set this many times over: with 60 images on 2 workers, one pass
 * is 30 images a worker, and whichever image happens to finish last (up to ~0.7 s alone on one core) swung
 * their ratio by ±5 % from run to run.
 */
export const THROUGHPUT_PASSES = 3;

export interface BenchContext {
  dataset: BenchDataset;
  /** Scratch folder for this run (data dirs, result files); removed at the end. */
  tmp: string;
  /** Repository root: where bin/hearth.js and node_modules live. */
  root: string;
  /** Per-contender wall-clock bound, ms; a contender past it is killed and reported. */
  timeoutMs: number;
  /** Prints a progress line on stderr (the table goes to stdout). */
  say(message: string): void;
  /** The execution provider Hearth's contenders run on (`--provider`; cpu by default). */
  provider: string;
}

export interface ContenderResult {
  name: string;
  /** Images handed to the contender (the measured part). */
  images: number;
  /** Headline throughput: whole process for whole-process contenders, the measured phase otherwise. */
  imagesPerS?: number;
  /** Throughput once models are loaded, where the contender can tell. */
  steadyImagesPerS?: number;
  /** Per-image latency samples, ms (request to answer, or engine time where that is all there is). */
  latenciesMs?: number[];
  cpuS?: number;
  /** Wall seconds the CPU seconds were spent over, so the table can show busy cores. */
  wallS?: number;
  peakRssMb?: number;
  /** Character error rate over the set (0 = perfect); undefined when there is no text to score. */
  cer?: number;
  /** The text read per image, for CER by error class; absent where the contender gives none. */
  texts?: Record<string, string | undefined>;
  /** Images that failed (error answers, crashes). */
  errors?: number;
  /** A short remark printed after the row (e.g. "health p99 4.1 ms"). */
  note?: string;
  /** Set when the contender could not run at all; the row shows it instead of figures. */
  error?: string;
  /** Figures the ratio lines need beyond the table (health p99, RSS checkpoints, engine shape). */
  extra?: Record<string, number | string>;
}

/** A contender's row when it could not run: the reason, first line only, short enough for a table. */
export function failed(name: string, images: number, reason: unknown): ContenderResult {
  const text = reason instanceof Error ? reason.message : String(reason);
  return { name, images, error: text.trim().split('\n').filter(Boolean).slice(-1)[0]?.slice(0, 160) ?? 'failed' };
}
