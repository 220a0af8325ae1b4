// Text recognition: each crop resized to height 48 with its aspect kept, normalised (x/255 − 0.5)/0.5, run
// through the PP-OCRv4 recogniser (with the per-step CTC head of ctcHead.ts) and CTC-decoded. Crops are
// grouped by aspect so a batch pads little.
import * as ort from 'onnxruntime-node';
import type { OcrSession } from './pipeline';
import type { RgbImage } from '../image';
import { writeNormalisedCrop } from './crop';
import { CTC_OUTPUTS, CTC_TOP_K } from './ctcHead';
import { ctcDecode, type DecodedText } from './ctcDecode';
import { ScratchBuffer } from './scratch';

const HEIGHT = 48;
/** The width the model was trained around (3×48×320); narrower batches are padded up to it. */
const BASE_WIDTH = 320;
const scratch = new ScratchBuffer();

export interface RecogniseOptions {
  /** Crops per model run; 1 runs each alone. */
  batch: number;
  /** Pad narrow inputs up to the trained width (PaddleOCR does); off saves work on short crops. */
  padToBase?: boolean;
  /** Widen every crop by this factor before reading (more time steps per glyph). Default 1. */
  stretch?: number;
  /**
   * Round each batch's width up to a multiple of this (the padding reads as blank): on a GPU, inputs of a few
   * widths batch across requests and reuse compiled kernels. 1 = exact widths.
   */
  widthStep?: number;
}

export async function recogniseCrops(
  session: OcrSession,
  crops: readonly RgbImage[],
  dict: readonly string[],
  opts: RecogniseOptions,
): Promise<DecodedText[]> {
  const stretch = opts.stretch ?? 1;
  const order = crops.map((c, i) => ({ i, ratio: (stretch * c.width) / c.height })).sort((a, b) => a.ratio - b.ratio);
  const result: DecodedText[] = new Array(crops.length);
  for (let start = 0; start < order.length; start += opts.batch) {
    const group = order.slice(start, start + opts.batch);
    const maxRatio = Math.max(opts.padToBase === false ? 0 : BASE_WIDTH / HEIGHT, ...group.map((g) => g.ratio));
    const step = opts.widthStep ?? 1;
    const tensorWidth = Math.ceil(Math.ceil(HEIGHT * maxRatio) / step) * step;
    const size = 3 * HEIGHT * tensorWidth;
    const input = scratch.take(group.length * size, true);
    group.forEach((g, k) => {
      const w = Math.min(tensorWidth, Math.max(1, Math.ceil(HEIGHT * g.ratio)));
      writeNormalisedCrop(crops[g.i], w, HEIGHT, input, k * size, tensorWidth);
    });
    const tensor = new ort.Tensor('float32', input, [group.length, 3, HEIGHT, tensorWidth]);
    const outputs = await session.run({ [session.inputNames[0]]: tensor });
    tensor.dispose();
    const steps = outputs[CTC_OUTPUTS.space].dims[1];
    const perStep = {
      k: CTC_TOP_K,
      classes: outputs[CTC_OUTPUTS.classes].data as BigInt64Array,
      probs: outputs[CTC_OUTPUTS.probs].data as Float32Array,
      space: outputs[CTC_OUTPUTS.space].data as Float32Array,
    };
    group.forEach((g, k) => {
      const w = Math.min(tensorWidth, Math.max(1, Math.ceil(HEIGHT * g.ratio)));
      const decoded = ctcDecode(perStep, k * steps, steps, dict);
      // Time steps span the tensor width; map them to columns of the original crop.
      decoded.columnsPerStep = (tensorWidth / steps) * (crops[g.i].width / w);
      result[g.i] = decoded;
    });
    for (const t of Object.values(outputs)) t.dispose();
  }
  return result;
}
