// What both kinds of classifier share once every example is a vector: the seeded stratified split, the softmax
// layer fitted on it, the evaluation on the validation examples, and the report's shape and timing figures.
import { AppError } from '../appError';
import type { Dataset, Example } from './dataset';
import { split } from './dataset';
import { evaluate, type Evaluation } from './evaluate';
import { predict, trainSoftmax, TRAIN_DEFAULTS, type EpochStats, type LinearHead, type TrainOptions } from './softmax';

export type TrainProgress =
  { phase: 'embedding'; done: number; total: number } | { phase: 'fitting'; epoch: EpochStats } | { phase: 'registering' };

export interface TrainReport extends Evaluation {
  /** image: a head on an imported backbone; doctype: OCR text and the detector's look of the page. */
  kind: 'image' | 'doctype';
  model: string;
  version: number;
  /** Whether the new version serves now (the model had no active version). */
  active: boolean;
  labels: string[];
  examples: { train: number; validation: number };
  bestEpoch: number;
  history: EpochStats[];
  warnings: string[];
  /** Files that could not be read, skipped. */
  skipped: { file: string; reason: string }[];
  /** The active version's accuracy on the same validation examples, when there was one to compare with. */
  previous: { version: number; accuracy: number } | null;
  seconds: { embedding: number; fitting: number };
  embeddingsPerSecond: number;
}

export interface Fitted {
  head: LinearHead;
  train: Example[];
  val: Example[];
  evaluation: Evaluation;
  bestEpoch: number;
  history: EpochStats[];
  fitSeconds: number;
}

/** Splits the examples that have a vector, fits the layer and evaluates it on the validation share. */
export async function fitVectors(
  dataset: Dataset,
  vectors: ReadonlyMap<string, Float32Array>,
  seed: number,
  onProgress: (p: TrainProgress) => void,
  signal?: AbortSignal,
  options: TrainOptions = TRAIN_DEFAULTS,
): Promise<Fitted> {
  const usable = dataset.examples.filter((e) => vectors.has(e.path));
  // A label needs one example to learn from and one to check against once unreadable files are left out.
  const few = dataset.labels.filter((_, l) => usable.filter((e) => e.label === l).length < 2);
  if (few.length) throw new AppError('invalid_body', 422, `too few readable examples to train on in: ${few.join(', ')}`);
  const { train, val } = split(usable, dataset.labels.length, seed);
  const vector = (e: Example): Float32Array => vectors.get(e.path) as Float32Array;
  const asExamples = (list: Example[]): { x: Float32Array[]; y: number[] } => ({ x: list.map(vector), y: list.map((e) => e.label) });
  const started = performance.now();
  const fit = await trainSoftmax(
    asExamples(train),
    asExamples(val),
    dataset.labels.length,
    options,
    (epoch) => onProgress({ phase: 'fitting', epoch }),
    signal,
  );
  const fitSeconds = (performance.now() - started) / 1000;
  const evaluation = evaluate(
    val.map((e) => ({ file: e.path, label: e.label, probabilities: predict(fit.head, vector(e)) })),
    dataset.labels,
  );
  return { head: fit.head, train, val, evaluation, bestEpoch: fit.bestEpoch, history: fit.history, fitSeconds };
}

/** Seconds rounded for the report, and examples embedded per second. */
export function timings(examples: number, embedSeconds: number, fitSeconds: number): Pick<TrainReport, 'seconds' | 'embeddingsPerSecond'> {
  return {
    seconds: { embedding: Math.round(embedSeconds * 100) / 100, fitting: Math.round(fitSeconds * 100) / 100 },
    embeddingsPerSecond: Math.round((examples / Math.max(embedSeconds, 1e-6)) * 10) / 10,
  };
}
