// The `ocr` task: one image's bytes in, its OcrResult out. Each worker thread loads its own three sessions
// once and reuses them for every image.
import type { LayoutMode, OcrResult } from '../../contract/ocr';
import { remoteOcrModels } from '../gpu/remoteSession';
import { prepareWordTable } from '../ocr/lexicon';
import { loadOcrModels, OCR_DEFAULTS, runOcr, type OcrModels } from '../ocr/pipeline';
import { timed } from '../../startupTimings';
import type { TaskContext, TaskHandler } from './types';

export interface OcrPayload {
  image: Uint8Array;
  /** The detector's first-pass size when the caller chose one. */
  limitSide?: number;
  /** Off: the reading without look-alike corrections. Default on. */
  lookAlikes?: boolean;
  layout?: LayoutMode;
}

let models: Promise<OcrModels> | undefined;

/**
 * Loads (once per worker thread) the detection, direction and recognition sessions, and the word index the
 * look-alike corrections consult; `signal` can call the first load off.
 */
export function ocrModels(ctx: TaskContext, signal?: AbortSignal): Promise<OcrModels> {
  models ??= Promise.all([
    ctx.gpu ? Promise.resolve(remoteOcrModels(ctx.gpu)) : loadOcrModels(ctx, signal),
    timed(`${ctx.label ?? 'engine'} word index (ready; shares the thread with the sessions)`, () => prepareWordTable(ctx.cacheDir)),
  ]).then(
    ([loaded]) => loaded,
    (err: unknown) => {
      models = undefined;
      throw err;
    },
  );
  return models;
}

export const ocrTask: TaskHandler<OcrPayload, OcrResult> = async (payload, ctx) =>
  runOcr(await ocrModels(ctx), payload.image, {
    ...OCR_DEFAULTS,
    layout: payload.layout ?? OCR_DEFAULTS.layout,
    lookAlikes: payload.lookAlikes ?? OCR_DEFAULTS.lookAlikes,
    detect: payload.limitSide ? { ...OCR_DEFAULTS.detect, limitSide: payload.limitSide } : OCR_DEFAULTS.detect,
  });
