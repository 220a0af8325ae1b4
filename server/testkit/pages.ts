// Whole test pages with real-world content, shared by the layout, orientation, PDF and export tests.
import sharp from 'sharp';
import { docPage, docPageText, type DocKind } from './docPages';
import { renderPage } from './renderPage';

export const NEWSLETTER = {
  title: 'Riverside Community News',
  left: [
    'The allotment committee met on',
    'Tuesday to discuss the new water',
    'tanks. Members agreed to share',
    'the cost of two tanks this spring.',
  ],
  right: [
    'The library will open late on',
    'Thursdays from March, until eight',
    'in the evening. Volunteers are',
    'welcome to help with the shelves.',
  ],
  footer: 'Spring edition 42 - page 1',
};

/** A newsletter page: title, two columns, a centred footer; optionally scanned turned clockwise. */
export function newsletterPage(rotate: 0 | 90 | 180 | 270 = 0): Promise<Buffer> {
  return renderPage({
    width: 1100,
    height: 900,
    rotate,
    blocks: [
      { x: 60, y: 40, lines: [NEWSLETTER.title], fontSize: 40 },
      { x: 60, y: 140, lines: NEWSLETTER.left, fontSize: 24, lineGap: 10 },
      { x: 580, y: 140, lines: NEWSLETTER.right, fontSize: 24, lineGap: 10 },
      { x: 470, y: 850, lines: [NEWSLETTER.footer], fontSize: 18 },
    ],
  });
}

/** Single-column prose pages: a heading and paragraphs, as letters and reports are set. */
export const PROSE: readonly { title: string; paragraphs: string[][] }[] = [
  {
    title: 'Notice of annual meeting',
    paragraphs: [
      [
        'The annual meeting of the housing cooperative',
        'will take place on Thursday 12 March at seven',
        'in the community room on the ground floor.',
      ],
      ['Members who cannot attend may appoint a proxy.', 'Please return the enclosed form to the office', 'by the end of February.'],
    ],
  },
  {
    title: 'Service report 2026-118',
    paragraphs: [
      [
        'The heating pump in block C was replaced after',
        'the bearing failed during the cold spell. The',
        'new pump draws less power at the same flow.',
      ],
      ['No further faults were found in the boiler room.', 'The next inspection is due in September.'],
    ],
  },
  {
    title: 'Opening hours',
    paragraphs: [
      ['Monday to Friday from eight until six, Saturday', 'from nine until one. Closed on Sundays and on', 'public holidays.'],
      ['Deliveries are accepted at the rear entrance.'],
    ],
  },
];

/** A prose page: 1000×800, heading at 34 px, body at 24 px, paragraphs apart by a blank line. */
export function prosePage(p: (typeof PROSE)[number]): Promise<Buffer> {
  let y = 130;
  const blocks = p.paragraphs.map((lines) => {
    const block = { x: 60, y, lines, fontSize: 24, lineGap: 10 };
    y += lines.length * 38 + 40;
    return block;
  });
  return renderPage({ width: 1000, height: 800, blocks: [{ x: 60, y: 50, lines: [p.title], fontSize: 34 }, ...blocks] });
}

/** What a reader gets from a prose page: its lines in order. */
export function proseText(p: (typeof PROSE)[number]): string {
  return [p.title, ...p.paragraphs.flat()].join('\n');
}

export const RECEIPT = {
  shop: 'HARBOUR CAFE',
  labels: ['Flat white', 'Blueberry muffin', 'Oat milk', 'Total', 'Card', 'Time:'],
  values: ['3.40', '2.95', '0.40', '6.75', 'VISA **** 4821', '18:42'],
};

/** A till receipt: labels left, values right-aligned on the same baselines. */
export function receiptPage(): Promise<Buffer> {
  return renderPage({
    width: 520,
    height: 420,
    blocks: [
      { x: 150, y: 24, lines: [RECEIPT.shop], fontSize: 28 },
      { x: 30, y: 90, lines: RECEIPT.labels, fontSize: 22, lineGap: 14 },
      { x: 300, y: 90, lines: RECEIPT.values, fontSize: 22, lineGap: 14, align: 'right' },
    ],
  });
}

export function receiptText(): string {
  return [RECEIPT.shop, ...RECEIPT.labels.map((l, i) => `${l} ${RECEIPT.values[i]}`)].join('\n');
}

export function newsletterText(): string {
  return [NEWSLETTER.title, ...NEWSLETTER.left, ...NEWSLETTER.right, NEWSLETTER.footer].join('\n');
}

/**
 * An invoice with a ruled table: a title, a grid of rules around every cell, a description set on two lines,
 * a Chinese cell, empty cells, a "Total" label right-aligned in a cell merged across three columns, and a
 * closing line. `cells` is the table as a person reads it (a merged cell's text in its first column).
 */
export const INVOICE = {
  title: 'Invoice 2026-0042',
  cells: [
    ['Description', 'Qty', 'Unit price', 'Amount'],
    ['Printer paper A4', '5', '4.90', '24.50'],
    ['Desk lamp with LED bulb', '2', '12.00', '24.00'],
    ['运费', '', '', '7.90'],
    ['Total', '', '', '56.40'],
  ],
  closing: 'Thank you for your order.',
};

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The invoice drawn as SVG (rules as lines, cells as text in the fonts CI installs) and rendered by sharp. */
export async function invoicePage(): Promise<Buffer> {
  const cols = [40, 400, 500, 660, 860];
  // Row tops; the lamp's row holds two lines.
  const rows = [110, 156, 202, 280, 326, 372];
  const text = (x: number, y: number, s: string, anchor = 'start', font = 'DejaVu Sans'): string =>
    `<text x="${x}" y="${y}" font-family="${font}" font-size="22" text-anchor="${anchor}">${escapeXml(s)}</text>`;
  const parts: string[] = [text(40, 60, INVOICE.title).replace('font-size="22"', 'font-size="32"')];
  const [head, paper, lamp, freight, total] = INVOICE.cells;
  head.forEach((c, i) => parts.push(text(cols[i] + 12, rows[0] + 31, c)));
  paper.forEach((c, i) => parts.push(text(cols[i] + 12, rows[1] + 31, c)));
  parts.push(text(cols[0] + 12, rows[2] + 31, 'Desk lamp'), text(cols[0] + 12, rows[2] + 63, 'with LED bulb'));
  lamp.slice(1).forEach((c, i) => parts.push(text(cols[i + 1] + 12, rows[2] + 31, c)));
  parts.push(text(cols[0] + 12, rows[3] + 31, freight[0], 'start', 'Noto Sans CJK SC'), text(cols[3] + 12, rows[3] + 31, freight[3]));
  parts.push(text(cols[3] - 12, rows[4] + 31, total[0], 'end'), text(cols[3] + 12, rows[4] + 31, total[3]));
  const line = (x1: number, y1: number, x2: number, y2: number): string =>
    `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#333" stroke-width="2"/>`;
  for (const y of rows) parts.push(line(cols[0], y, cols[4], y));
  cols.forEach((x, i) => {
    // The total's label cell spans the first three columns: no rules between them in the last row.
    const bottom = i === 0 || i === 4 ? rows[5] : i === 3 ? rows[5] : rows[4];
    parts.push(line(x, rows[0], x, bottom));
  });
  parts.push(text(40, 430, INVOICE.closing));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="470"><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The invoice's text in reading order: the title, each table row's cells, the closing line. */
export function invoiceText(): string {
  return [INVOICE.title, ...INVOICE.cells.map((r) => r.filter(Boolean).join(' ')), INVOICE.closing].join('\n');
}

/**
 * Invoices, letters and timetables of the document-type set (docPages.ts) in the page set: English, Chinese or
 * both, in six fonts and three paper tones; with the pages above, 21 in all.
 */
const DOC_PAGES: [DocKind, number][] = [
  ['invoice', 7001],
  ['invoice', 7002],
  ['invoice', 7003],
  ['invoice', 7004],
  ['invoice', 7005],
  ['letter', 7011],
  ['letter', 7012],
  ['letter', 7013],
  ['letter', 7014],
  ['timetable', 7021],
  ['timetable', 7022],
  ['timetable', 7023],
  ['timetable', 7024],
];

/** The pages of a page set: file name, how to render it, its text in reading order. */
export function pageSet(kind: 'all' | 'single'): [string, () => Promise<Buffer>, string][] {
  const pages: [string, () => Promise<Buffer>, string][] = PROSE.map((p, i) => [`prose-${i + 1}.png`, () => prosePage(p), proseText(p)]);
  if (kind === 'all') {
    pages.push(
      ['news-upright.png', () => newsletterPage(), newsletterText()],
      ['news-turned-90.png', () => newsletterPage(90), newsletterText()],
      ['news-turned-270.png', () => newsletterPage(270), newsletterText()],
      ['receipt.png', receiptPage, receiptText()],
      ['invoice.png', invoicePage, invoiceText()],
      ...DOC_PAGES.map(([doc, seed]): [string, () => Promise<Buffer>, string] => [
        `${doc}-${seed}.png`,
        () => docPage(doc, seed),
        docPageText(doc, seed),
      ]),
    );
  }
  return pages;
}

/** Writes a page set (PNG files plus truth.json with each page's text in reading order) into `dir`. */
export async function writePageSet(dir: string, kind: 'all' | 'single'): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  const truth: Record<string, string> = {};
  for (const [file, render, text] of pageSet(kind)) {
    await writeFile(join(dir, file), await render());
    truth[file] = text;
  }
  await writeFile(join(dir, 'truth.json'), JSON.stringify(truth, null, 2));
}
