import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { imagePixels, jpegPixels, pngPixels } from './imageSize';

const canvas = (width: number, height: number): Sharp =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });

/** What sharp's own header reader says, as the scheduler counted before. */
async function sharpPixels(bytes: Uint8Array): Promise<number> {
  const meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  return (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0);
}

describe('imagePixels', () => {
  it('reads PNG and JPEG sizes from their headers, as sharp reads them', async () => {
    const images = [
      await canvas(890, 347).png().toBuffer(),
      await canvas(31, 7000).png({ palette: true }).toBuffer(),
      await canvas(1200, 800).jpeg().toBuffer(),
      await canvas(1201, 799).jpeg({ progressive: true }).toBuffer(),
      await canvas(640, 480).jpeg({ quality: 50, chromaSubsampling: '4:4:4' }).toBuffer(),
      // EXIF (an APP1 segment before the frame) saying the picture is turned: the stored size counts.
      await canvas(300, 100).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    ];
    for (const bytes of images) {
      const fromHeader = pngPixels(bytes) ?? jpegPixels(bytes);
      expect(fromHeader).toBe(await sharpPixels(bytes));
      expect(await imagePixels(bytes)).toBe(fromHeader);
    }
  });

  it('asks sharp for the other formats', async () => {
    for (const bytes of [
      await canvas(320, 200).webp().toBuffer(),
      await canvas(321, 201).gif().toBuffer(),
      await canvas(322, 202).tiff().toBuffer(),
    ]) {
      expect(pngPixels(bytes)).toBeUndefined();
      expect(jpegPixels(bytes)).toBeUndefined();
      expect(await imagePixels(bytes)).toBe(await sharpPixels(bytes));
    }
  });

  it('answers 0 or undefined for what is not an image header, without throwing', async () => {
    const jpeg = await canvas(100, 50).jpeg().toBuffer();
    expect(jpegPixels(jpeg.subarray(0, 6))).toBeUndefined();
    expect(pngPixels(Buffer.from('not a png at all, just text'))).toBeUndefined();
    expect(await imagePixels(Buffer.from('not an image'))).toBe(0);
    expect(await imagePixels(new Uint8Array(0))).toBe(0);
  });
});
