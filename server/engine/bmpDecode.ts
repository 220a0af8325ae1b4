// Decodes Windows BMP files to raw RGB, because sharp's prebuilt libvips has no BMP loader.
// Covers what scanners and paint programs write: 1/4/8-bit palettes, 16/24/32-bit, BI_RGB and BI_BITFIELDS,
// bottom-up and top-down rows. RLE-compressed BMPs are refused with a clear error.
import { AppError } from '../appError';

export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

function corrupt(detail: string): AppError {
  return new AppError('corrupt_image', 422, `the BMP file is damaged or truncated (${detail})`);
}

/** Where a channel mask starts and how many bits it has, to scale any bit depth to 0..255. */
function maskShape(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Width × height from the header; 0 when the header is too short or unknown. */
export function bmpPixelCount(bytes: Uint8Array): number {
  if (bytes.length < 26) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(14, true);
  if (headerSize === 12) return view.getUint16(18, true) * Math.abs(view.getInt16(20, true));
  if (headerSize >= 40) return Math.abs(view.getInt32(18, true)) * Math.abs(view.getInt32(22, true));
  return 0;
}

export function decodeBmp(bytes: Uint8Array, maxPixels: number): RawRgb {
  if (bytes.length < 26) throw corrupt('header too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  let width: number;
  let rawHeight: number;
  let bpp: number;
  let compression = BI_RGB;
  let colours = 0;
  let paletteEntry = 4;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bpp = view.getUint16(24, true);
    paletteEntry = 3;
  } else if (headerSize >= 40 && bytes.length >= 54) {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colours = view.getUint32(46, true);
  } else {
    throw corrupt(`unknown header size ${headerSize}`);
  }
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw corrupt('zero size');
  if (width * height > maxPixels) {
    throw new AppError('image_too_large', 413, `the image is ${width}×${height} pixels; the limit is ${maxPixels} pixels`);
  }
  if (compression === BI_RLE8 || compression === BI_RLE4) {
    throw new AppError(
      'unsupported_media_type',
      415,
      'RLE-compressed BMP files are not supported; save the image as PNG or uncompressed BMP',
    );
  }
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new AppError('unsupported_media_type', 415, `BMP compression ${compression} is not supported; save the image as PNG`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw corrupt(`unsupported bit depth ${bpp}`);

  // Channel masks: in the header for V4/V5, right after a 40-byte header for BI_BITFIELDS, defaults otherwise.
  let masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    // Channel masks describe 16- and 32-bit pixels only; other depths with masks are not valid BMPs.
    if (bpp !== 16 && bpp !== 32) throw corrupt(`channel masks with ${bpp} bits per pixel`);
    if (bytes.length < 14 + 40 + 12) throw corrupt('missing channel masks');
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  }
  const shapes = masks.map(maskShape);

  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const count = colours || 1 << bpp;
    const start = 14 + headerSize + (compression === BI_BITFIELDS && headerSize === 40 ? 12 : 0);
    if (start + count * paletteEntry > bytes.length) throw corrupt('palette truncated');
    palette = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) {
      const p = start + i * paletteEntry;
      palette[i * 3] = bytes[p + 2];
      palette[i * 3 + 1] = bytes[p + 1];
      palette[i * 3 + 2] = bytes[p];
    }
  }

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) throw corrupt('pixel data truncated');
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const bit = x * bpp;
        const byte = bytes[row + (bit >> 3)];
        const index = bpp === 8 ? byte : (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const p = (index * 3) % palette.length;
        out[o] = palette[p];
        out[o + 1] = palette[p + 1];
        out[o + 2] = palette[p + 2];
      } else if (bpp === 24 && compression === BI_RGB) {
        const p = row + x * 3;
        out[o] = bytes[p + 2];
        out[o + 1] = bytes[p + 1];
        out[o + 2] = bytes[p];
      } else {
        const p = row + x * (bpp / 8);
        const v = bpp === 16 ? view.getUint16(p, true) : view.getUint32(p, true);
        for (let c = 0; c < 3; c++) {
          const { shift, max } = shapes[c];
          out[o + c] = max ? Math.round((((v & masks[c]) >>> shift) * 255) / max) : 0;
        }
      }
    }
  }
  return { data: out, width, height };
}
