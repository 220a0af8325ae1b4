// The searchable PDF's text layer with the real engine and store: Chinese and English read from a scan come back
// out of the exported PDF (pdf.js and poppler's pdftotext) as they were recognised, each word where its box is,
// also on a PDF page shown turned by its /Rotate entry; a born-digital page gains only what its picture held.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { degrees, PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcrLine, Point, Quad } from '../contract/ocr';
import { DEFAULT_PDF_DPI, openPdf } from '../engine/pdf/pdfDocument';
import { reportWithChart } from '../testkit/pdf';
import { renderPage } from '../testkit/renderPage';
import { type Store } from '../store';
import { openJobRig, type JobRig } from '../testkit/jobRig';
import { type JobService } from './index';

const run = promisify(execFile);

let root: string;
let folder: string;
let store: Store;
let jobs: JobService;
let rig: JobRig | undefined;

const CJK = 'Noto Sans CJK SC';

/** A notice in Chinese and English, some lines mixing both. */
function notice(): Promise<Buffer> {
  return renderPage({
    width: 900,
    height: 420,
    blocks: [
      { x: 40, y: 30, lines: ['Minutes of the building committee'], fontSize: 30 },
      { x: 40, y: 100, lines: ['预算已经批准，下周一开始施工。', '会议地点：三楼东侧会议室'], fontSize: 30, font: CJK, lineGap: 20 },
      { x: 40, y: 250, lines: ['合计 Total 128.50 元'], fontSize: 30, font: CJK },
      { x: 40, y: 330, lines: ['Next meeting on 14 March 2026'], fontSize: 30 },
    ],
  });
}

/** A one-page PDF whose page is stored on its side and shown upright by /Rotate 90, as some scanners write them. */
async function rotatedPagePdf(upright: Buffer): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(upright).metadata();
  const doc = await PDFDocument.create();
  // The content turned a quarter counter-clockwise; the viewer's quarter clockwise turn sets it upright again.
  const png = await doc.embedPng(await sharp(upright).rotate(270).png().toBuffer());
  const page = doc.addPage([height * 0.72, width * 0.72]);
  page.drawImage(png, { x: 0, y: 0, width: height * 0.72, height: width * 0.72 });
  page.setRotation(degrees(90));
  return Buffer.from(await doc.save());
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-searchable-'));
  folder = join(root, 'scans');
  mkdirSync(folder);
  const page = await notice();
  writeFileSync(join(folder, 'a-notice.png'), page);
  writeFileSync(join(folder, 'b-turned.pdf'), await rotatedPagePdf(page));
  writeFileSync(join(folder, 'c-report.pdf'), await reportWithChart());
  rig = await openJobRig(join(root, 'data'), { workers: 1, queueDepth: 16 });
  ({ store, jobs } = rig);
});

afterAll(async () => {
  await rig?.close();
  rmSync(root, { recursive: true, force: true });
});

const near = (a: Point, b: Point): number => Math.hypot(a[0] - b[0], a[1] - b[1]);
/** Where the text's baseline starts and ends: a fifth of the box height above its bottom edge. */
const baseline = (q: Quad): [Point, Point] => [
  [q[3][0] + 0.2 * (q[0][0] - q[3][0]), q[3][1] + 0.2 * (q[0][1] - q[3][1])],
  [q[2][0] + 0.2 * (q[1][0] - q[2][0]), q[2][1] + 0.2 * (q[1][1] - q[2][1])],
];

/** The line's words with where each starts and ends in the line's text. */
function wordSpans(line: OcrLine): { box: Quad; from: number; to: number }[] {
  let at = 0;
  return (line.words?.length ? line.words : [{ text: line.text, box: line.box }]).map((w) => {
    const from = line.text.indexOf(w.text, at);
    at = from + w.text.length;
    return { box: w.box, from, to: at };
  });
}

describe('searchable PDF', () => {
  it('gives back Chinese and English as recognised, each run of words over its boxes, on image, turned and born-digital pages', async () => {
    const job = jobs.create({ paths: [folder], recursive: true, origin: 'api', keyId: null });
    expect(await jobs.settled(job.id)).toMatchObject({ state: 'done', total: 3, done: 3, failed: 0 });
    const items = jobs.items(job.id, 0, 10).items;
    const [notice, turned, report] = items.map((i) => {
      const r = store.results.get(i.resultId ?? '');
      if (!r) throw new Error(`no stored result for ${i.file}`);
      return r;
    });
    const results = [notice, turned];
    for (const r of results) {
      expect(r.text).toMatch(/[\u4e00-\u9fff]{6}/u);
      expect(r.text).toContain('Minutes of the building committee');
      expect(r.rotation).toBe(0);
    }

    const bytes = await jobs.exportPdf(job.id);
    const pdfFile = join(root, 'out.pdf');
    writeFileSync(pdfFile, bytes);
    const out = await openPdf(bytes);
    expect(out.pages).toBe(3);
    for (const [n, result] of results.entries()) {
      // pdf.js reads the text layer back in the pixels the page was recognised in (an image page at its own
      // 150 DPI is 72/150 pt a pixel; the PDF page was drawn for OCR at the default DPI).
      const dpi = n === 0 ? 150 : DEFAULT_PDF_DPI;
      const page = await out.read(n + 1, dpi);
      if (page.kind !== 'text') throw new Error(`page ${n + 1} has no text layer`);
      expect([page.width, page.height]).toEqual([result.width, result.height]);
      // Each text item pdf.js gives is a run of consecutive words of one recognised line, in reading order,
      // spelled as in the line and starting and ending where the run's first and last words do.
      let li = 0;
      let wi = 0;
      for (const f of page.fragments) {
        const line = result.lines[li];
        const spans = wordSpans(line);
        const first = spans[wi];
        const last = spans.findIndex((s, k) => k >= wi && line.text.slice(first.from, s.to) === f.text);
        expect(last, `"${f.text}" is not a run of "${line.text}" from word ${wi}`).toBeGreaterThanOrEqual(0);
        const [start] = baseline(first.box);
        const [, end] = baseline(spans[last].box);
        const [fStart, fEnd] = baseline(f.box);
        expect(near(fStart, start)).toBeLessThan(1.5);
        expect(near(fEnd, end)).toBeLessThan(1.5);
        wi = last + 1;
        if (wi === spans.length) [li, wi] = [li + 1, 0];
      }
      expect(li).toBe(result.lines.length);

      // poppler reads the same text (runs of spaces aside).
      const { stdout } = await run('pdftotext', ['-f', String(n + 1), '-l', String(n + 1), '-enc', 'UTF-8', pdfFile, '-']);
      const text = stdout.replace(/\s+/gu, ' ');
      for (const line of result.lines) expect(text).toContain(line.text.replace(/\s+/gu, ' '));
    }
    // A born-digital page keeps its own text layer, and gains the lines recognised in its picture: each
    // line once.
    const page = await out.read(3, DEFAULT_PDF_DPI);
    if (page.kind !== 'text') throw new Error('page 3 has no text layer');
    expect(report.lines.some((l) => !l.textLayer)).toBe(true);
    expect(page.fragments.map((f) => f.text).sort()).toEqual(report.lines.map((l) => l.text).sort());
    await out.close();
  });
});
