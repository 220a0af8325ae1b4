// A labelled dataset on disk: one sub-folder per label holding its examples (images; PDFs too for document types).
// Checked before any training so a person hears in words what is wrong: too few labels or examples, files in two
// labels, strong imbalance.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../appError';
import { isImagePath, isPdfPath } from '../jobs/scan';
import { seededRandom } from '../seededRandom';
import { sha256Hex } from '../sha256';

export const MIN_EXAMPLES_PER_LABEL = 5;
/** Larger sets train on a node fine, but embedding them all takes a while; beyond this, split the job. */
export const MAX_EXAMPLES = 20_000;
/** Above this ratio between the largest and smallest label, the report warns (class weights still balance it). */
const IMBALANCE_WARNING = 10;

export interface Example {
  path: string;
  label: number;
  sha256: string;
}

export interface Dataset {
  labels: string[];
  examples: Example[];
  warnings: string[];
}

/** `pdfs`: PDFs count as examples (a document-type classifier reads their first page); images always do. */
export function readDataset(folder: string, opts: { pdfs?: boolean } = {}): Dataset {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (err) {
    throw new AppError('bad_request', 400, `cannot read the dataset folder ${folder} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const labels = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  if (labels.length < 2) {
    throw new AppError(
      'invalid_body',
      422,
      `a classifier needs at least two labels: make one sub-folder per label in ${folder} (found ${labels.length})`,
    );
  }
  const examples: Example[] = [];
  const bySha = new Map<string, number>();
  const clashes: string[] = [];
  labels.forEach((label, index) => {
    const files = readdirSync(join(folder, label))
      // The files Hearth reads; PDFs only where asked: an image classifier learns from pictures.
      .filter((f) => isImagePath(f) && (opts.pdfs || !isPdfPath(f)))
      .sort();
    for (const f of files) {
      const path = join(folder, label, f);
      if (!statSync(path).isFile()) continue;
      const sha256 = sha256Hex(readFileSync(path));
      const seen = bySha.get(sha256);
      if (seen !== undefined && seen !== index) clashes.push(`${label}/${f} is also under ${labels[seen]}`);
      bySha.set(sha256, index);
      examples.push({ path, label: index, sha256 });
    }
  });
  if (examples.length > MAX_EXAMPLES)
    throw new AppError(
      'payload_too_large',
      413,
      `the dataset has ${examples.length} examples; at most ${MAX_EXAMPLES} are trained at once`,
    );
  if (clashes.length) throw new AppError('invalid_body', 422, `the same file is under two labels: ${clashes.slice(0, 5).join('; ')}`);
  const counts = labels.map((_, i) => examples.filter((e) => e.label === i).length);
  const few = labels.flatMap((l, i) => (counts[i] < MIN_EXAMPLES_PER_LABEL ? [`${l} (${counts[i]})`] : []));
  if (few.length)
    throw new AppError('invalid_body', 422, `each label needs at least ${MIN_EXAMPLES_PER_LABEL} examples; too few in: ${few.join(', ')}`);
  const warnings: string[] = [];
  const ratio = Math.max(...counts) / Math.min(...counts);
  if (ratio > IMBALANCE_WARNING) {
    warnings.push(
      `the labels are strongly imbalanced (largest ${Math.max(...counts)}, smallest ${Math.min(...counts)}); class weights compensate, more examples of the small labels would help more`,
    );
  }
  return { labels, examples, warnings };
}

/** A stratified train/validation split: `share` of each label (at least one) to validation, seeded. */
export function split(examples: readonly Example[], labels: number, seed: number, share = 0.2): { train: Example[]; val: Example[] } {
  const rnd = seededRandom(seed);
  const train: Example[] = [];
  const val: Example[] = [];
  for (let l = 0; l < labels; l++) {
    const mine = examples.filter((e) => e.label === l);
    for (let i = mine.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [mine[i], mine[j]] = [mine[j], mine[i]];
    }
    const k = Math.max(1, Math.round(mine.length * share));
    val.push(...mine.slice(0, k));
    train.push(...mine.slice(k));
  }
  return { train, val };
}
