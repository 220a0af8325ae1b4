import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { activationTensors, quantizeConvs, RangeMeter } from './quantize';
import { buildOnnxModel } from './build';
import { FLOAT, OnnxGraph } from './graph';
import { fuseForInference } from './fuse';
import { int8Recipe, INT8_MODELS, quantizeModel } from '../ocr/int8';
import { ocrModelFiles } from '../ocr/modelFiles';

const C = 64;

/** Opset 9: a 1×1 convolution, then a Slice in its attribute form (which opset 10 takes as inputs). */
function tinyModel(): Uint8Array {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2;
  return buildOnnxModel({
    opset: 9,
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, C, 4, 8] }],
    outputs: [{ name: 'out', dtype: 'float32', shape: [1, C, 4, 4] }],
    initializers: [
      { name: 'w', dtype: 'float32', dims: [C, C, 1, 1], values: Array.from({ length: C * C }, random) },
      { name: 'b', dtype: 'float32', dims: [C], values: Array.from({ length: C }, random) },
    ],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'] },
      { op: 'Slice', inputs: ['y'], outputs: ['out'], attributes: { starts: [0], ends: [4], axes: [3] } },
    ],
  });
}

function inputs(n: number): ort.Tensor[] {
  return Array.from(
    { length: n },
    (_, k) =>
      new ort.Tensor(
        'float32',
        Float32Array.from({ length: C * 32 }, (_, i) => Math.sin(i * 0.37 + k)),
        [1, C, 4, 8],
      ),
  );
}

describe('8-bit convolutions', () => {
  it('give what the float graph gives, to the quantization step, after raising opset 9 to 10', async () => {
    const bytes = tinyModel();
    const probe = new OnnxGraph(bytes);
    const tensors = activationTensors(probe);
    expect(tensors).toEqual(['x', 'y']);
    probe.setOutputs([...probe.outputNames, ...tensors].map((name) => ({ name, elemType: FLOAT })));
    const probeSession = await ort.InferenceSession.create(probe.serialize());
    const meter = new RangeMeter();
    for (const x of inputs(4)) {
      const out = await probeSession.run({ x });
      for (const t of tensors) meter.add(t, out[t].data as Float32Array);
    }

    const g = new OnnxGraph(bytes);
    expect(quantizeConvs(g, meter.ranges())).toBe(1);
    expect(g.opset).toBe(10);
    expect(g.nodes.map((n) => n.op)).toEqual(expect.arrayContaining(['QuantizeLinear', 'DequantizeLinear', 'Conv', 'Slice']));
    const float = await ort.InferenceSession.create(bytes);
    const int8 = await ort.InferenceSession.create(g.serialize());
    const [x] = inputs(1);
    const a = (await float.run({ x })).out.data as Float32Array;
    const b = (await int8.run({ x })).out.data as Float32Array;
    expect(b.length).toBe(C * 16);
    const range = meter.ranges().get('y')!;
    const step = (range.max - range.min) / 255;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(4 * step);
  });

  it('refuse ranges that do not cover every convolution chosen', () => {
    const g = new OnnxGraph(tinyModel());
    expect(() => quantizeConvs(g, new Map([['x', { min: -1, max: 1 }]]))).toThrow(/calibration/);
  });

  it.each(['det', 'rec'] as const)(
    'apply to the bundled %s model only with ranges measured on that file, which cover every convolution chosen',
    (model) => {
      const source = readFileSync(ocrModelFiles()[model]);
      const g = new OnnxGraph(source);
      fuseForInference(g);
      const { select, ranges } = INT8_MODELS[model];
      expect(activationTensors(g, select).length).toBeGreaterThan(0);
      expect(Object.keys(ranges.tensors).sort()).toEqual(activationTensors(g, select).sort());
      expect(quantizeModel(model, g, source, { ...ranges, model: '0'.repeat(64) })).toBe(false);
      expect(g.nodes.some((n) => n.op === 'QuantizeLinear')).toBe(false);
      expect(quantizeModel(model, g, source)).toBe(true);
      expect(g.nodes.filter((n) => n.op === 'QuantizeLinear')).toHaveLength(Object.keys(ranges.tensors).length);
    },
  );
});

describe('8-bit recipes', () => {
  it('name the ranges they use, so a new calibration makes new cache entries', () => {
    const before = int8Recipe('det');
    const { ranges } = INT8_MODELS.det;
    try {
      INT8_MODELS.det.ranges = { ...ranges, tensors: { ...ranges.tensors, extra: [0, 1] } };
      expect(int8Recipe('det')).not.toBe(before);
    } finally {
      INT8_MODELS.det.ranges = ranges;
    }
    expect(int8Recipe('det')).toBe(before);
    expect(int8Recipe('rec')).not.toBe(before);
  });
});
