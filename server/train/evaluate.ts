// The evaluation report of a classifier on held-out examples: accuracy, precision/recall/F1 per label, the
// confusion matrix (rows: true label, columns: predicted) and the examples it got wrong, surest mistakes first.

export interface Prediction {
  file: string;
  label: number;
  probabilities: ArrayLike<number>;
}

export interface Evaluation {
  accuracy: number;
  perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  confusion: number[][];
  misclassified: { file: string; label: string; predicted: string; confidence: number }[];
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

export function evaluate(predictions: readonly Prediction[], labels: readonly string[]): Evaluation {
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const misclassified: Evaluation['misclassified'] = [];
  let correct = 0;
  for (const p of predictions) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p.probabilities[c] > p.probabilities[best]) best = c;
    confusion[p.label][best]++;
    if (best === p.label) correct++;
    else misclassified.push({ file: p.file, label: labels[p.label], predicted: labels[best], confidence: round(p.probabilities[best]) });
  }
  const perLabel: Evaluation['perLabel'] = {};
  labels.forEach((name, c) => {
    const tp = confusion[c][c];
    const predicted = confusion.reduce((s, row) => s + row[c], 0);
    const actual = confusion[c].reduce((s, v) => s + v, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = actual ? tp / actual : 0;
    perLabel[name] = {
      precision: round(precision),
      recall: round(recall),
      f1: round(precision + recall ? (2 * precision * recall) / (precision + recall) : 0),
      support: actual,
    };
  });
  misclassified.sort((a, b) => b.confidence - a.confidence);
  return { accuracy: round(predictions.length ? correct / predictions.length : 0), perLabel, confusion, misclassified };
}
