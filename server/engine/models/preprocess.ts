// Image bytes → the float tensor a classify model takes, as its manifest says: resize to H×W, pixels /255,
// (x - mean) / std per channel, RGB or BGR, NCHW or NHWC. Runs inside engine workers.
import { sharp } from '../sharp';
import type { Preprocess } from '../../contract/models';
import { decodeImage, type RgbImage } from '../image';

export interface ImageTensor {
  data: Float32Array;
  dims: number[];
}

const FIT = { stretch: 'fill', contain: 'contain', cover: 'cover' } as const;

/** Decodes (the engine's decoder: EXIF-rotated, alpha flattened, BMP too) and normalises; a bad image is a 4xx AppError. */
export async function imageToTensor(bytes: Uint8Array, pp: Preprocess): Promise<ImageTensor> {
  return rgbToTensor(await decodeImage(bytes), pp);
}

/** The same for pixels already decoded (a drawn PDF page). */
export async function rgbToTensor(rgb: RgbImage, pp: Preprocess): Promise<ImageTensor> {
  const [h, w] = pp.size;
  const pixels = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(w, h, { fit: FIT[pp.resize], background: { r: 0, g: 0, b: 0 }, position: 'centre' })
    .raw()
    .toBuffer();
  const plane = h * w;
  const data = new Float32Array(plane * 3);
  // Output channel c reads source channel src[c]: RGB keeps the order, BGR swaps red and blue.
  const src = pp.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const scale = [0, 1, 2].map((c) => 1 / (255 * pp.std[c]));
  const shift = [0, 1, 2].map((c) => pp.mean[c] / pp.std[c]);
  for (let p = 0; p < plane; p++) {
    const base = p * 3;
    for (let c = 0; c < 3; c++) {
      const v = pixels[base + src[c]] * scale[c] - shift[c];
      data[pp.layout === 'NCHW' ? c * plane + p : p * 3 + c] = v;
    }
  }
  return { data, dims: pp.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3] };
}
