// Worker task `infer`: named tensors in, named tensors out, for any model (the generic tensor API).
import * as ort from 'onnxruntime-node';
import { AppError } from '../../appError';
import { withSession } from '../models/sessionCache';
import type { TensorData } from '../models/tensors';
import type { TaskHandler } from './types';

export interface InferPayload {
  modelPath: string;
  inputs: Record<string, TensorData>;
  /** Outputs to fetch; absent = all. */
  outputs?: string[];
  idleMs: number;
}

export interface InferResult {
  outputs: Record<string, { dtype: string; dims: number[]; data: unknown }>;
  provider: string;
  ms: number;
}

export const inferTask: TaskHandler<InferPayload, InferResult> = async (p, ctx) => {
  const started = performance.now();
  return withSession(p.modelPath, { providers: ctx.providers, threads: ctx.threads, idleMs: p.idleMs }, async ({ session, provider }) => {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(p.inputs)) feeds[name] = new ort.Tensor(t.dtype, t.data, t.dims);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = p.outputs?.length ? await session.run(feeds, p.outputs) : await session.run(feeds);
    } catch (err) {
      // Shapes the manifest leaves open can still be wrong for the graph; ONNX Runtime's reason is the useful part.
      const reason = String((err as Error).message ?? err)
        .split('\n')[0]
        .slice(0, 300);
      throw new AppError('bad_request', 400, `the model could not run on these inputs: ${reason}`);
    }
    const outputs: InferResult['outputs'] = {};
    for (const [name, t] of Object.entries(results)) outputs[name] = { dtype: t.type, dims: [...t.dims], data: t.data };
    return { outputs, provider, ms: Math.round((performance.now() - started) * 100) / 100 };
  });
};
