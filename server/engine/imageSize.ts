// How many pixels an image will decode to, read from its header before any decoding: the scheduler budgets
// memory with it in the node's main thread. PNG, JPEG and BMP headers are read here; other formats through
// sharp's header reader, which is loaded only then (loading sharp is a large part of a short run's start).
import { bmpPixelCount, isBmp } from './bmpDecode';

/** 64 megapixels: an A4 page scanned at 600 dpi is 35 MP; beyond this the RGB buffer alone is ~200 MB. */
export const MAX_PIXELS = 64_000_000;

/**
 * Decoded pixels all engine workers together may hold at once: two images at the size limit (~400 MB of RGB), or
 * many ordinary photos. Beyond it images wait for a worker's image to finish (see Scheduler).
 */
export const PIXEL_BUDGET = 2 * MAX_PIXELS;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** "IHDR", the chunk every PNG starts with. */
export const PNG_IHDR = 0x49484452;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Width × height of a PNG from its header chunk; undefined when `bytes` is not a PNG with one. */
export function pngPixels(bytes: Uint8Array): number | undefined {
  if (bytes.length < 24 || !isPng(bytes)) return undefined;
  const v = view(bytes);
  return v.getUint32(12) === PNG_IHDR ? v.getUint32(16) * v.getUint32(20) : undefined;
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): all but DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Width × height of a JPEG from its frame header; undefined when it cannot be found before the image data. */
export function jpegPixels(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const v = view(bytes);
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    // Fill bytes before a marker, and markers without a length (TEM, RSTn).
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    // Start of scan or end of image before any frame header: not a frame this reads.
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = v.getUint16(at + 2);
    if (isStartOfFrame(marker)) {
      if (at + 9 > bytes.length) return undefined;
      const height = v.getUint16(at + 5);
      const width = v.getUint16(at + 7);
      // A height of 0 is given later in the stream (a DNL marker): left to sharp.
      return height > 0 ? width * height : undefined;
    }
    at += 2 + length;
  }
  return undefined;
}

/**
 * What an image will decode to, in pixels, from its header alone (no pixel is decoded); 0 when the header cannot
 * be read (decoding will then fail on its own, cheaply). Lets the scheduler budget memory before a worker starts.
 */
export async function imagePixels(bytes: Uint8Array): Promise<number> {
  try {
    if (isBmp(bytes)) return bmpPixelCount(bytes);
    const known = pngPixels(bytes) ?? jpegPixels(bytes);
    if (known !== undefined) return known;
    const { sharp } = await import('./sharp');
    const meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
    return (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0);
  } catch {
    return 0;
  }
}
