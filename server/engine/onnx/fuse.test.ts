// The graph rewrites give the same numbers as the model they rewrite: on the bundled PP-OCRv4 models, and on
// small graphs built here that have (and, where a rewrite must not fire, lack) each pattern.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildOnnxModel, type Initializer, type NodeSpec } from '../../testkit/onnx';
import { ocrModelFiles } from '../ocr/modelFiles';
import { fuseForInference, type FuseReport } from './fuse';
import { OnnxGraph } from './graph';
import { fieldInts, ProtoWriter, readFields } from './protobuf';

const OPTS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 };

/** Deterministic values in about [-1.5, 1.5], so hard-swish sees both its clipped and its curved parts. */
function wave(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(i * 0.37 * seed) * 1.2 + Math.cos(i * 0.011) * 0.3;
  return out;
}

async function run(model: Uint8Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, OPTS);
  const input = new ort.Tensor('float32', wave(dims.reduce((a, b) => a * b, 1)), dims);
  const out = await session.run({ [session.inputNames[0]]: input });
  const data = (out[session.outputNames[0]].data as Float32Array).slice();
  await session.release();
  return data;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function ops(model: Uint8Array): string[] {
  return new OnnxGraph(model).nodes.map((n) => n.op).filter((op) => op !== 'Constant');
}

function fused(model: Uint8Array): { model: Uint8Array; report: FuseReport } {
  const g = new OnnxGraph(model);
  const report = fuseForInference(g);
  return { model: g.serialize(), report };
}

const scalar = (name: string, value: number): Initializer => ({ name, dtype: 'float32', dims: [1], values: [value] });

/** Conv → ×s → +b → x·clip(x+3,0,6)/6 → ×s2 → +b2 → 1×1 Conv: the PP-LCNet layer the rewrites target. */
function lcnetLayer(opts: { clipMax?: number; extraReader?: boolean } = {}): Uint8Array {
  const nodes: NodeSpec[] = [
    { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attributes: { pads: [1, 1, 1, 1], kernel_shape: [3, 3] } },
    { op: 'Mul', inputs: ['s1', 'c1'], outputs: ['m1'] },
    { op: 'Add', inputs: ['m1', 'a1'], outputs: ['y'] },
    { op: 'Add', inputs: ['y', 'three'], outputs: ['y3'] },
    { op: 'Clip', inputs: ['y3', 'zero', 'clipmax'], outputs: ['clipped'] },
    { op: 'Mul', inputs: ['y', 'clipped'], outputs: ['prod'] },
    { op: 'Div', inputs: ['prod', 'six'], outputs: ['hs'] },
    { op: 'Mul', inputs: ['s2', 'hs'], outputs: ['m2'] },
    { op: 'Add', inputs: ['m2', 'a2'], outputs: ['z'] },
    { op: 'Conv', inputs: ['z', 'w2', 'b2'], outputs: ['out'] },
  ];
  const outputs = [{ name: 'out', dtype: 'float32' as const, shape: [1, 6, 5, 7] }];
  if (opts.extraReader) outputs.push({ name: 'c1', dtype: 'float32', shape: [1, 4, 5, 7] });
  return buildOnnxModel({
    opset: 13,
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3, 5, 7] }],
    outputs,
    nodes,
    initializers: [
      { name: 'w1', dtype: 'float32', dims: [4, 3, 3, 3], values: [...wave(108, 2)] },
      { name: 'b1', dtype: 'float32', dims: [4], values: [0.1, -0.2, 0.3, 0] },
      scalar('s1', 1.7),
      scalar('a1', -0.4),
      scalar('three', 3),
      scalar('zero', 0),
      scalar('clipmax', opts.clipMax ?? 6),
      scalar('six', 6),
      scalar('s2', 0.6),
      scalar('a2', 0.25),
      { name: 'w2', dtype: 'float32', dims: [6, 4, 1, 1], values: [...wave(24, 3)] },
      { name: 'b2', dtype: 'float32', dims: [6], values: [0, 0.5, -0.5, 1, -1, 0.2] },
    ],
  });
}

describe('protobuf reader', () => {
  it('reads back what the writer wrote, negative int64 values included', () => {
    const bytes = new ProtoWriter()
      .varint(1, 300)
      .varint(2, -1)
      .varint(3, 2 ** 40)
      .string(4, 'héllo')
      .finish();
    const fields = [...readFields(bytes)];
    expect(fields.map((f) => [f.field, f.wire])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 2],
    ]);
    expect(fields.slice(0, 3).map((f) => f.varint)).toEqual([300, -1, 2 ** 40]);
    expect(new TextDecoder().decode(bytes.subarray(fields[3].start, fields[3].end))).toBe('héllo');
  });

  it('reads packed repeated ints and refuses a truncated message', () => {
    const repeated = new ProtoWriter()
      .varint(1, 7)
      .varint(1, -3)
      .varint(1, 1 << 20)
      .finish();
    expect([...readFields(repeated)].map((f) => f.varint)).toEqual([7, -3, 1 << 20]);
    const packed = new ProtoWriter().bytes(8, Uint8Array.from([1, 0xac, 0x02, 5])).finish();
    const [f] = [...readFields(packed)];
    expect(fieldInts(packed, f)).toEqual([1, 300, 5]);
    expect(() => [...readFields(packed.subarray(0, packed.length - 1))]).toThrow(/truncated/);
  });
});

describe('graph rewrites', () => {
  it('fold the scale/bias pairs and the four-op hard-swish of a PP-LCNet layer, with the same outputs', async () => {
    const model = lcnetLayer();
    const { model: rewritten, report } = fused(model);
    expect(report).toEqual({ convAffine: 1, hardSwish: 1, affineConv: 1 });
    expect(ops(rewritten)).toEqual(['Conv', 'HardSigmoid', 'Mul', 'Conv']);
    expect(maxDiff(await run(model, [1, 3, 5, 7]), await run(rewritten, [1, 3, 5, 7]))).toBeLessThan(1e-5);
  });

  it('leave a layer alone where the pattern does not hold exactly', async () => {
    // Clip to 5 is not hard-swish; a Conv output the graph also returns cannot absorb the scale after it.
    const model = lcnetLayer({ clipMax: 5, extraReader: true });
    const { model: rewritten, report } = fused(model);
    expect(report.hardSwish).toBe(0);
    expect(report.convAffine).toBe(0);
    expect(maxDiff(await run(model, [1, 3, 5, 7]), await run(rewritten, [1, 3, 5, 7]))).toBeLessThan(1e-5);
  });

  it('give the bundled PP-OCRv4 models the same outputs with fewer nodes', async () => {
    const files = ocrModelFiles();
    const cases: [string, number[]][] = [
      [files.det, [1, 3, 96, 160]],
      [files.cls, [1, 3, 48, 192]],
      [files.rec, [1, 3, 48, 320]],
    ];
    for (const [file, dims] of cases) {
      const original = new Uint8Array(readFileSync(file));
      const { model, report } = fused(original);
      expect(report.hardSwish).toBeGreaterThan(10);
      expect(ops(model).length).toBeLessThan(ops(original).length);
      expect(maxDiff(await run(original, dims), await run(model, dims))).toBeLessThan(1e-4);
    }
  });
});
