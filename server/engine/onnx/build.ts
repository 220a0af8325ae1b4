// Writes ONNX models from the few ModelProto fields a graph needs, with the engine's protobuf writer: the test
// kit's tiny models and the linear heads training produces. Field numbers follow onnx/onnx.proto (IR version 8).
import { encodeAttribute, type AttributeValue } from './graph';
import { ProtoWriter } from './protobuf';

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
  /** producer_name; default "hearth". */
  producer?: string;
}

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
    .string(2, spec.producer ?? 'hearth')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').varint(2, spec.opset ?? 13));
  for (const [k, v] of Object.entries(spec.metadata ?? {})) {
    model.message(14, new ProtoWriter().string(1, k).string(2, v));
  }
  return model.finish();
}
