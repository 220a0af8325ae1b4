import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { datasetSamples, renderSample } from './dataset';
import { renderText } from './renderText';

describe('dataset', () => {
  it('is deterministic and covers the acceptance mix', () => {
    const a = datasetSamples(60, 7);
    const b = datasetSamples(60, 7);
    expect(a).toEqual(b);
    expect(new Set(a.map((s) => s.category))).toEqual(new Set(['english', 'chinese', 'mixed']));
    expect(a.filter((s) => s.render.upsideDown)).toHaveLength(1);
    for (const s of a) {
      expect(s.render.fontSize).toBeGreaterThanOrEqual(12);
      expect(s.render.fontSize).toBeLessThanOrEqual(40);
      expect(Math.abs(s.render.rotate ?? 0)).toBeLessThanOrEqual(5);
      expect(s.text).toBe(s.lines.join('\n'));
    }
    expect(datasetSamples(60, 8)).not.toEqual(a);
  });

  it('renders the same bytes for the same sample', async () => {
    const s = datasetSamples(3, 1)[1];
    const [x, y] = await Promise.all([renderSample(s), renderSample(s)]);
    expect(x.equals(y)).toBe(true);
    const meta = await sharp(x).metadata();
    expect(meta.format).toBe('png');
  });

  it('draws dark glyphs on the background and honours upside-down', async () => {
    const png = await renderText({ lines: ['Hello'], fontSize: 30, padding: 10 });
    const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeLessThan(60);
    expect(data[0]).toBe(255);
    const flipped = await renderText({ lines: ['Hello'], fontSize: 30, padding: 10, upsideDown: true });
    const f = await sharp(flipped).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(f.info.width).toBe(info.width);
    // Row sums of the upside-down image are those of the upright one, reversed.
    const rows = (buf: Buffer, w: number, h: number): number[] =>
      Array.from({ length: h }, (_, y) => buf.subarray(y * w, (y + 1) * w).reduce((s, v) => s + v, 0));
    expect(rows(f.data, f.info.width, f.info.height)).toEqual(rows(data, info.width, info.height).reverse());
  });
});
