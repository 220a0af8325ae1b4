// ONNX Runtime's process-wide set-up, taken ahead by a worker waiting for its start: reached where the engine
// expects it (a pinned package's internal path), and sessions load after it as before.
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addModel } from '../testkit/onnx';
import { createSession, setUpOnnxRuntime } from './session';

describe("ONNX Runtime's set-up ahead of the first session", () => {
  it('is reached where setUpOnnxRuntime looks for it, and sessions load and run after it', async () => {
    const binding = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as { initOrt?: unknown };
    expect(typeof binding.initOrt).toBe('function');
    setUpOnnxRuntime();
    setUpOnnxRuntime();
    const { session, provider } = await createSession(addModel(2), { providers: ['cpu'] });
    const t = (v: number[]): ort.Tensor => new ort.Tensor('float32', Float32Array.from(v), [1, 2]);
    const out = await session.run({ [session.inputNames[0]]: t([1, 2]), [session.inputNames[1]]: t([3, 4]) });
    expect(provider).toBe('cpu');
    expect([...(out[session.outputNames[0]].data as Float32Array)]).toEqual([4, 6]);
    await session.release();
  });
});
