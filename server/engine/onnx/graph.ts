// An ONNX model opened for rewriting: the graph's nodes as editable records, float constants decoded on demand,
// and everything else (weights included) carried through as the original bytes. Field numbers follow
// onnx/onnx.proto: ModelProto graph=7, opset_import=8; GraphProto node=1, initializer=5, output=12;
// NodeProto input=1, output=2, name=3, op_type=4, attribute=5, domain=7.
import { fieldInts, fieldString, ProtoWriter, readFields, type ProtoField } from './protobuf';

/** TensorProto.DataType values. */
export const FLOAT = 1;
export const UINT8 = 2;
export const INT8 = 3;
export const INT32 = 6;
export const INT64 = 7;

/** Typed arrays an initializer can be written from, by the TensorProto.DataType they hold. */
type InitializerData = Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

function dataType(data: InitializerData): number {
  if (data instanceof Float32Array) return FLOAT;
  if (data instanceof BigInt64Array) return INT64;
  if (data instanceof Int32Array) return INT32;
  if (data instanceof Int8Array) return INT8;
  return UINT8;
}

export interface OnnxNode {
  op: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** AttributeProto payloads by attribute name. */
  attributes: Map<string, Uint8Array>;
  /** The node as read; re-emitted unchanged unless a rewrite cleared it. */
  encoded?: Uint8Array;
}

export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

interface Attribute {
  f?: number;
  i?: number;
  ints?: number[];
  tensor?: ProtoField;
}

function parseAttribute(bytes: Uint8Array): Attribute {
  const a: Attribute = {};
  for (const f of readFields(bytes)) {
    if (f.field === 2 && f.wire === 5) a.f = new DataView(bytes.buffer, bytes.byteOffset + f.start, 4).getFloat32(0, true);
    else if (f.field === 3) a.i = f.varint;
    else if (f.field === 8) (a.ints ??= []).push(...fieldInts(bytes, f));
    else if (f.field === 5) a.tensor = f;
  }
  return a;
}

/** A float TensorProto's dims and values (raw_data or float_data); undefined for other types or external data. */
function parseFloatTensor(bytes: Uint8Array, start: number, end: number): FloatTensor | undefined {
  const dims: number[] = [];
  let type = 0;
  let raw: Uint8Array | undefined;
  const floats: number[] = [];
  for (const f of readFields(bytes, start, end)) {
    if (f.field === 1) dims.push(...fieldInts(bytes, f));
    else if (f.field === 2) type = f.varint;
    else if (f.field === 9) raw = bytes.subarray(f.start, f.end);
    else if (f.field === 4) {
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      for (let p = f.start; p < f.end; p += 4) floats.push(view.getFloat32(p, true));
    } else if (f.field === 13 || f.field === 14) return undefined;
  }
  if (type !== FLOAT) return undefined;
  // Copied out: raw_data need not be 4-byte aligned within the file.
  const data = raw ? new Float32Array(new Uint8Array(raw).buffer) : Float32Array.from(floats);
  return { dims, data };
}

/** OperatorSetIdProto: domain=1, version=2. */
function opsetDomain(bytes: Uint8Array, f: ProtoField): string {
  for (const g of readFields(bytes, f.start, f.end)) if (g.field === 1) return fieldString(bytes, g);
  return '';
}

function opsetVersion(bytes: Uint8Array, f: ProtoField): number {
  for (const g of readFields(bytes, f.start, f.end)) if (g.field === 2) return g.varint;
  return 0;
}

function encodeNode(n: OnnxNode): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.op);
  for (const payload of n.attributes.values()) w.bytes(5, payload);
  if (n.domain) w.string(7, n.domain);
  return w.finish();
}

/** An attribute value: integers become INT/INTS; {float}/{floats} are FLOAT/FLOATS; strings are STRING. */
export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] };

/** An AttributeProto (name 1, f 2, i 3, s 4, floats 7, ints 8, type 20). */
export function encodeAttribute(name: string, value: AttributeValue): Uint8Array {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'number') return w.varint(3, value).varint(20, 2).finish();
  if (typeof value === 'string') return w.string(4, value).varint(20, 3).finish();
  if (Array.isArray(value)) {
    const packed = new ProtoWriter();
    // Packed repeated int64: the varints back to back, without keys.
    for (const v of value) packed.raw(new ProtoWriter().varint(1, v).finish().subarray(1));
    return w.message(8, packed).varint(20, 7).finish();
  }
  if ('float' in value) return w.float(2, value.float).varint(20, 1).finish();
  return w
    .bytes(7, new Uint8Array(Float32Array.from(value.floats).buffer))
    .varint(20, 6)
    .finish();
}

/** A new node, named after its first output, with its attributes encoded. */
export function makeNode(
  op: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, AttributeValue> = {},
  domain = '',
): OnnxNode {
  const encoded = Object.entries(attributes).map(([name, value]) => [name, encodeAttribute(name, value)] as const);
  return { op, domain, name: outputs[0], inputs, outputs, attributes: new Map(encoded) };
}

export class OnnxGraph {
  nodes: OnnxNode[] = [];
  private readonly graph: ProtoField;
  private readonly initializers = new Map<string, ProtoField>();
  private readonly outputs = new Set<string>();
  private readonly inputs = new Set<string>();
  private readonly added = new Map<string, Uint8Array>();
  private readonly constants = new Map<string, FloatTensor | undefined>();
  private readonly consumerIndex = new Map<string, OnnxNode[]>();
  private readonly constantNodes = new Map<string, OnnxNode>();
  private readonly initializerAt = new Map<number, string>();
  private readonly removed = new WeakSet<OnnxNode>();
  private newOutputs?: Uint8Array[];
  /** Operator set versions to write in place of the model's, by domain ("" is the default domain). */
  private readonly newOpsets = new Map<string, number>();
  /** The default-domain opset the model was exported for, or set by setOpset. */
  opset: number;

  constructor(private readonly bytes: Uint8Array) {
    let graph: ProtoField | undefined;
    let opset = 0;
    for (const f of readFields(bytes)) {
      if (f.field === 7) graph = f;
      else if (f.field === 8) {
        const domain = opsetDomain(bytes, f);
        if (domain === '' || domain === 'ai.onnx') opset = opsetVersion(bytes, f);
      }
    }
    if (!graph) throw new Error('not an ONNX model: no graph');
    this.graph = graph;
    this.opset = opset;
    for (const f of readFields(bytes, graph.start, graph.end)) {
      if (f.field === 1) this.nodes.push(this.parseNode(f));
      else if (f.field === 5) {
        for (const g of readFields(bytes, f.start, f.end)) {
          if (g.field !== 8) continue;
          this.initializers.set(fieldString(bytes, g), f);
          this.initializerAt.set(f.from, fieldString(bytes, g));
        }
      } else if (f.field === 11 || f.field === 12) {
        const names = f.field === 11 ? this.inputs : this.outputs;
        for (const g of readFields(bytes, f.start, f.end)) if (g.field === 1) names.add(fieldString(bytes, g));
      }
    }
    this.index(this.nodes, true);
  }

  private index(nodes: readonly OnnxNode[], add: boolean): void {
    for (const n of nodes) {
      if (n.op === 'Constant' && add) this.constantNodes.set(n.outputs[0], n);
      for (const i of n.inputs) {
        const list = this.consumerIndex.get(i) ?? [];
        if (add) list.push(n);
        else list.splice(list.indexOf(n), 1);
        this.consumerIndex.set(i, list);
      }
    }
  }

  private parseNode(f: ProtoField): OnnxNode {
    const node: OnnxNode = {
      op: '',
      domain: '',
      name: '',
      inputs: [],
      outputs: [],
      attributes: new Map(),
      encoded: this.bytes.subarray(f.start, f.end),
    };
    for (const g of readFields(this.bytes, f.start, f.end)) {
      if (g.field === 1) node.inputs.push(fieldString(this.bytes, g));
      else if (g.field === 2) node.outputs.push(fieldString(this.bytes, g));
      else if (g.field === 3) node.name = fieldString(this.bytes, g);
      else if (g.field === 4) node.op = fieldString(this.bytes, g);
      else if (g.field === 7) node.domain = fieldString(this.bytes, g);
      else if (g.field === 5) {
        const payload = this.bytes.subarray(g.start, g.end);
        for (const h of readFields(payload)) if (h.field === 1) node.attributes.set(fieldString(payload, h), payload);
      }
    }
    return node;
  }

  attribute(node: OnnxNode, name: string): Attribute | undefined {
    const payload = node.attributes.get(name);
    return payload && parseAttribute(payload);
  }

  /** The value of a float initializer or Constant node output; undefined when `name` is computed at run time. */
  constant(name: string): FloatTensor | undefined {
    if (this.constants.has(name)) return this.constants.get(name);
    let value: FloatTensor | undefined;
    const init = this.initializers.get(name);
    if (init) value = parseFloatTensor(this.bytes, init.start, init.end);
    else {
      const payload = this.constantNodes.get(name)?.attributes.get('value');
      const t = payload && parseAttribute(payload).tensor;
      if (payload && t) value = parseFloatTensor(payload, t.start, t.end);
    }
    this.constants.set(name, value);
    return value;
  }

  /** A constant holding one number (any shape of one element), or undefined. */
  scalar(name: string): number | undefined {
    const c = this.constant(name);
    return c && c.data.length === 1 ? c.data[0] : undefined;
  }

  addInitializer(name: string, value: { dims: number[]; data: InitializerData }): void {
    const w = new ProtoWriter();
    for (const d of value.dims) w.varint(1, d);
    w.varint(2, dataType(value.data)).string(8, name);
    w.bytes(9, new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength));
    this.added.set(name, w.finish());
    if (value.data instanceof Float32Array) this.constants.set(name, value as FloatTensor);
  }

  /**
   * Declares the operator set version of a domain ("" = default) the graph is written for. Raising the default
   * domain's is for rewrites that have brought every node up to that version.
   */
  setOpset(domain: string, version: number): void {
    this.newOpsets.set(domain, version);
    if (domain === '') this.opset = version;
  }

  /** The graph's outputs, in order. */
  get outputNames(): string[] {
    return [...this.outputs];
  }

  /** Adds nodes after the current last one. */
  append(nodes: readonly OnnxNode[]): void {
    const added = nodes.map((m) => ({ ...m, encoded: undefined }));
    this.nodes.push(...added);
    this.index(added, true);
  }

  /** Adds nodes before the first one. */
  prepend(nodes: readonly OnnxNode[]): void {
    const added = nodes.map((m) => ({ ...m, encoded: undefined }));
    this.nodes.unshift(...added);
    this.index(added, true);
  }

  /** Makes these tensors the graph's outputs (element type only; ONNX Runtime infers shapes). */
  setOutputs(outputs: readonly { name: string; elemType: number }[]): void {
    this.outputs.clear();
    this.newOutputs = outputs.map((o) => {
      this.outputs.add(o.name);
      const tensorType = new ProtoWriter().varint(1, o.elemType);
      return new ProtoWriter().string(1, o.name).message(2, new ProtoWriter().message(1, tensorType)).finish();
    });
  }

  /** Nodes reading `name`. */
  consumers(name: string): readonly OnnxNode[] {
    return this.consumerIndex.get(name) ?? [];
  }

  /** The single node reading `name`, when exactly one does and it is not a graph output. */
  soleConsumer(name: string): OnnxNode | undefined {
    const c = this.consumers(name);
    return c.length === 1 && !this.outputs.has(name) ? c[0] : undefined;
  }

  /** Replaces `remove` with `insert` (placed where the last removed node was), to be encoded afresh. */
  replace(remove: readonly OnnxNode[], insert: readonly OnnxNode[]): void {
    const gone = new Set(remove);
    for (const n of remove) this.removed.add(n);
    const at = Math.max(...remove.map((n) => this.nodes.indexOf(n)));
    const added = insert.map((m) => ({ ...m, encoded: undefined }));
    this.nodes.splice(at + 1, 0, ...added);
    this.nodes = this.nodes.filter((n) => !gone.has(n));
    this.index(remove, false);
    this.index(added, true);
  }

  /** Whether `node` is still in the graph (not replaced). */
  has(node: OnnxNode): boolean {
    return !this.removed.has(node);
  }

  /**
   * The model with the current nodes and added initializers. Constants nothing reads any more (weights a
   * rewrite replaced) are left out, so ONNX Runtime neither loads nor warns about them.
   */
  serialize(): Uint8Array {
    const read = new Set<string>(this.outputs);
    for (const n of this.nodes) for (const i of n.inputs) read.add(i);
    const nodes = this.nodes.filter((n) => n.op !== 'Constant' || n.outputs.some((o) => read.has(o)));
    const keep = (name: string): boolean => read.has(name) || this.inputs.has(name);
    const graph = new ProtoWriter();
    let nodesWritten = false;
    let outputsWritten = false;
    for (const f of readFields(this.bytes, this.graph.start, this.graph.end)) {
      if (f.field === 1) {
        if (!nodesWritten) for (const n of nodes) graph.bytes(1, n.encoded ?? encodeNode(n));
        nodesWritten = true;
      } else if (f.field === 5) {
        const name = this.initializerAt.get(f.from);
        if (name === undefined || keep(name)) graph.raw(this.bytes.subarray(f.from, f.end));
      } else if (f.field === 12 && this.newOutputs) {
        if (!outputsWritten) for (const o of this.newOutputs) graph.bytes(12, o);
        outputsWritten = true;
      } else graph.raw(this.bytes.subarray(f.from, f.end));
    }
    for (const [name, t] of this.added) if (keep(name)) graph.bytes(5, t);
    const model = new ProtoWriter();
    const opsets = new Map(this.newOpsets);
    for (const f of readFields(this.bytes)) {
      if (f.field === 7) model.message(7, graph);
      else if (f.field === 8) {
        const domain = opsetDomain(this.bytes, f);
        const version = opsets.get(domain === 'ai.onnx' ? '' : domain);
        if (version === undefined) model.raw(this.bytes.subarray(f.from, f.end));
        else model.message(8, new ProtoWriter().string(1, domain).varint(2, version));
        opsets.delete(domain === 'ai.onnx' ? '' : domain);
      } else model.raw(this.bytes.subarray(f.from, f.end));
    }
    for (const [domain, version] of opsets) model.message(8, new ProtoWriter().string(1, domain).varint(2, version));
    return model.finish();
  }
}
