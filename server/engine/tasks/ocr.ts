// The `ocr` task: one image's bytes in, its OcrResult out. Each worker thread loads its own three sessions
// once and reuses them for every image.
import type { OcrResult } from '../../contract/ocr';
import { remoteOcrModels } from '../gpu/remoteSession';
import { loadOcrModels, runOcr, type OcrModels } from '../ocr/pipeline';
import type { TaskContext, TaskHandler } from './types';

export interface OcrPayload {
  image: Uint8Array;
}

let models: Promise<OcrModels> | undefined;

/** Loads (once per worker thread) the detection, direction and recognition sessions; `signal` can call the first load off. */
export function ocrModels(ctx: TaskContext, signal?: AbortSignal): Promise<OcrModels> {
  models ??= (ctx.gpu ? Promise.resolve(remoteOcrModels(ctx.gpu)) : loadOcrModels(ctx, signal)).catch((err: unknown) => {
    models = undefined;
    throw err;
  });
  return models;
}

export const ocrTask: TaskHandler<OcrPayload, OcrResult> = async (payload, ctx) => runOcr(await ocrModels(ctx), payload.image);
