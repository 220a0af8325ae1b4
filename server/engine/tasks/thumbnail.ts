// Worker task `thumbnail`: a small JPEG of an image or of a PDF's first page (drawn, text layer or not), for
// reports that show examples, such as a training run's misclassified ones.
import { sharp } from '../sharp';
import { decodeImage, type RgbImage } from '../image';
import { isPdf, openPdf } from '../pdf/pdfDocument';
import type { TaskHandler } from './types';

export interface ThumbnailPayload {
  bytes: Uint8Array;
  /** Longest side in pixels. */
  side: number;
}

/** Enough dots for a thumbnail of a few hundred pixels. */
const DRAW_DPI = 48;

export const thumbnailTask: TaskHandler<ThumbnailPayload, Uint8Array> = async ({ bytes, side }) => {
  let rgb: RgbImage;
  if (isPdf(bytes)) {
    const doc = await openPdf(bytes);
    try {
      const page = await doc.read(1, DRAW_DPI, { draw: true });
      rgb = page.kind === 'image' ? page.image : await decodeImage(bytes);
    } finally {
      await doc.close();
    }
  } else {
    rgb = await decodeImage(bytes);
  }
  const jpeg = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(side, side, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  return new Uint8Array(jpeg);
};
