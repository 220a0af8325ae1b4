// Tiny ONNX models for tests, written with the engine's ONNX writer (engine/onnx/build.ts), which this re-exports.
import { buildOnnxModel, type NodeSpec } from '../engine/onnx/build';

export { buildOnnxModel, ONNX_DTYPE } from '../engine/onnx/build';
export type { GraphSpec, Initializer, NodeSpec, OnnxDtype, ValueInfo } from '../engine/onnx/build';

/**
 * A 3-class colour classifier on [1,3,size,size] NCHW float input: the mean of each channel times `gain`
 * gives the logits, so a solid red image (1,0,0 after /255) scores class 0 highest. `order` permutes which
 * class each channel feeds (e.g. [1,2,0] makes red → class 1). With `softmax: false` the output is raw logits.
 */
export function colourClassifier(
  opts: { size?: number; gain?: number; order?: [number, number, number]; softmax?: boolean } = {},
): Uint8Array {
  const size = opts.size ?? 32;
  const gain = opts.gain ?? 10;
  const order = opts.order ?? [0, 1, 2];
  const weights = new Array<number>(9).fill(0);
  // weights[channel][class]: channel c feeds class order[c].
  order.forEach((cls, channel) => {
    weights[channel * 3 + cls] = gain;
  });
  const softmax = opts.softmax ?? true;
  const nodes: NodeSpec[] = [
    { op: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
    { op: 'Reshape', inputs: ['pooled', 'flat_shape'], outputs: ['flat'] },
    { op: 'MatMul', inputs: ['flat', 'weights'], outputs: [softmax ? 'logits' : 'scores'] },
  ];
  if (softmax) nodes.push({ op: 'Softmax', inputs: ['logits'], outputs: ['scores'], attributes: { axis: -1 } });
  return buildOnnxModel({
    name: 'colour_classifier',
    inputs: [{ name: 'image', dtype: 'float32', shape: [1, 3, size, size] }],
    outputs: [{ name: 'scores', dtype: 'float32', shape: [1, 3] }],
    nodes,
    initializers: [
      { name: 'flat_shape', dtype: 'int64', dims: [2], values: [1, 3] },
      { name: 'weights', dtype: 'float32', dims: [3, 3], values: weights },
    ],
  });
}

/** Two float inputs `a` and `b` of shape [batch, n] and their sum `sum`. */
export function addModel(n = 3): Uint8Array {
  return buildOnnxModel({
    name: 'add',
    inputs: [
      { name: 'a', dtype: 'float32', shape: ['batch', n] },
      { name: 'b', dtype: 'float32', shape: ['batch', n] },
    ],
    outputs: [{ name: 'sum', dtype: 'float32', shape: ['batch', n] }],
    nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['sum'] }],
  });
}

/** A solid-colour PNG of the given size, for classifier tests. */
export async function solidPng(rgb: [number, number, number], size = 48): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp');
  const buf = await sharp({ create: { width: size, height: size, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
  return new Uint8Array(buf);
}
