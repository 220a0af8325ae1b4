// Writes tiny ONNX models for tests, with the engine's protobuf writer, from the few ModelProto fields a graph
// needs. Field numbers follow onnx/onnx.proto (IR version 8).
import { encodeAttribute, type AttributeValue } from '../engine/onnx/graph';
import { ProtoWriter } from '../engine/onnx/protobuf';

/** ONNX TensorProto.DataType values for the element types tests use. */
export const ONNX_DTYPE = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
} as const;
export type OnnxDtype = keyof typeof ONNX_DTYPE;

export interface ValueInfo {
  name: string;
  dtype: OnnxDtype;
  /** Numbers are fixed sizes; strings are symbolic dimensions (e.g. "batch"). */
  shape: (number | string)[];
}

export interface Initializer {
  name: string;
  dtype: 'float32' | 'int64';
  dims: number[];
  values: number[];
  /** Keep the values in a file beside the model (ONNX external data) at this relative location instead. */
  externalLocation?: string;
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integers become INT/INTS attributes; use {float} / {floats} for float attributes. */
  attributes?: Record<string, AttributeValue>;
}

export interface GraphSpec {
  name?: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: NodeSpec[];
  initializers?: Initializer[];
  opset?: number;
  metadata?: Record<string, string>;
}

// ---- ONNX messages ----------------------------------------------------------------------------

function valueInfo(v: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().varint(1, ONNX_DTYPE[v.dtype]).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, v.name).message(2, type);
}

function tensor(t: Initializer): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, ONNX_DTYPE[t.dtype]);
  w.string(8, t.name);
  if (t.externalLocation !== undefined) {
    // external_data entries (location, offset, length) and data_location = EXTERNAL.
    const bytes = (t.dtype === 'float32' ? 4 : 8) * t.values.length;
    for (const [k, v] of [
      ['location', t.externalLocation],
      ['offset', '0'],
      ['length', String(bytes)],
    ]) {
      w.message(13, new ProtoWriter().string(1, k).string(2, v));
    }
    return w.varint(14, 1);
  }
  // raw_data holds little-endian values, which is what ONNX Runtime expects.
  const raw =
    t.dtype === 'float32'
      ? new Uint8Array(Float32Array.from(t.values).buffer)
      : new Uint8Array(BigInt64Array.from(t.values.map((v) => BigInt(v))).buffer);
  w.bytes(9, raw);
  return w;
}

function node(n: NodeSpec, index: number): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name ?? `${n.op}_${index}`);
  w.string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.bytes(5, encodeAttribute(k, v));
  return w;
}

/** Serialises a graph into ONNX ModelProto bytes that ONNX Runtime loads. */
export function buildOnnxModel(spec: GraphSpec): Uint8Array {
  const graph = new ProtoWriter();
  spec.nodes.forEach((n, i) => graph.message(1, node(n, i)));
  graph.string(2, spec.name ?? 'hearth_test');
  for (const t of spec.initializers ?? []) graph.message(5, tensor(t));
  for (const i of spec.inputs) graph.message(11, valueInfo(i));
  for (const o of spec.outputs) graph.message(12, valueInfo(o));

  const model = new ProtoWriter()
    .varint(1, 8) // ir_version
    .string(2, 'hearth-testkit')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').varint(2, spec.opset ?? 13));
  for (const [k, v] of Object.entries(spec.metadata ?? {})) {
    model.message(14, new ProtoWriter().string(1, k).string(2, v));
  }
  return model.finish();
}

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
