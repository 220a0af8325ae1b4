// 8-bit convolutions for the CPU. ONNX Runtime runs a convolution whose input, weights and output pass through
// QuantizeLinear/DequantizeLinear pairs as one integer QLinearConv (VNNI and AVX2 integer kernels), which on
// the recogniser's wide 1×1 layers takes well under half the time of the float one. The rewrite:
//   - weights: int8 per output channel, symmetric (scale = max |w| / 127), so each filter keeps its own range; 7
//     bits (±63) where the CPU's integer kernels would saturate a pair of 8-bit products (x86 without VNNI);
//   - bias: int32 at the input scale × the weight scale, as QLinearConv adds it;
//   - activations: uint8 per tensor with the range measured over sample inputs (calibrate), every convolution's
//     input and output each quantized once, whoever else reads them.
// QuantizeLinear and QLinearConv date from opset 10; a graph exported for opset 9 is brought up to it first.
import { makeNode, type OnnxGraph, type OnnxNode } from './graph';

/** The range a tensor's values were seen to cover. */
export interface TensorRange {
  min: number;
  max: number;
}

const MS_DOMAIN = 'com.microsoft';
/** The opset QuantizeLinear, DequantizeLinear and QLinearConv came in. */
const QUANT_OPSET = 10;

/** Slice takes starts, ends and axes as inputs from opset 10 on (attributes before). */
function sliceToOpset10(g: OnnxGraph, slice: OnnxNode): OnnxNode {
  const inputs = [slice.inputs[0]];
  for (const name of ['starts', 'ends', 'axes']) {
    const values = g.attribute(slice, name)?.ints;
    if (!values) continue;
    const tensor = `${slice.outputs[0]}.hearth.${name}`;
    g.addInitializer(tensor, { dims: [values.length], data: BigInt64Array.from(values.map((v) => BigInt(v))) });
    inputs.push(tensor);
  }
  return { ...slice, inputs, attributes: new Map() };
}

/** Ops whose opset 9 and 10 forms differ in a way that matters here; those not handled stop the rewrite. */
const CHANGED_IN_10 = new Set(['Slice', 'TopK', 'Upsample', 'Dropout']);

/**
 * Brings a graph exported for opset 9 up to opset 10, or says why not. Already at 10 or later: unchanged. Only
 * Slice needs rewriting among the ops PP-OCR's graphs use; a graph with another op that changed is left alone.
 */
export function raiseToOpset10(g: OnnxGraph): boolean {
  if (g.opset >= QUANT_OPSET) return true;
  if (g.opset !== 9) return false;
  if (g.nodes.some((n) => n.domain === '' && CHANGED_IN_10.has(n.op) && n.op !== 'Slice')) return false;
  for (const slice of g.nodes.filter((n) => n.op === 'Slice' && n.domain === '')) g.replace([slice], [sliceToOpset10(g, slice)]);
  g.setOpset('', QUANT_OPSET);
  return true;
}

/** Convolutions the rewrite applies to: default domain, constant 4-D weights and a constant bias or none. */
export function quantizableConvs(g: OnnxGraph, select: ConvFilter = () => true): OnnxNode[] {
  return g.nodes.filter((n) => {
    if (n.op !== 'Conv' || n.domain !== '' || !g.has(n)) return false;
    const weight = g.constant(n.inputs[1]);
    if (!weight || weight.dims.length !== 4) return false;
    if (n.inputs[2] && g.constant(n.inputs[2])?.data.length !== weight.dims[0]) return false;
    const producer = g.nodes.find((p) => p.outputs.includes(n.inputs[0]));
    return select({ weightDims: weight.dims, group: g.attribute(n, 'group')?.i ?? 1, inputFrom: producer?.op });
  });
}

/** Which convolutions to quantize, by their weight shape [out, in/group, kh, kw], group and the op making their input. */
export type ConvFilter = (conv: { weightDims: number[]; group: number; inputFrom?: string }) => boolean;

/** The activations calibration measures: each such convolution's input and output, in graph order, once each. */
export function activationTensors(g: OnnxGraph, select?: ConvFilter): string[] {
  return [...new Set(quantizableConvs(g, select).flatMap((c) => [c.inputs[0], c.outputs[0]]))];
}

/** uint8 scale and zero point covering a range (widened to include 0, as zero must be exact). */
export function activationParams(range: TensorRange): { scale: number; zeroPoint: number } {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  const scale = max > min ? (max - min) / 255 : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-min / scale))) };
}

/**
 * Rewrites every quantizable convolution as a QDQ group ONNX Runtime fuses into QLinearConv. `ranges` must
 * cover activationTensors(g); returns how many convolutions were rewritten (0 when the graph cannot take it).
 */
export function quantizeConvs(
  g: OnnxGraph,
  ranges: ReadonlyMap<string, TensorRange>,
  opts: { select?: ConvFilter; weightBits?: 7 | 8 } = {},
): number {
  const { select, weightBits = 8 } = opts;
  const weightMax = 2 ** (weightBits - 1) - 1;
  if (!raiseToOpset10(g)) return 0;
  const convs = quantizableConvs(g, select);
  const tensors = activationTensors(g, select);
  if (tensors.some((t) => !ranges.has(t))) throw new Error('calibration did not cover every convolution');
  const inserted: OnnxNode[] = [];
  const params = new Map<string, { scale: number; dq: string }>();
  for (const t of tensors) {
    const { scale, zeroPoint } = activationParams(ranges.get(t)!);
    const base = `${t}.hearth.q`;
    g.addInitializer(`${base}.scale`, { dims: [], data: Float32Array.of(scale) });
    g.addInitializer(`${base}.zero`, { dims: [], data: Uint8Array.of(zeroPoint) });
    const consumers = [...g.consumers(t)];
    const q = makeNode('QuantizeLinear', [t, `${base}.scale`, `${base}.zero`], [base]);
    const dq = makeNode('DequantizeLinear', [base, `${base}.scale`, `${base}.zero`], [`${base}.dq`]);
    // Every reader of t reads the dequantized copy: a convolution's output with another reader would not fuse.
    for (const c of consumers) g.replace([c], [{ ...c, inputs: c.inputs.map((i) => (i === t ? dq.outputs[0] : i)) }]);
    inserted.push(q, dq);
    params.set(t, { scale, dq: dq.outputs[0] });
  }
  for (const conv of convs) {
    const current = g.nodes.find((n) => n.name === conv.name && n.op === 'Conv' && n.outputs[0] === conv.outputs[0])!;
    const weight = g.constant(conv.inputs[1])!;
    const bias = conv.inputs[2] ? g.constant(conv.inputs[2])!.data : new Float32Array(weight.dims[0]);
    const out = weight.dims[0];
    const per = weight.data.length / out;
    const wScale = new Float32Array(out);
    const wq = new Int8Array(weight.data.length);
    for (let o = 0; o < out; o++) {
      let m = 0;
      for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(weight.data[o * per + i]));
      wScale[o] = m > 0 ? m / weightMax : 1;
      for (let i = 0; i < per; i++) wq[o * per + i] = Math.round(weight.data[o * per + i] / wScale[o]);
    }
    const xScale = params.get(conv.inputs[0])!.scale;
    const bScale = Float32Array.from(wScale, (s) => s * xScale);
    const bq = Int32Array.from(bias, (b, o) => Math.round(b / bScale[o]));
    const base = `${conv.outputs[0]}.hearth.conv`;
    g.addInitializer(`${base}.w`, { dims: weight.dims, data: wq });
    g.addInitializer(`${base}.w.scale`, { dims: [out], data: wScale });
    g.addInitializer(`${base}.w.zero`, { dims: [out], data: new Int8Array(out) });
    g.addInitializer(`${base}.b`, { dims: [out], data: bq });
    g.addInitializer(`${base}.b.scale`, { dims: [out], data: bScale });
    g.addInitializer(`${base}.b.zero`, { dims: [out], data: new Int32Array(out) });
    // Per-channel DequantizeLinear (an axis) is opset 13 in the default domain; ONNX Runtime's own has it earlier.
    const dqW = makeNode('DequantizeLinear', [`${base}.w`, `${base}.w.scale`, `${base}.w.zero`], [`${base}.w.dq`], { axis: 0 }, MS_DOMAIN);
    const dqB = makeNode('DequantizeLinear', [`${base}.b`, `${base}.b.scale`, `${base}.b.zero`], [`${base}.b.dq`], { axis: 0 }, MS_DOMAIN);
    g.replace([current], [dqW, dqB, { ...current, inputs: [current.inputs[0], dqW.outputs[0], dqB.outputs[0]] }]);
  }
  // Each Q/DQ pair goes right after the node that makes its tensor (or first, for a graph input).
  for (let k = 0; k < inserted.length; k += 2) {
    const [q, dq] = inserted.slice(k, k + 2);
    const producer = g.nodes.find((n) => n.outputs.includes(q.inputs[0]));
    if (producer) g.replace([producer], [producer, q, dq]);
    else g.prepend([q, dq]);
  }
  g.setOpset(MS_DOMAIN, 1);
  return convs.length;
}

/**
 * Activation ranges over sample runs: for each tensor, the mean of each run's minimum and maximum, so a few
 * extreme lines do not coarsen the scale for all.
 */
export class RangeMeter {
  private readonly sums = new Map<string, { min: number; max: number; runs: number }>();

  add(tensor: string, values: Float32Array): void {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const s = this.sums.get(tensor) ?? { min: 0, max: 0, runs: 0 };
    this.sums.set(tensor, { min: s.min + min, max: s.max + max, runs: s.runs + 1 });
  }

  ranges(): Map<string, TensorRange> {
    return new Map([...this.sums].map(([t, s]) => [t, { min: s.min / s.runs, max: s.max / s.runs }]));
  }
}
