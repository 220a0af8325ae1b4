// Worker task `docVisual`: what a page looks like, as a vector: the bundled PP-OCRv4 detector cut at a tensor of
// its backbone, averaged over space (onnx/embedding.ts), on the page resized to a fixed size. Document-type
// classifiers read it beside the OCR text. Each worker keeps one session per cut tensor.
import * as ort from 'onnxruntime-node';
import { AppError } from '../../appError';
import type { DocTypeFeatures } from '../../contract/models';
import { decodeImage, type RgbImage } from '../image';
import { rgbToTensor } from '../models/preprocess';
import { embeddingModel, TRAINED } from '../onnx/embedding';
import { createCachedSession } from '../onnx/modelCache';
import { ocrModelFiles } from '../ocr/modelFiles';
import { openPdf } from '../pdf/pdfDocument';
import type { LoadedSession } from '../session';
import type { TaskHandler } from './types';

export interface DocVisualPayload {
  /** An image, or a PDF with the page to draw. */
  image?: Uint8Array;
  pdf?: Uint8Array;
  page?: number;
  visual: Pick<DocTypeFeatures['visual'], 'tensor' | 'size'>;
}

export interface DocVisualResult {
  vector: Float32Array;
  provider: string;
  ms: number;
}

/** The detector's own input normalisation (ImageNet mean and std on BGR planes, as PaddleOCR feeds it). */
const DETECTOR_INPUT = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channels: 'BGR', layout: 'NCHW' } as const;
/** A page is drawn this coarsely for its look: the detector sees it at a few hundred pixels anyway. */
const DRAW_DPI = 72;
const CUT_VERSION = 1;

const sessions = new Map<string, Promise<LoadedSession>>();

function session(tensor: string, ctx: Parameters<TaskHandler>[1]): Promise<LoadedSession> {
  let s = sessions.get(tensor);
  if (!s) {
    // On a GPU node the GPU's sessions live in its one session thread; this small graph runs on the worker's CPU.
    const providers = ctx.gpu ? ['cpu'] : ctx.providers;
    s = createCachedSession(
      {
        source: ocrModelFiles().det,
        recipe: `doc-visual@${CUT_VERSION}/${tensor}`,
        rewrite: (bytes) => embeddingModel(bytes, tensor, 4),
      },
      { providers, threads: ctx.threads, cacheDir: ctx.cacheDir, label: `${ctx.label ?? 'engine'} doc-visual` },
    ).catch((err: unknown) => {
      sessions.delete(tensor);
      throw err;
    });
    sessions.set(tensor, s);
  }
  return s;
}

export const docVisualTask: TaskHandler<DocVisualPayload, DocVisualResult> = async (p, ctx) => {
  const started = performance.now();
  let rgb: RgbImage;
  if (p.pdf) {
    const doc = await openPdf(p.pdf);
    try {
      const drawn = await doc.read(p.page ?? 1, DRAW_DPI, { draw: true });
      if (drawn.kind !== 'image') throw new AppError('corrupt_pdf', 422, `page ${p.page ?? 1} of the PDF cannot be drawn`);
      rgb = drawn.image;
    } finally {
      await doc.close();
    }
  } else if (p.image) {
    rgb = await decodeImage(p.image);
  } else {
    throw new AppError('bad_request', 400, 'no image or PDF to read');
  }
  const input = await rgbToTensor(rgb, {
    size: p.visual.size,
    resize: 'stretch',
    ...DETECTOR_INPUT,
    mean: [...DETECTOR_INPUT.mean],
    std: [...DETECTOR_INPUT.std],
  });
  const { session: s, provider } = await session(p.visual.tensor, ctx);
  const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) });
  const pooled = out[TRAINED.pooled];
  const vector = Float32Array.from(pooled.data as Float32Array);
  pooled.dispose();
  return { vector, provider, ms: Math.round((performance.now() - started) * 100) / 100 };
};
