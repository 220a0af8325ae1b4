// Turns uploaded bytes into upright 8-bit RGB pixels: sharp decodes jpg/png/webp/tiff/gif (first frame) and
// applies EXIF orientation; BMP goes through our own decoder. Bad input becomes an AppError a person understands.
import { crc32 } from 'node:zlib';
import { AppError, isAppError } from '../appError';
import { sniffImageMime } from '../store/imageMime';
import { decodeBmp, isBmp } from './bmpDecode';
import { isPng, MAX_PIXELS, PNG_IHDR } from './imageSize';
import { noteDecoded } from './memory';
import { sharp, type Sharp } from './sharp';

export interface RgbImage {
  /** Interleaved RGB, row-major, 3 bytes per pixel. */
  data: Buffer;
  width: number;
  height: number;
}

function classify(err: unknown): AppError {
  const message = String((err as Error)?.message ?? err);
  if (/unsupported image format|bad seek|not a known file format/i.test(message)) {
    return new AppError('not_an_image', 415, 'the file is not an image in a supported format (jpg, png, webp, tiff, bmp, gif)', {
      cause: err,
    });
  }
  if (/pixel limit/i.test(message)) {
    return new AppError('image_too_large', 413, `the image has more than ${MAX_PIXELS} pixels; scale it down first`, { cause: err });
  }
  return new AppError('corrupt_image', 422, 'the image is damaged or truncated and cannot be decoded', { cause: err });
}

/**
 * libpng only warns about a damaged header checksum and decodes on; a PNG whose IHDR (size, depth, colour type)
 * fails its CRC is refused instead, since every pixel read after it rests on that header.
 */
function checkPngHeader(bytes: Uint8Array): void {
  if (!isPng(bytes)) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 33 || view.getUint32(8) !== 13 || view.getUint32(12) !== PNG_IHDR) {
    throw new AppError('corrupt_image', 422, 'the PNG file is damaged: its header chunk is missing or truncated');
  }
  if (crc32(bytes.subarray(12, 29)) !== view.getUint32(29)) {
    throw new AppError('corrupt_image', 422, 'the PNG file is damaged: its header checksum (CRC) does not match');
  }
}

function bmpPixels(bytes: Uint8Array, maxPixels: number): ReturnType<typeof decodeBmp> {
  try {
    return decodeBmp(bytes, maxPixels);
  } catch (err) {
    // A field combination the decoder does not foresee must still be the file's fault, not the node's.
    if (isAppError(err)) throw err;
    throw new AppError('corrupt_image', 422, 'the BMP file is damaged or truncated and cannot be decoded', { cause: err });
  }
}

/** Decodes, auto-orients and flattens any supported image to RGB. */
export async function decodeImage(bytes: Uint8Array, maxPixels = MAX_PIXELS): Promise<RgbImage> {
  if (bytes.length === 0) throw new AppError('not_an_image', 415, 'the file is empty (0 bytes), not an image');
  // Only the documented raster formats reach a decoder: libvips would also parse SVG (XML), HEIF, FITS and more,
  // each a parser the node does not need to expose.
  if (sniffImageMime(bytes) === 'application/octet-stream') {
    throw new AppError('not_an_image', 415, 'the file is not an image in a supported format (jpg, png, webp, tiff, bmp, gif)');
  }
  let input: Sharp;
  if (isBmp(bytes)) {
    const bmp = bmpPixels(bytes, maxPixels);
    input = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 3 } });
  } else {
    checkPngHeader(bytes);
    // failOn 'truncated': a cut-off file is an error, while harmless warnings (odd EXIF, extra bytes) are not.
    input = sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels, pages: 1, page: 0 });
    // Turning needs the whole image in memory before the first output row (a second full-size copy), so only
    // images whose EXIF says they are turned pay for it; the rest stream straight through.
    const orientation = await input
      .metadata()
      .then((m) => m.orientation ?? 1)
      .catch(() => 1);
    if (orientation > 1) input = input.autoOrient();
  }
  try {
    const { data, info } = await input
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
    noteDecoded(info.width * info.height);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw classify(err);
  }
}
