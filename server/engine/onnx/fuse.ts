// Graph rewrites for the PaddlePaddle exports of PP-OCR that ONNX Runtime's own optimiser leaves alone. Each
// layer there runs Conv → ×scale → +bias → hard-swish spelled as four ops (x·clip(x+3, 0, 6)/6) → ×scale →
// +bias: up to eight passes over memory per convolution, each also forcing a layout change out of and back into
// ONNX Runtime's blocked (NCHWc) convolution format. The rewrites give the same function, to float rounding:
//   - a per-tensor scale and bias after a Conv are folded into its weights and bias;
//   - the four-op hard-swish becomes HardSigmoid(α=1/6, β=½) and one Mul;
//   - a per-tensor scale and bias before a 1×1 unpadded Conv are folded into its weights and bias.
import { encodeAttribute, type FloatTensor, type OnnxGraph, type OnnxNode } from './graph';

export interface FuseReport {
  convAffine: number;
  hardSwish: number;
  affineConv: number;
}

/** The other input of a binary node, given one of them. */
function other(node: OnnxNode, input: string): string | undefined {
  if (node.inputs.length !== 2) return undefined;
  if (node.inputs[0] === input) return node.inputs[1];
  if (node.inputs[1] === input) return node.inputs[0];
  return undefined;
}

/** `node` is `op` in the default domain with one output. */
function is(node: OnnxNode | undefined, op: string): node is OnnxNode {
  return node !== undefined && node.op === op && node.domain === '' && node.outputs.length === 1;
}

/** A per-tensor ×scale, then optionally +bias, that reads `input` and nothing else runs on in between. */
function scalarAffine(g: OnnxGraph, input: string): { nodes: OnnxNode[]; scale: number; bias: number; output: string } | undefined {
  const mul = g.soleConsumer(input);
  if (!is(mul, 'Mul')) return undefined;
  const scaleName = other(mul, input);
  const scale = scaleName === undefined ? undefined : g.scalar(scaleName);
  if (scale === undefined) return undefined;
  const add = g.soleConsumer(mul.outputs[0]);
  const biasName = is(add, 'Add') ? other(add, mul.outputs[0]) : undefined;
  const bias = biasName === undefined ? undefined : g.scalar(biasName);
  if (add && bias !== undefined) return { nodes: [mul, add], scale, bias, output: add.outputs[0] };
  return { nodes: [mul], scale, bias: 0, output: mul.outputs[0] };
}

function scaled(values: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * factor;
  return out;
}

function convParts(g: OnnxGraph, conv: OnnxNode): { weight: FloatTensor; bias: Float32Array } | undefined {
  const weight = g.constant(conv.inputs[1]);
  if (!weight || weight.dims.length !== 4) return undefined;
  const out = weight.dims[0];
  const given = conv.inputs[2] ? g.constant(conv.inputs[2]) : undefined;
  if (conv.inputs[2] && (!given || given.data.length !== out)) return undefined;
  return { weight, bias: given ? given.data : new Float32Array(out) };
}

function newConv(g: OnnxGraph, conv: OnnxNode, input: string, output: string, weight: FloatTensor, bias: Float32Array): OnnxNode {
  const base = `${conv.outputs[0]}.hearth`;
  g.addInitializer(`${base}.w`, weight);
  g.addInitializer(`${base}.b`, { dims: [bias.length], data: bias });
  return { ...conv, inputs: [input, `${base}.w`, `${base}.b`], outputs: [output] };
}

/** Conv → ×s (→ +b)  ⇒  Conv with weights·s and bias·s + b. */
function foldConvAffine(g: OnnxGraph): number {
  let count = 0;
  for (const conv of [...g.nodes]) {
    if (!is(conv, 'Conv') || !g.has(conv)) continue;
    const affine = scalarAffine(g, conv.outputs[0]);
    const parts = affine && convParts(g, conv);
    if (!affine || !parts) continue;
    const weight = { dims: parts.weight.dims, data: scaled(parts.weight.data, affine.scale) };
    const bias = parts.bias.slice();
    for (let o = 0; o < bias.length; o++) bias[o] = bias[o] * affine.scale + affine.bias;
    g.replace([conv, ...affine.nodes], [newConv(g, conv, conv.inputs[0], affine.output, weight, bias)]);
    count++;
  }
  return count;
}

function clipBounds(g: OnnxGraph, clip: OnnxNode): [number | undefined, number | undefined] {
  if (g.opset < 11) return [g.attribute(clip, 'min')?.f, g.attribute(clip, 'max')?.f];
  return [clip.inputs[1] ? g.scalar(clip.inputs[1]) : undefined, clip.inputs[2] ? g.scalar(clip.inputs[2]) : undefined];
}

/** x·clip(x+3, 0, 6)/6  ⇒  x·HardSigmoid(x; α=1/6, β=½). */
function fuseHardSwish(g: OnnxGraph): number {
  let count = 0;
  for (const add of [...g.nodes]) {
    if (!is(add, 'Add') || add.inputs.length !== 2 || !g.has(add)) continue;
    const x = add.inputs.find((i) => g.scalar(i) === undefined);
    if (x === undefined || g.scalar(other(add, x) ?? '') !== 3) continue;
    const clip = g.soleConsumer(add.outputs[0]);
    if (!is(clip, 'Clip')) continue;
    const [min, max] = clipBounds(g, clip);
    if (min !== 0 || max !== 6) continue;
    const mul = g.soleConsumer(clip.outputs[0]);
    if (!is(mul, 'Mul') || other(mul, clip.outputs[0]) !== x) continue;
    const div = g.soleConsumer(mul.outputs[0]);
    if (!is(div, 'Div') || div.inputs[0] !== mul.outputs[0] || g.scalar(div.inputs[1]) !== 6) continue;
    const gate = `${div.outputs[0]}.hearth.gate`;
    g.replace(
      [add, clip, mul, div],
      [
        {
          op: 'HardSigmoid',
          domain: '',
          name: gate,
          inputs: [x],
          outputs: [gate],
          attributes: new Map([
            ['alpha', encodeAttribute('alpha', { float: 1 / 6 })],
            ['beta', encodeAttribute('beta', { float: 0.5 })],
          ]),
        },
        { op: 'Mul', domain: '', name: `${div.outputs[0]}.hearth`, inputs: [x, gate], outputs: [div.outputs[0]], attributes: new Map() },
      ],
    );
    count++;
  }
  return count;
}

/** A 1×1 Conv with no padding, stride 1 and one group reads each input pixel alone. */
function pointwise(g: OnnxGraph, conv: OnnxNode, weight: FloatTensor): boolean {
  const pads = g.attribute(conv, 'pads')?.ints ?? [];
  const autoPad = conv.attributes.has('auto_pad');
  const group = g.attribute(conv, 'group')?.i ?? 1;
  return weight.dims[2] === 1 && weight.dims[3] === 1 && group === 1 && !autoPad && pads.every((p) => p === 0);
}

/** ×s (→ +b) → 1×1 Conv  ⇒  Conv with weights·s and bias + b·Σweights. */
function foldAffineConv(g: OnnxGraph): number {
  let count = 0;
  for (const mul of [...g.nodes]) {
    if (!is(mul, 'Mul') || !g.has(mul)) continue;
    const input = mul.inputs.find((i) => g.scalar(i) === undefined);
    if (input === undefined) continue;
    const affine = scalarAffine(g, input);
    if (!affine || affine.nodes[0] !== mul) continue;
    const conv = g.soleConsumer(affine.output);
    if (!is(conv, 'Conv') || conv.inputs[0] !== affine.output) continue;
    const parts = convParts(g, conv);
    if (!parts || !pointwise(g, conv, parts.weight)) continue;
    const [out, inputs] = parts.weight.dims;
    const w = parts.weight.data;
    const bias = parts.bias.slice();
    for (let o = 0; o < out; o++) {
      let sum = 0;
      for (let i = 0; i < inputs; i++) sum += w[o * inputs + i];
      bias[o] += affine.bias * sum;
    }
    const weight = { dims: parts.weight.dims, data: scaled(w, affine.scale) };
    g.replace([...affine.nodes, conv], [newConv(g, conv, input, conv.outputs[0], weight, bias)]);
    count++;
  }
  return count;
}

/**
 * Version of what fuseForInference does to a graph. Rewritten graphs are cached on disk under it
 * (modelCache.ts): change it with any change to the rewrites, so caches made by the old ones are not used.
 */
export const FUSE_VERSION = 1;

/** Rewrites the graph in place; says how many of each rewrite it made. */
export function fuseForInference(g: OnnxGraph): FuseReport {
  return { convAffine: foldConvAffine(g), hardSwish: fuseHardSwish(g), affineConv: foldAffineConv(g) };
}
