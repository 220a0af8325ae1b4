// Worker task `classify`: image bytes → preprocessing from the manifest → the model → ranked labels.
import * as ort from 'onnxruntime-node';
import { AppError } from '../../appError';
import type { ClassifyLabel, Preprocess } from '../../contract/models';
import { imageToTensor } from '../models/preprocess';
import { topLabels } from '../models/scores';
import { withSession } from '../models/sessionCache';
import type { TaskHandler } from './types';

export interface ClassifyPayload {
  modelPath: string;
  image: Uint8Array;
  preprocess: Preprocess;
  inputName: string;
  scoresOutput: string;
  labels: string[];
  /** From the manifest; absent = decide from the values. */
  probabilities?: boolean;
  topK: number;
  /** Release the session after this long unused. */
  idleMs: number;
}

export interface ClassifyResult {
  labels: ClassifyLabel[];
  provider: string;
  /** Preprocessing + inference in this worker, milliseconds. */
  ms: number;
}

export const classifyTask: TaskHandler<ClassifyPayload, ClassifyResult> = async (p, ctx) => {
  const started = performance.now();
  const input = await imageToTensor(p.image, p.preprocess);
  return withSession(p.modelPath, { providers: ctx.providers, threads: ctx.threads, idleMs: p.idleMs }, async ({ session, provider }) => {
    const out = await session.run({ [p.inputName]: new ort.Tensor('float32', input.data, input.dims) }, [p.scoresOutput]);
    const scores = out[p.scoresOutput];
    if (!scores || (scores.type !== 'float32' && scores.type !== 'float64')) {
      throw new AppError('invalid_model', 422, `output "${p.scoresOutput}" did not give float scores`);
    }
    // One image per run: the scores are the first row of the last dimension.
    const classes = scores.dims.at(-1) ?? scores.data.length;
    const row = (scores.data as Float32Array | Float64Array).subarray(0, classes);
    const labels = topLabels(row, p.labels, { topK: p.topK, probabilities: p.probabilities });
    return { labels, provider, ms: Math.round((performance.now() - started) * 100) / 100 };
  });
};
