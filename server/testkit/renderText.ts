// Renders lines of text into an image (PNG by default) for tests and benchmarks: real glyphs through
// sharp's Pango text input (fontconfig falls back to a CJK font for Chinese), then skew, noise, contrast.
import sharp from 'sharp';
import { seededRandom } from '../seededRandom';

/** Re-exported for the tests and the bench that render seeded datasets. */
export { seededRandom };

export interface RenderTextOptions {
  /** Lines top to bottom. Pango markup characters are escaped. */
  lines: string[];
  /** Font size in pixels (rendered at 72 dpi, so points == pixels). Default 28. */
  fontSize?: number;
  /** Font family; Chinese falls back to an installed CJK font. Default 'DejaVu Sans'. */
  font?: string;
  /** Rotation in degrees, clockwise, applied after layout (skew of a scanned page). Default 0. */
  rotate?: number;
  /** Gaussian noise standard deviation in grey levels (0..255). Default 0. */
  noise?: number;
  /** 1 = black on the background; 0.3 = faint text (the ink moves towards the background). Default 1. */
  contrast?: number;
  /** Turn the finished image by 180°. */
  upsideDown?: boolean;
  /** Background colour (CSS hex). Default '#ffffff'. */
  background?: string;
  /** Ink colour before contrast is applied (CSS hex). Default '#000000'. */
  foreground?: string;
  /** Margin around the text block in pixels. Default: one font size. */
  padding?: number;
  /** Extra space between lines in pixels. Default: 40 % of the font size. */
  lineGap?: number;
  /** Text alignment inside the block. Default 'left'. */
  align?: 'left' | 'centre' | 'right';
  /** Seed for the noise so the same options give the same bytes. Default 1. */
  seed?: number;
  /** Output encoding. Default 'png'. */
  format?: 'png' | 'jpeg' | 'webp' | 'tiff' | 'gif';
}

function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function parseHex(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full =
    h.length === 3
      ? h
          .split('')
          .map((c) => c + c)
          .join('')
      : h;
  const n = Number.parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: [number, number, number]): string {
  return '#' + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

/** Renders the text block and returns the encoded image bytes. */
export async function renderText(opts: RenderTextOptions): Promise<Buffer> {
  const fontSize = opts.fontSize ?? 28;
  const padding = opts.padding ?? fontSize;
  const bg = parseHex(opts.background ?? '#ffffff');
  const fgBase = parseHex(opts.foreground ?? '#000000');
  const contrast = Math.min(1, Math.max(0, opts.contrast ?? 1));
  const fg: [number, number, number] = [0, 1, 2].map((i) => bg[i] + (fgBase[i] - bg[i]) * contrast) as [number, number, number];
  const markup = `<span foreground="${toHex(fg)}">${opts.lines.map(escapeMarkup).join('\n')}</span>`;

  const textLayer = await sharp({
    text: {
      text: markup,
      font: `${opts.font ?? 'DejaVu Sans'} ${fontSize}`,
      dpi: 72,
      rgba: true,
      spacing: Math.round(opts.lineGap ?? fontSize * 0.4),
      align: opts.align === 'centre' ? 'centre' : (opts.align ?? 'left'),
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });

  const background = { r: bg[0], g: bg[1], b: bg[2], alpha: 1 };
  let img = sharp(textLayer.data)
    .flatten({ background })
    .extend({ top: padding, bottom: padding, left: padding, right: padding, background });
  if (opts.rotate) {
    // Rotation grows the canvas; fill the corners with the paper colour, as a scanner would.
    img = sharp(await img.png().toBuffer()).rotate(opts.rotate, { background });
  }
  if (opts.upsideDown) img = sharp(await img.png().toBuffer()).rotate(180);

  const { info, data: pixels } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let data = pixels;
  if (opts.noise && opts.noise > 0) {
    const rnd = seededRandom(opts.seed ?? 1);
    const sigma = opts.noise;
    const out = Buffer.from(data);
    for (let i = 0; i < out.length; i += info.channels) {
      // Box-Muller; the same offset for all channels keeps the noise grey like sensor noise on paper.
      const u = Math.max(rnd(), 1e-12);
      const v = rnd();
      const n = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * sigma;
      for (let c = 0; c < info.channels; c++) out[i + c] = Math.max(0, Math.min(255, Math.round(out[i + c] + n)));
    }
    data = out;
  }
  const raw = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  switch (opts.format ?? 'png') {
    case 'jpeg':
      return raw.jpeg({ quality: 92 }).toBuffer();
    case 'webp':
      return raw.webp({ quality: 92 }).toBuffer();
    case 'tiff':
      return raw.tiff().toBuffer();
    case 'gif':
      return raw.gif().toBuffer();
    default:
      return raw.png().toBuffer();
  }
}
