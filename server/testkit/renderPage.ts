// Renders whole test pages: blocks of text (renderText) placed at given positions on a paper-coloured canvas,
// so layouts with columns, headings, receipts and footers can be built from real glyphs.
import sharp from 'sharp';
import { renderText, type RenderTextOptions } from './renderText';

export interface PageBlock extends Omit<RenderTextOptions, 'padding' | 'rotate' | 'upsideDown' | 'format' | 'noise'> {
  /** Top-left of the block's text on the page, in pixels. */
  x: number;
  y: number;
}

export interface RenderPageOptions {
  width: number;
  height: number;
  blocks: PageBlock[];
  /** Clockwise turn of the finished page (a scan fed in sideways or upside down). */
  rotate?: 0 | 90 | 180 | 270;
  background?: string;
}

/** The page as PNG bytes. */
export async function renderPage(opts: RenderPageOptions): Promise<Buffer> {
  const background = opts.background ?? '#ffffff';
  const layers = await Promise.all(
    opts.blocks.map(async (b) => ({
      input: await renderText({ ...b, padding: 0, background: b.background ?? background }),
      left: b.x,
      top: b.y,
    })),
  );
  const page = await sharp({ create: { width: opts.width, height: opts.height, channels: 3, background } })
    .composite(layers)
    .png()
    .toBuffer();
  return opts.rotate ? sharp(page).rotate(opts.rotate).png().toBuffer() : page;
}
