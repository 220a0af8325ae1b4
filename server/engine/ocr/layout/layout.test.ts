import { describe, expect, it } from 'vitest';
import type { Quad } from '../../../contract/ocr';
import type { Rule, Rules } from '../rules';
import { layoutPage, type Fragment } from './index';

const box = (x: number, y: number, w: number, h: number, slope = 0): Quad => [
  [x, y],
  [x + w, y + w * slope],
  [x + w, y + w * slope + h],
  [x, y + h],
];
const frag = (text: string, x: number, y: number, w: number, h = 20, slope = 0): Fragment => ({
  text,
  confidence: 0.9,
  box: box(x, y, w, h, slope),
});
const page = { rotation: 0 as const, width: 1000, height: 1400 };

describe('layoutPage', () => {
  it('keeps lines as detected in reading order, along a skewed page', () => {
    const s = Math.tan((4 * Math.PI) / 180);
    const frags = [frag('second row', 10, 60, 200, 20, s), frag('right', 300, 10 + 300 * s, 150, 20, s), frag('first', 10, 10, 250, 20, s)];
    const r = layoutPage(frags, { ...page, mode: 'lines' });
    expect(r.lines.map((l) => l.text)).toEqual(['first', 'right', 'second row']);
    expect(r.blocks).toBeUndefined();
    expect(r.lines[1].box).toEqual(frags[1].box);
  });

  it('reads a page turned by 180° from the bottom-right corner, boxes still in image pixels', () => {
    // As seen in the image: "two" is top-left, "one" below it on the right; turned upright "one" comes first.
    const frags = [frag('three', 10, 10, 100), frag('two', 10, 50, 100), frag('one', 150, 50, 60)];
    const r = layoutPage(frags, { mode: 'lines', rotation: 180, width: 300, height: 100 });
    expect(r.lines.map((l) => l.text)).toEqual(['one', 'two', 'three']);
    // The text's own top-left of "one" is the image's bottom-right corner of its box.
    expect(r.lines[0].box[0]).toEqual([210, 70]);
    expect(r.lines[0].box[2]).toEqual([150, 50]);
  });

  it('joins a receipt label and its value on one baseline into one line', () => {
    const frags = [
      frag('CORNER BAKERY', 100, 20, 260, 28),
      frag('Sourdough loaf', 20, 80, 170),
      frag('4.80', 330, 81, 50),
      frag('Almond croissant x2', 20, 110, 230),
      frag('6.40', 330, 110, 50),
      frag('TOTAL', 20, 150, 70),
      frag('11.20', 318, 149, 62),
      frag('Time:', 20, 190, 60),
      frag('18:42', 318, 191, 62),
    ];
    const r = layoutPage(frags, { ...page, mode: 'auto' });
    expect(r.lines.map((l) => l.text)).toEqual([
      'CORNER BAKERY',
      'Sourdough loaf 4.80',
      'Almond croissant x2 6.40',
      'TOTAL 11.20',
      'Time: 18:42',
    ]);
    const time = r.lines[4];
    expect(time.box).toEqual([
      [20, 190],
      [380, 190],
      [380, 211],
      [20, 211],
    ]);
    expect(time.words?.map((w) => w.text)).toEqual(['Time:', '18:42']);
    expect(time.words?.[1].box[0]).toEqual([318, 191]);
    // The aligned label/value rows are a table, cells kept row by row.
    expect(r.blocks?.map((b) => b.kind)).toEqual(['heading', 'table']);
    expect(r.blocks?.[1].cells).toEqual([
      ['Sourdough loaf', '4.80'],
      ['Almond croissant x2', '6.40'],
      ['TOTAL', '11.20'],
      ['Time:', '18:42'],
    ]);
    expect(r.blocks?.[1].text).toBe('Sourdough loaf\t4.80\nAlmond croissant x2\t6.40\nTOTAL\t11.20\nTime:\t18:42');
  });

  it('keeps a table with an empty cell in its columns, and prose beside short words out of tables', () => {
    const frags = [
      frag('Item', 20, 20, 60),
      frag('Qty', 300, 20, 40),
      frag('Price', 420, 20, 60),
      frag('Desk lamp', 20, 50, 110),
      frag('2', 310, 50, 12),
      frag('39.90', 420, 50, 62),
      frag('Delivery', 20, 80, 100),
      frag('9.50', 420, 80, 50),
      frag('Thank you for your order and see you soon.', 20, 140, 500),
    ];
    const r = layoutPage(frags, { ...page, mode: 'auto' });
    expect(r.blocks?.map((b) => b.kind)).toEqual(['table', 'paragraph']);
    expect(r.blocks?.[0].cells).toEqual([
      ['Item', 'Qty', 'Price'],
      ['Desk lamp', '2', '39.90'],
      ['Delivery', '', '9.50'],
    ]);
  });

  it('reads two columns one after the other, between a spanning title and footer', () => {
    const left = ['Solar panels on the roof of', 'the old mill now cover most', 'of the village hall needs.'];
    const right = ['The council expects to pay', 'back the loan within eight', 'years of steady output.'];
    const frags: Fragment[] = [frag('Village news', 40, 30, 300, 40), frag('Spring edition of the newsletter', 40, 80, 600)];
    left.forEach((t, i) => frags.push(frag(t, 40, 140 + i * 30, 420)));
    right.forEach((t, i) => frags.push(frag(t, 520, 140 + i * 30, 420)));
    frags.push(frag('Page 3', 460, 1320, 80));
    const r = layoutPage(frags.reverse(), { ...page, mode: 'auto' });
    expect(r.lines.map((l) => l.text)).toEqual(['Village news', 'Spring edition of the newsletter', ...left, ...right, 'Page 3']);
    expect(r.blocks?.map((b) => [b.kind, b.column, b.lines])).toEqual([
      ['heading', 0, [0]],
      ['paragraph', 0, [1]],
      ['paragraph', 0, [2, 3, 4]],
      ['paragraph', 1, [5, 6, 7]],
      ['footer', 0, [8]],
    ]);
    expect(r.blocks?.[2].text).toBe('Solar panels on the roof of the old mill now cover most of the village hall needs.');
  });

  it('reads a two-column page as one column in single mode: each row across the page', () => {
    const frags: Fragment[] = [];
    ['aaaa aaaa aaaa aaaa', 'bbbb bbbb bbbb bbbb', 'cccc cccc cccc cccc'].forEach((t, i) => frags.push(frag(t, 40, 100 + i * 30, 420)));
    ['dddd dddd dddd dddd', 'eeee eeee eeee eeee', 'ffff ffff ffff ffff'].forEach((t, i) => frags.push(frag(t, 520, 100 + i * 30, 420)));
    expect(layoutPage(frags, { ...page, mode: 'single' }).lines.map((l) => l.text)).toEqual([
      'aaaa aaaa aaaa aaaa dddd dddd dddd dddd',
      'bbbb bbbb bbbb bbbb eeee eeee eeee eeee',
      'cccc cccc cccc cccc ffff ffff ffff ffff',
    ]);
    expect(layoutPage(frags, { ...page, mode: 'auto' }).lines.map((l) => l.text)[3]).toBe('dddd dddd dddd dddd');
  });

  it('parts paragraphs at wider gaps and rejoins words hyphenated at a line end', () => {
    const frags = [
      frag('The kettle was on and the', 40, 100, 500),
      frag('break-', 40, 130, 120),
      frag('fast table laid.', 40, 160, 300),
      frag('Nobody came.', 40, 230, 260),
    ];
    const r = layoutPage(frags, { ...page, mode: 'auto' });
    expect(r.blocks?.map((b) => b.text)).toEqual([
      'The kettle was on and the break- fast table laid.'.replace('break- fast', 'breakfast'),
      'Nobody came.',
    ]);
  });

  it('reads stacked CJK characters as columns right to left, also where the detector joined a row across them', () => {
    const frags = [frag('花夜处春', 80, 20, 260, 40)];
    const cols = ['春眠不', '处处闻', '夜来风', '花落知'];
    cols.forEach((col, c) => [...col].slice(1).forEach((ch, k) => frags.push(frag(ch, 275 - c * 65, 80 + k * 60, 45, 45))));
    const r = layoutPage(frags, { ...page, mode: 'auto' });
    expect(r.lines.map((l) => l.text)).toEqual(cols);
    expect(r.blocks?.[0].text).toBe(cols.join(''));
    // Horizontal CJK lines stay rows.
    const rows = layoutPage(
      [frag('营业时间', 20, 20, 160), frag('上午九点', 20, 60, 160), frag('下午六点', 20, 100, 160), frag('周日休息', 20, 140, 160)],
      { ...page, mode: 'auto' },
    );
    expect(rows.lines.map((l) => l.text)).toEqual(['营业时间', '上午九点', '下午六点', '周日休息']);
  });

  it('reads a block of vertical CJK beside horizontal lines as columns, the lines as rows', () => {
    // Three columns of four characters on the left (the first column on the right), three lines on the right.
    const cols = ['春眠不觉', '处处闻啼', '夜来风雨'];
    const frags = cols.flatMap((col, c) => [...col].map((ch, k) => frag(ch, 220 - c * 70, 40 + k * 55, 45, 45)));
    const rows = ['Meng Haoran wrote this', 'quatrain on a spring', '早晨，题为春晓。'];
    frags.push(...rows.map((t, i) => frag(t, 400, 40 + i * 40, 320, 26)));
    const r = layoutPage(frags, { ...page, mode: 'auto' });
    expect(r.lines.map((l) => l.text)).toEqual([...cols, ...rows]);
    expect(r.blocks?.map((b) => [b.column, b.text])).toEqual([
      [0, cols.join('')],
      [1, 'Meng Haoran wrote this quatrain on a spring 早晨，题为春晓。'],
    ]);
  });

  it('joins CJK fragments on one baseline without a space', () => {
    const r = layoutPage([frag('营业时间', 20, 20, 80), frag('上午九点', 200, 20, 80)], { ...page, mode: 'auto' });
    expect(r.lines.map((l) => l.text)).toEqual(['营业时间上午九点']);
  });

  describe('ruled tables', () => {
    // Grid lines of a table of four rows and three columns, the last row empty; the rule under "Tea" leaves
    // the first column open (one cell over two rows) and the rule between Qty and Price stops above the third
    // row (one cell over two columns).
    const hRule = (y: number, x0 = 100, x1 = 600): Rule => ({ from: [x0, y], to: [x1, y], thickness: 2 });
    const vRule = (x: number, y0 = 200, y1 = 360): Rule => ({ from: [x, y0], to: [x, y1], thickness: 2 });
    const rules: Rules = {
      horizontal: [hRule(200), hRule(240), hRule(280, 300), hRule(320), hRule(360)],
      vertical: [vRule(100), vRule(300), vRule(400, 200, 280), vRule(600)],
    };
    const frags = [
      frag('Heading', 100, 100, 200),
      frag('Name', 110, 210, 60),
      frag('Qty', 310, 210, 40),
      frag('Price', 410, 210, 60),
      // The detector ran this one across the rule between the first two columns.
      frag('Tea 5', 110, 250, 220),
      frag('2.50', 410, 250, 50),
      frag('n/a', 420, 290, 30),
      frag('After the table', 100, 400, 300),
    ];
    const cells = [
      ['Name', 'Qty', 'Price'],
      ['Tea', '5', '2.50'],
      ['', 'n/a', ''],
    ];

    it('reads the grid cell by cell, row by row, between the text above and below it', () => {
      const r = layoutPage(frags, { ...page, mode: 'auto', rules });
      expect(r.blocks?.map((b) => b.kind)).toEqual(['paragraph', 'table', 'paragraph']);
      expect(r.blocks?.[1].cells).toEqual(cells);
      expect(r.blocks?.[1].text).toBe('Name\tQty\tPrice\nTea\t5\t2.50\n\tn/a\t');
      expect(r.lines.map((l) => l.text)).toEqual(['Heading', 'Name Qty Price', 'Tea 5 2.50', 'n/a', 'After the table']);
      // The fragment cut at the rule: each part has its own word box.
      expect(r.lines[2].words?.map((w) => [w.text, w.box[0][0]])).toEqual([
        ['Tea', 110],
        ['5', 286],
        ['2.50', 410],
      ]);
      // Without rules the same fragments are no table.
      expect(layoutPage(frags, { ...page, mode: 'auto' }).blocks?.some((b) => b.cells?.length === 3)).toBe(false);
    });

    it('finds the grid on a page scanned on its side, rules and boxes in the turned image', () => {
      // The upright page is 1000 wide and 1400 tall; the scan holds it turned a quarter counter-clockwise.
      const scan = { width: 1400, height: 1000 };
      const toScan = ([u, v]: [number, number]): [number, number] => [v, 1000 - u];
      const turned = frags.map((f) => ({ ...f, box: f.box.map(toScan) as Quad }));
      const turnRule = (r: Rule): Rule => ({ ...r, from: toScan(r.from), to: toScan(r.to) });
      const r = layoutPage(turned, {
        ...scan,
        rotation: 90,
        mode: 'auto',
        rules: { horizontal: rules.vertical.map(turnRule), vertical: rules.horizontal.map(turnRule) },
      });
      expect(r.blocks?.[1].cells).toEqual(cells);
    });

    it('needs two rows and two columns of cells: a frame around the text is no table', () => {
      const frame: Rules = { horizontal: [hRule(80), hRule(460)], vertical: [vRule(80, 80, 460), vRule(620, 80, 460)] };
      const r = layoutPage(frags, { ...page, mode: 'auto', rules: frame });
      expect(r.blocks?.some((b) => b.kind === 'table' && b.cells?.[0].length === 3)).toBe(false);
    });
  });
});
