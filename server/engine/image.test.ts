import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../appError';
import { encodeBmp } from '../testkit/bmp';
import { decodeImage } from './image';

/** A tiny image: left half red, right half blue, 8×4. */
async function sample(): Promise<{ raw: Buffer; width: number; height: number }> {
  const width = 8,
    height = 4;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(x < 4 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  return { raw, width, height };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof AppError ? `${err.code} ${err.status}` : `other ${String(err)}`;
  }
}

describe('decodeImage', () => {
  it('decodes every supported format to the same RGB pixels', async () => {
    const { raw, width, height } = await sample();
    const src = sharp(raw, { raw: { width, height, channels: 3 } });
    const inputs: Record<string, Buffer> = {
      png: await src.clone().png().toBuffer(),
      webp: await src.clone().webp({ lossless: true }).toBuffer(),
      tiff: await src.clone().tiff({ compression: 'lzw' }).toBuffer(),
      gif: await src.clone().gif().toBuffer(),
      jpeg: await src.clone().jpeg({ quality: 100 }).toBuffer(),
      bmp24: encodeBmp(raw, width, height, 24),
      bmp8: encodeBmp(raw, width, height, 8),
    };
    for (const [name, bytes] of Object.entries(inputs)) {
      const img = await decodeImage(bytes);
      expect([name, img.width, img.height]).toEqual([name, width, height]);
      const left = [...img.data.subarray(0, 3)];
      const right = [...img.data.subarray((width - 1) * 3, width * 3)];
      // JPEG is lossy and subsamples colour; the rest are exact.
      const tol = name === 'jpeg' ? 60 : 0;
      expect(Math.abs(left[0] - 255) + left[2], name).toBeLessThanOrEqual(tol);
      expect(right[0] + Math.abs(right[2] - 255), name).toBeLessThanOrEqual(tol);
    }
  });

  it('honours EXIF orientation', async () => {
    const { raw, width, height } = await sample();
    // Pixels stored turned 90° clockwise, with orientation 8 telling viewers to turn them back.
    const turned = await sharp(raw, { raw: { width, height, channels: 3 } })
      .rotate(90)
      .png()
      .toBuffer();
    const jpeg = await sharp(turned).jpeg({ quality: 100 }).withMetadata({ orientation: 8 }).toBuffer();
    const img = await decodeImage(jpeg);
    expect([img.width, img.height]).toEqual([width, height]);
    expect(img.data[0]).toBeGreaterThan(200);
  });

  it('flattens transparency onto white', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const img = await decodeImage(png);
    expect([...img.data.subarray(0, 3)]).toEqual([255, 255, 255]);
  });

  it('turns bad input into clear errors', async () => {
    const { raw, width, height } = await sample();
    const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } })
      .resize(200, 100)
      .jpeg()
      .toBuffer();
    expect(await code(decodeImage(new Uint8Array(0)))).toBe('not_an_image 415');
    expect(await code(decodeImage(Buffer.from('hello, I am a text file named .png\n')))).toBe('not_an_image 415');
    expect(await code(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))))).toBe('corrupt_image 422');
    const png = await sharp(raw, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    expect(await code(decodeImage(png.subarray(0, png.length - 20)))).toBe('corrupt_image 422');
    expect(await code(decodeImage(png, 16))).toBe('image_too_large 413');
    const bmp = encodeBmp(raw, width, height, 24);
    expect(await code(decodeImage(bmp.subarray(0, bmp.length - 10)))).toBe('corrupt_image 422');
    expect(await code(decodeImage(bmp, 16))).toBe('image_too_large 413');
  });
});
