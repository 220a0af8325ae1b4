// Class scores → ranked labels: softmax unless the scores already are probabilities, then the top k.
import type { ClassifyLabel } from '../../contract/models';

/** Values in 0..1 that sum to 1 are probabilities already; anything else is treated as logits. */
export function looksLikeProbabilities(scores: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

export function softmax(scores: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]);
  const exps = Array.from(scores, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Best first; labels beyond the labels file are named class_<index>. */
export function topLabels(
  scores: ArrayLike<number>,
  labels: readonly string[],
  opts: { topK: number; probabilities?: boolean },
): ClassifyLabel[] {
  const probs = (opts.probabilities ?? looksLikeProbabilities(scores)) ? Array.from(scores) : softmax(scores);
  return probs
    .map((confidence, i) => ({ label: labels[i] ?? `class_${i}`, confidence }))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, Math.max(1, opts.topK));
}
