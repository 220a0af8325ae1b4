// Layout on whole rendered pages through the real engine and PP-OCRv4: reading order of columns, a
// receipt's label and value on one line, the layout modes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../index';
import { NEWSLETTER, newsletterPage, PROSE, prosePage, proseText, RECEIPT, receiptPage, receiptText } from '../../../testkit/pages';
import { renderPage } from '../../../testkit/renderPage';

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
    const r = await engine.ocr(await receiptPage());
    expect(r.text).toBe(receiptText());
    const time = r.lines[r.lines.length - 1];
    expect(time.words?.map((w) => w.text)).toEqual(['Time:', '18:42']);
    expect(r.blocks?.find((b) => b.kind === 'table')?.cells).toEqual(RECEIPT.labels.map((l, i) => [l, RECEIPT.values[i]]));
  });

  it('reads vertical Chinese column by column, right to left', async () => {
    // A quatrain set vertically: four columns of five characters, the first column on the right.
    const poem = ['春眠不觉晓', '处处闻啼鸟', '夜来风雨声', '花落知多少'];
    const png = await renderPage({
      width: 420,
      height: 360,
      blocks: poem.map((col, i) => ({ x: 330 - i * 90, y: 30, lines: [...col], fontSize: 40, lineGap: 4, font: 'Noto Sans CJK SC' })),
    });
    const r = await engine.ocr(png);
    expect(r.lines.map((l) => l.text)).toEqual(poem);
    expect(r.text).toBe(poem.join('\n'));
    // Each column's box starts at its top: the first corner is the column's top-right, the second its bottom-right.
    const [start, end] = r.lines[0].box;
    expect(end[1] - start[1]).toBeGreaterThan(200);
    expect(start[0]).toBeGreaterThan(350);
  });

  it('reads a page mixing a vertical Chinese block and horizontal lines: each block in its own direction', async () => {
    const poem = ['春眠不觉晓', '处处闻啼鸟', '夜来风雨声', '花落知多少'];
    const note = ['A quatrain by Meng Haoran,', 'set in columns on the right.', '孟浩然的五言绝句，', '题为《春晓》。'];
    const png = await renderPage({
      width: 900,
      height: 400,
      blocks: [
        { x: 40, y: 40, lines: note, fontSize: 28, lineGap: 14, font: 'Noto Sans CJK SC' },
        ...poem.map((col, i) => ({ x: 800 - i * 90, y: 30, lines: [...col], fontSize: 40, lineGap: 4, font: 'Noto Sans CJK SC' })),
      ],
    });
    const r = await engine.ocr(png);
    expect(r.lines.map((l) => l.text)).toEqual([...note, ...poem]);
    expect(r.blocks?.map((b) => [b.kind, b.column, b.text])).toEqual([
      ['paragraph', 0, 'A quatrain by Meng Haoran, set in columns on the right. 孟浩然的五言绝句，题为《春晓》。'],
      ['paragraph', 1, poem.join('')],
    ]);
    // The horizontal lines run left to right, the columns top to bottom.
    const run = (q: [number, number][]): [number, number] => [q[1][0] - q[0][0], q[1][1] - q[0][1]];
    const [dx, dy] = run(r.lines[0].box);
    expect(dx).toBeGreaterThan(Math.abs(dy));
    const [cx, cy] = run(r.lines[4].box);
    expect(cy).toBeGreaterThan(Math.abs(cx));
  });

  it('reads an invoice table cell by cell, row by row', async () => {
    const columns = [
      ['Description', 'Printer paper A4', 'Toner cartridge', 'Delivery'],
      ['Qty', '5', '1', '1'],
      ['Amount', '24.50', '61.00', '7.90'],
    ];
    const png = await renderPage({
      width: 900,
      height: 300,
      blocks: columns.map((lines, c) => ({ x: [30, 420, 620][c], y: 40, lines, fontSize: 24, lineGap: 16 })),
    });
    const r = await engine.ocr(png);
    const table = r.blocks?.find((b) => b.kind === 'table');
    expect(table?.cells).toEqual(columns[0].map((_, row) => columns.map((col) => col[row])));
  });

  it('reads a single-column letter as a heading and its paragraphs', async () => {
    const page = PROSE[0];
    const r = await engine.ocr(await prosePage(page));
    expect(r.text).toBe(proseText(page));
    expect(r.blocks?.map((b) => [b.kind, b.text])).toEqual([
      ['heading', page.title],
      ...page.paragraphs.map((p) => ['paragraph', p.join(' ')]),
    ]);
  });
});
