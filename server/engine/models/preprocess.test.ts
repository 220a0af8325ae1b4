// Preprocessing for classify: layout, channel order, normalisation and resize modes give the tensor the manifest describes.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Preprocess } from '../../contract/models';
import { imageToTensor } from './preprocess';

const base: Preprocess = { size: [4, 4], resize: 'stretch', mean: [0, 0, 0], std: [1, 1, 1], layout: 'NCHW', channels: 'RGB' };

/** A wide image: left half red, right half blue. */
async function halves(width: number, height: number): Promise<Uint8Array> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if (x < width / 2) px[i] = 255;
      else px[i + 2] = 255;
    }
  }
  return new Uint8Array(
    await sharp(px, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

describe('imageToTensor', () => {
  it('lays out NCHW and NHWC, RGB and BGR, and normalises per channel', async () => {
    const img = new Uint8Array(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 255, g: 51, b: 0 } } })
        .png()
        .toBuffer(),
    );
    const nchw = await imageToTensor(img, base);
    expect(nchw.dims).toEqual([1, 3, 4, 4]);
    expect([nchw.data[0], nchw.data[16], nchw.data[32]]).toEqual([1, 0.2, 0].map((v) => expect.closeTo(v, 5)));
    const nhwc = await imageToTensor(img, { ...base, layout: 'NHWC', channels: 'BGR', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(nhwc.dims).toEqual([1, 4, 4, 3]);
    // BGR: blue (0) first; (x - 0.5) / 0.5.
    expect(Array.from(nhwc.data.subarray(0, 3))).toEqual([-1, -0.6, 1].map((v) => expect.closeTo(v, 5)));
  });

  it('stretches, letterboxes (contain) or crops (cover) a wide image', async () => {
    const img = await halves(16, 4);
    // Rounded: resampling softens the red/blue edge a little.
    const row = (t: { data: Float32Array }, ch: number, y: number): number[] =>
      Array.from(t.data.subarray(ch * 16 + y * 4, ch * 16 + y * 4 + 4), (v) => Math.round(v) + 0);
    const stretch = await imageToTensor(img, base);
    expect(row(stretch, 0, 0)).toEqual([1, 1, 0, 0]);
    // contain: a 4×1 band in the middle rows, black above and below.
    const contain = await imageToTensor(img, { ...base, resize: 'contain' });
    expect(row(contain, 0, 0).concat(row(contain, 2, 0))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // cover: the centre 4×4 of the (scaled) image, which straddles the red/blue border.
    const cover = await imageToTensor(img, { ...base, resize: 'cover' });
    expect(row(cover, 0, 0)).toEqual([1, 1, 0, 0]);
    expect(row(cover, 2, 3)).toEqual([0, 0, 1, 1]);
  });
});
