// Text detection: resizes the image so its longer side is at most `limitSide` (both sides multiples of 32,
// as the DB network needs), normalises with ImageNet mean/std in BGR order, runs the model, post-processes.
// A big page whose text came out tiny at that size is detected again at a finer scale.
import * as ort from 'onnxruntime-node';
import type { OcrSession } from './pipeline';
import { sharp } from '../sharp';
import type { Quad } from '../../contract/ocr';
import type { RgbImage } from '../image';
import { DB_DEFAULTS, dbPostprocess, type DbOptions, type DetectedBox } from './dbPostprocess';
import { ScratchBuffer } from './scratch';

export interface DetectOptions {
  /** Longer side of the network input on the first pass. */
  limitSide: number;
  /** Images whose longer side is below this are enlarged to it (0 = never enlarge). */
  minSide: number;
  /**
   * Boxes (text height plus unclip margin) shorter than this at the first pass's scale mean the page was
   * shrunk too far for its print: detect again finer, up to `maxPixels` of network input.
   */
  smallBoxPx: number;
  maxPixels: number;
  db: DbOptions;
}

export const DETECT_DEFAULTS: DetectOptions = { limitSide: 960, minSide: 0, smallBoxPx: 14, maxPixels: 3_000_000, db: DB_DEFAULTS };

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const scratch = new ScratchBuffer();
/** Each channel's 256 byte values normalised, blue's first (the network's channel order): a lookup per pixel. */
const NORMALISED = Float32Array.from({ length: 3 * 256 }, (_, i) => {
  const c = i >> 8;
  return ((i & 255) / 255 - MEAN[c]) / STD[c];
});

/** The first pass's scale: shrink to `limitSide`, or enlarge small images to `minSide`. */
export function detectorScale(width: number, height: number, opts: DetectOptions): number {
  const longer = Math.max(width, height);
  if (longer > opts.limitSide) return opts.limitSide / longer;
  if (longer < opts.minSide) return opts.minSide / longer;
  return 1;
}

/** Network input size at a scale: both sides multiples of 32, at least 32. */
export function inputSizeAt(width: number, height: number, ratio: number): { width: number; height: number } {
  const round32 = (v: number): number => Math.max(32, Math.round((v * ratio) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

/** The first pass's network input size. */
export function detectorInputSize(width: number, height: number, opts: DetectOptions = DETECT_DEFAULTS): { width: number; height: number } {
  return inputSizeAt(width, height, detectorScale(width, height, opts));
}

export async function detectorTensor(img: RgbImage, ratio: number): Promise<{ tensor: ort.Tensor; width: number; height: number }> {
  const size = inputSizeAt(img.width, img.height, ratio);
  const resized =
    size.width === img.width && size.height === img.height
      ? img.data
      : await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
          .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
          .raw()
          .toBuffer();
  const plane = size.width * size.height;
  const input = scratch.take(plane * 3);
  normalisedPlanes(resized, plane, input);
  return { tensor: new ort.Tensor('float32', input, [1, 3, size.height, size.width]), ...size };
}

/**
 * BGR planes: channel 0 is blue, normalised with the first mean/std, exactly as PaddleOCR feeds cv2 images. A
 * function of its own so V8 optimises the loop once rather than entering it mid-way on every image.
 */
function normalisedPlanes(rgb: Uint8Array, plane: number, input: Float32Array): void {
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    input[i] = NORMALISED[rgb[p + 2]];
    input[plane + i] = NORMALISED[256 + rgb[p + 1]];
    input[2 * plane + i] = NORMALISED[512 + rgb[p]];
  }
}

async function detectAt(session: OcrSession, img: RgbImage, ratio: number, db: DbOptions): Promise<DetectedBox[]> {
  const { tensor, width, height } = await detectorTensor(img, ratio);
  const outputs = await session.run({ [session.inputNames[0]]: tensor });
  tensor.dispose();
  const out = outputs[session.outputNames[0]];
  try {
    return dbPostprocess(out.data as Float32Array, width, height, img.width, img.height, db);
  } finally {
    out.dispose();
  }
}

function boxHeight(q: Quad): number {
  return (Math.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1]) + Math.hypot(q[2][0] - q[1][0], q[2][1] - q[1][1])) / 2;
}

export async function detectText(session: OcrSession, img: RgbImage, opts: DetectOptions = DETECT_DEFAULTS): Promise<DetectedBox[]> {
  const ratio = detectorScale(img.width, img.height, opts);
  const boxes = await detectAt(session, img, ratio, opts.db);
  if (ratio >= 1) return boxes;
  // Heights at the scale the network saw; the lower quartile, so small body text under a big title counts.
  const heights = boxes.map((b) => boxHeight(b.box) * ratio).sort((a, b) => a - b);
  const low = heights[Math.floor(heights.length / 4)];
  if (low !== undefined && low >= opts.smallBoxPx) return boxes;
  const budget = Math.sqrt(opts.maxPixels / (img.width * img.height));
  // Aim for ~2× the threshold; with nothing found, as fine as the budget allows.
  const finer = Math.min(1, budget, low === undefined ? Infinity : (ratio * 2 * opts.smallBoxPx) / Math.max(1, low));
  if (finer < ratio * 1.2) return boxes;
  return detectAt(session, img, finer, opts.db);
}
