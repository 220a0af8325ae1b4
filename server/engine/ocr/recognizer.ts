// Text recognition: each crop resized to height 48 with its aspect kept, normalised (x/255 − 0.5)/0.5, run
// through the CRNN-style PP-OCRv4 model and CTC-decoded. Crops are grouped by aspect so a batch pads little.
import * as ort from 'onnxruntime-node';
import type { RgbImage } from '../image';
import { writeNormalisedCrop } from './crop';
import { ctcDecode, type DecodedText } from './ctcDecode';

const HEIGHT = 48;
/** The width the model was trained around (3×48×320); narrower batches are padded up to it. */
const BASE_WIDTH = 320;

export interface RecognizeOptions {
  /** Crops per model run; 1 runs each alone. */
  batch: number;
  /** Pad narrow inputs up to the trained width (PaddleOCR does); off saves work on short crops. */
  padToBase?: boolean;
}

export async function recognizeCrops(
  session: ort.InferenceSession,
  crops: readonly RgbImage[],
  dict: readonly string[],
  opts: RecognizeOptions,
): Promise<DecodedText[]> {
  const order = crops.map((c, i) => ({ i, ratio: c.width / c.height })).sort((a, b) => a.ratio - b.ratio);
  const result: DecodedText[] = new Array(crops.length);
  for (let start = 0; start < order.length; start += opts.batch) {
    const group = order.slice(start, start + opts.batch);
    const maxRatio = Math.max(opts.padToBase === false ? 0 : BASE_WIDTH / HEIGHT, ...group.map((g) => g.ratio));
    const tensorWidth = Math.ceil(HEIGHT * maxRatio);
    const size = 3 * HEIGHT * tensorWidth;
    const input = new Float32Array(group.length * size);
    group.forEach((g, k) => {
      const w = Math.min(tensorWidth, Math.max(1, Math.ceil(HEIGHT * g.ratio)));
      writeNormalisedCrop(crops[g.i], w, HEIGHT, input, k * size, tensorWidth);
    });
    const tensor = new ort.Tensor('float32', input, [group.length, 3, HEIGHT, tensorWidth]);
    const outputs = await session.run({ [session.inputNames[0]]: tensor });
    tensor.dispose();
    const out = outputs[session.outputNames[0]];
    const [, steps, classes] = out.dims as number[];
    const probs = out.data as Float32Array;
    group.forEach((g, k) => {
      const w = Math.min(tensorWidth, Math.max(1, Math.ceil(HEIGHT * g.ratio)));
      const decoded = ctcDecode(probs, k * steps * classes, steps, classes, dict);
      // Time steps span the tensor width; map them to columns of the original crop.
      decoded.columnsPerStep = (tensorWidth / steps) * (crops[g.i].width / w);
      result[g.i] = decoded;
    });
    out.dispose();
  }
  return result;
}
