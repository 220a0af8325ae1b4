// Layout on whole rendered pages through the real engine and PP-OCRv4: reading order of columns, a
// receipt's label and value on one line, the layout modes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../index';
import { renderPage } from '../../../testkit/renderPage';
import { NEWSLETTER, newsletterPage } from '../../../testkit/pages';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ workers: 1, queueDepth: 4, cacheEntries: 0, providers: ['cpu'] });
});

afterAll(async () => {
  await engine?.close();
});

describe('page layout', () => {
  it('reads a two-column page column by column between its title and footer', async () => {
    const r = await engine.ocr(await newsletterPage());
    expect(r.lines.map((l) => l.text)).toEqual([NEWSLETTER.title, ...NEWSLETTER.left, ...NEWSLETTER.right, NEWSLETTER.footer]);
    expect(r.blocks?.map((b) => [b.kind, b.column])).toEqual([
      ['heading', 0],
      ['paragraph', 0],
      ['paragraph', 1],
      ['footer', 0],
    ]);
    expect(r.blocks?.[1].text).toBe(NEWSLETTER.left.join(' '));
    expect(r.rotation).toBe(0);
  });

  it('keeps the rows across the page in single-column mode and the fragments in lines mode', async () => {
    const png = await newsletterPage();
    const single = await engine.ocr(png, { layout: 'single' });
    expect(single.lines[1].text).toBe(`${NEWSLETTER.left[0]} ${NEWSLETTER.right[0]}`);
    const lines = await engine.ocr(png, { layout: 'lines' });
    expect(lines.blocks).toBeUndefined();
    expect(lines.lines.map((l) => l.text).slice(1, 3)).toEqual([NEWSLETTER.left[0], NEWSLETTER.right[0]]);
  });

  it('gives a receipt one line per baseline: label and value together', async () => {
    const labels = ['Flat white', 'Blueberry muffin', 'Oat milk', 'Total', 'Card', 'Time:'];
    const values = ['3.40', '2.95', '0.40', '6.75', 'VISA **** 4821', '18:42'];
    const png = await renderPage({
      width: 520,
      height: 420,
      blocks: [
        { x: 150, y: 24, lines: ['HARBOUR CAFE'], fontSize: 28 },
        { x: 30, y: 90, lines: labels, fontSize: 22, lineGap: 14 },
        { x: 300, y: 90, lines: values, fontSize: 22, lineGap: 14, align: 'right' },
      ],
    });
    const r = await engine.ocr(png);
    expect(r.lines.map((l) => l.text)).toEqual(['HARBOUR CAFE', ...labels.map((l, i) => `${l} ${values[i]}`)]);
    const time = r.lines[r.lines.length - 1];
    expect(time.words?.map((w) => w.text)).toEqual(['Time:', '18:42']);
  });
});
