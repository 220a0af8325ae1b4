// A regularised softmax (multinomial logistic regression) layer trained on embeddings: standardised features (or not),
// class weights against imbalance, full-batch Adam with L2, early stopping on the validation loss. Deterministic:
// no randomness inside, so the same data in the same order gives the same weights bit for bit.

export interface TrainOptions {
  l2: number;
  learningRate: number;
  maxEpochs: number;
  /** Epochs without a better validation loss before stopping (the best weights are kept). */
  patience: number;
  /** Weight of each class in the loss; undefined = balanced (inverse frequency). */
  classWeights?: number[];
  /**
   * Scale each feature to mean 0, variance 1 on the training set first (default). Off for features that are
   * normalised already and mostly zero (hashed n-grams), where scaling would blow rare n-grams up.
   */
  standardise?: boolean;
}

export const TRAIN_DEFAULTS: TrainOptions = { l2: 1e-3, learningRate: 0.05, maxEpochs: 400, patience: 30 };

export interface EpochStats {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
}

export interface LinearHead {
  /** [classes × dims], row-major, in the raw embedding's scale (standardisation folded in). */
  weight: Float32Array;
  bias: Float32Array;
  classes: number;
  dims: number;
}

export interface Examples {
  x: Float32Array[];
  y: number[];
}

/** Probabilities of a linear head for one embedding, computed as ONNX Runtime's Gemm + Softmax would. */
export function predict(head: LinearHead, x: Float32Array): Float64Array {
  const logits = new Float64Array(head.classes);
  for (let c = 0; c < head.classes; c++) {
    let s = head.bias[c];
    const row = c * head.dims;
    for (let d = 0; d < head.dims; d++) s += head.weight[row + d] * x[d];
    logits[c] = s;
  }
  return softmaxInPlace(logits);
}

function softmaxInPlace(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    z[i] = Math.exp(z[i] - max);
    sum += z[i];
  }
  for (let i = 0; i < z.length; i++) z[i] /= sum;
  return z;
}

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/**
 * Fits the layer. Between epochs it yields to the event loop (so a node training stays responsive) and honours
 * `signal` (a cancelled run stops at the next epoch).
 */
export async function trainSoftmax(
  train: Examples,
  val: Examples,
  classes: number,
  opts: TrainOptions = TRAIN_DEFAULTS,
  onEpoch?: (s: EpochStats) => void,
  signal?: AbortSignal,
): Promise<{ head: LinearHead; history: EpochStats[]; bestEpoch: number }> {
  const n = train.x.length;
  const dims = train.x[0]?.length ?? 0;
  if (n === 0 || dims === 0) throw new Error('no training examples');
  // Standardise each feature on the training set; constant features get scale 1.
  const mean = new Float64Array(dims);
  const scale = new Float64Array(dims);
  scale.fill(1);
  if (opts.standardise !== false) {
    scale.fill(0);
    for (const x of train.x) for (let d = 0; d < dims; d++) mean[d] += x[d] / n;
    for (const x of train.x) for (let d = 0; d < dims; d++) scale[d] += (x[d] - mean[d]) ** 2 / n;
    for (let d = 0; d < dims; d++) scale[d] = scale[d] > 1e-12 ? Math.sqrt(scale[d]) : 1;
  }
  const std = (x: Float32Array): Float64Array => {
    const out = new Float64Array(dims);
    for (let d = 0; d < dims; d++) out[d] = (x[d] - mean[d]) / scale[d];
    return out;
  };
  const xs = train.x.map(std);
  const vs = val.x.map(std);
  const counts = new Array<number>(classes).fill(0);
  for (const y of train.y) counts[y]++;
  const cw = opts.classWeights ?? counts.map((c) => (c > 0 ? n / (classes * c) : 0));

  const W = new Float64Array(classes * dims);
  const b = new Float64Array(classes);
  const m = { W: new Float64Array(W.length), b: new Float64Array(classes) };
  const v = { W: new Float64Array(W.length), b: new Float64Array(classes) };
  const beta1 = 0.9;
  const beta2 = 0.999;

  const evaluate = (set: Float64Array[], ys: number[], weighted: boolean): { loss: number; accuracy: number } => {
    let loss = 0;
    let total = 0;
    let correct = 0;
    const z = new Float64Array(classes);
    set.forEach((x, i) => {
      for (let c = 0; c < classes; c++) {
        let s = b[c];
        for (let d = 0; d < dims; d++) s += W[c * dims + d] * x[d];
        z[c] = s;
      }
      softmaxInPlace(z);
      const w = weighted ? cw[ys[i]] : 1;
      loss -= w * Math.log(Math.max(z[ys[i]], 1e-12));
      total += w;
      if (argmax(z) === ys[i]) correct++;
    });
    return { loss: total ? loss / total : 0, accuracy: set.length ? correct / set.length : 0 };
  };

  const history: EpochStats[] = [];
  let best = { loss: Infinity, epoch: 0, W: W.slice(), b: b.slice() };
  const gW = new Float64Array(W.length);
  const gb = new Float64Array(classes);
  const z = new Float64Array(classes);
  const weightSum = train.y.reduce((s, y) => s + cw[y], 0);
  for (let epoch = 1; epoch <= opts.maxEpochs; epoch++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    gW.fill(0);
    gb.fill(0);
    xs.forEach((x, i) => {
      for (let c = 0; c < classes; c++) {
        let s = b[c];
        for (let d = 0; d < dims; d++) s += W[c * dims + d] * x[d];
        z[c] = s;
      }
      softmaxInPlace(z);
      const w = cw[train.y[i]] / weightSum;
      for (let c = 0; c < classes; c++) {
        const err = w * (z[c] - (c === train.y[i] ? 1 : 0));
        gb[c] += err;
        const row = c * dims;
        for (let d = 0; d < dims; d++) gW[row + d] += err * x[d];
      }
    });
    for (let k = 0; k < W.length; k++) gW[k] += opts.l2 * W[k];
    const t = epoch;
    const step = (p: Float64Array, g: Float64Array, mm: Float64Array, vv: Float64Array): void => {
      for (let k = 0; k < p.length; k++) {
        mm[k] = beta1 * mm[k] + (1 - beta1) * g[k];
        vv[k] = beta2 * vv[k] + (1 - beta2) * g[k] * g[k];
        const mh = mm[k] / (1 - beta1 ** t);
        const vh = vv[k] / (1 - beta2 ** t);
        p[k] -= (opts.learningRate * mh) / (Math.sqrt(vh) + 1e-8);
      }
    };
    step(W, gW, m.W, v.W);
    step(b, gb, m.b, v.b);
    const tr = evaluate(xs, train.y, true);
    const va = vs.length ? evaluate(vs, val.y, true) : tr;
    const stats: EpochStats = { epoch, loss: tr.loss, accuracy: tr.accuracy, valLoss: va.loss, valAccuracy: va.accuracy };
    history.push(stats);
    onEpoch?.(stats);
    if (va.loss < best.loss - 1e-9) best = { loss: va.loss, epoch, W: W.slice(), b: b.slice() };
    else if (epoch - best.epoch >= opts.patience) break;
  }

  // Fold the standardisation into the layer: w·((x - μ)/σ) + b = (w/σ)·x + (b - Σ w μ/σ).
  const weight = new Float32Array(classes * dims);
  const bias = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    let shift = best.b[c];
    for (let d = 0; d < dims; d++) {
      const w = best.W[c * dims + d] / scale[d];
      weight[c * dims + d] = w;
      shift -= w * mean[d];
    }
    bias[c] = shift;
  }
  return { head: { weight, bias, classes, dims }, history, bestEpoch: best.epoch };
}
