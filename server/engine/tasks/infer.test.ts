// The infer worker task and the JSON tensor conversions around it, on a two-input Add model.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAll } from '../models/sessionCache';
import { checkInputs, tensorFromJson, tensorToJson } from '../models/tensors';
import { addModel } from '../../testkit/onnx';
import { inferTask } from './infer';

const ctx = { providers: ['cpu'], threads: 1 };
let dir: string;
let model: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-infer-'));
  model = join(dir, 'add.onnx');
  writeFileSync(model, addModel(3));
});
afterAll(async () => {
  await releaseAll();
  rmSync(dir, { recursive: true, force: true });
});

const specs = [
  { name: 'a', dtype: 'float32', shape: ['batch', 3] },
  { name: 'b', dtype: 'float32', shape: ['batch', 3] },
] as const;

describe('infer task', () => {
  it('adds two named tensors and returns named tensors', async () => {
    const inputs = {
      a: tensorFromJson('a', { dtype: 'float32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }),
      b: tensorFromJson('b', { dtype: 'float32', shape: [2, 3], data: [10, 20, 30, 40, 50, 60.5] }),
    };
    checkInputs(
      inputs,
      [...specs].map((s) => ({ ...s, shape: [...s.shape] })),
    );
    const r = await inferTask({ modelPath: model, inputs, idleMs: 60_000 }, ctx);
    expect(r.provider).toBe('cpu');
    expect(tensorToJson(r.outputs.sum)).toEqual({ dtype: 'float32', shape: [2, 3], data: [11, 22, 33, 44, 55, 66.5] });
  });

  it('rejects inputs that do not fit before they reach a worker', () => {
    const s = [...specs].map((x) => ({ ...x, shape: [...x.shape] }));
    const a = tensorFromJson('a', { dtype: 'float32', shape: [1, 3], data: [1, 2, 3] });
    expect(() => checkInputs({ a }, s)).toThrow(/input "b" is missing/);
    expect(() => checkInputs({ a, b: a, c: a }, s)).toThrow(/no input "c"/);
    const wide = tensorFromJson('b', { dtype: 'float32', shape: [1, 4], data: [1, 2, 3, 4] });
    expect(() => checkInputs({ a, b: wide }, s)).toThrow(/must have shape \[batch,3\], not \[1,4\]/);
    const ints = tensorFromJson('b', { dtype: 'int32', shape: [1, 3], data: [1, 2, 3] });
    expect(() => checkInputs({ a, b: ints }, s)).toThrow(/must be float32, not int32/);
    expect(() => tensorFromJson('a', { dtype: 'float32', shape: [2, 3], data: [1] })).toThrow(/holds 6 elements but data has 1/);
    expect(() => tensorFromJson('a', { dtype: 'uint8', shape: [1], data: [300] })).toThrow(/not a valid uint8/);
  });

  it('reports a graph-level failure as a 400 with the runtime reason', async () => {
    const inputs = {
      a: tensorFromJson('a', { dtype: 'float32', shape: [1, 3], data: [1, 2, 3] }),
      // [1,3] + [1,2] does not broadcast; the manifest check would catch it, the runtime's reason is the net below it.
      b: tensorFromJson('b', { dtype: 'float32', shape: [1, 2], data: [1, 2] }),
    };
    await expect(inferTask({ modelPath: model, inputs, idleMs: 1000 }, ctx)).rejects.toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('carries int64 and bool through JSON', () => {
    const t = tensorFromJson('i', { dtype: 'int64', shape: [2], data: [-5, 9007199254740991] });
    expect(tensorToJson({ dtype: 'int64', dims: t.dims, data: t.data })).toEqual({
      dtype: 'int64',
      shape: [2],
      data: [-5, 9007199254740991],
    });
    const b = tensorFromJson('b', { dtype: 'bool', shape: [3], data: [true, false, 1] });
    expect(tensorToJson({ dtype: 'bool', dims: b.dims, data: b.data }).data).toEqual([true, false, true]);
  });
});
