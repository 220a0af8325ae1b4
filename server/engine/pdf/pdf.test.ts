// PDF input through the real engine: scanned pages OCR'd at the PDF DPI, born-digital pages read from their
// text layer, and hostile files (encrypted, truncated, page-count and page-size bombs) refused clearly.
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../appError';
import { NEWSLETTER, newsletterPage } from '../../testkit/pages';
import { encryptPdf, imagesToPdf, pageCountBomb, pageSizeBomb, REPORT, reportWithChart, textPdf } from '../../testkit/pdf';
import { renderText } from '../../testkit/renderText';
import { createEngine, type Engine } from '../index';
import { isPdf } from './pdfDocument';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ workers: 1, queueDepth: 8, cacheEntries: 0, providers: ['cpu'] });
});

afterAll(async () => {
  await engine?.close();
});

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('PDF pages', () => {
  it('OCRs the pages of a scanned PDF in order, drawn at 200 DPI', { timeout: 180_000 }, async () => {
    const second = await renderText({ lines: ['Minutes approved on 14 March 2026'], fontSize: 30 });
    const pdf = await imagesToPdf([await newsletterPage(), second], 100);
    expect(isPdf(pdf)).toBe(true);
    expect(await engine.pdfPages(pdf)).toBe(2);
    const one = await engine.ocrPdfPage(pdf, 1);
    expect(one.page).toBe(1);
    // 1100×900 px at 100 DPI is 11×9 in; drawn at 200 DPI.
    expect([one.width, one.height]).toEqual([2200, 1800]);
    expect(one.lines.map((l) => l.text)).toEqual([NEWSLETTER.title, ...NEWSLETTER.left, ...NEWSLETTER.right, NEWSLETTER.footer]);
    const two = await engine.ocrPdfPage(pdf, 2);
    expect([two.page, two.text]).toEqual([2, 'Minutes approved on 14 March 2026']);
  });

  it('reads a born-digital page from its text layer, exactly and without a model run', async () => {
    const pdf = await textPdf([['Quarterly report', 'Revenue rose 12% to 4.2 million.'], ['Appendix A: method']]);
    const r = await engine.ocrPdfPage(pdf, 1, { layout: 'auto' });
    expect(r.provider).toBe('text-layer');
    expect(r.lines.map((l) => l.text)).toEqual(['Quarterly report', 'Revenue rose 12% to 4.2 million.']);
    // Letter page at 200 DPI; the first line's baseline 72 pt below the top margin of 72 pt.
    expect([r.width, r.height]).toEqual([1700, 2200]);
    const [tl, , br] = r.lines[0].box;
    expect(tl[0]).toBeCloseTo(200, 0);
    expect(br[1]).toBeGreaterThan(190);
    expect(br[1]).toBeLessThan(230);
    expect((await engine.ocrPdfPage(pdf, 2)).text).toBe('Appendix A: method');
  });

  it('OCRs the images placed on a born-digital page and reads their lines in place among the text layer', async () => {
    const pdf = await reportWithChart();
    const r = await engine.ocrPdfPage(pdf, 1);
    expect(r.lines.map((l) => [l.text, l.textLayer ?? false])).toEqual([
      [REPORT.before[0], true],
      [REPORT.before[1], true],
      [REPORT.chart[0], false],
      [REPORT.chart[1], false],
      [REPORT.after, true],
    ]);
    expect(r.provider).toBe('cpu');
    // The chart's lines sit where the image was placed: 3 in from the left margin, at 200 DPI.
    expect(r.lines[2].box[0][0]).toBeGreaterThan(200);
    expect(r.lines[2].box[0][1]).toBeGreaterThan(r.lines[1].box[3][1]);
    // A scan that already carries its text over its image is read from the text alone.
    const searchable = await PDFDocument.create();
    const page = searchable.addPage([612, 792]);
    page.drawImage(await searchable.embedPng(await renderText({ lines: REPORT.chart, fontSize: 28 })), {
      x: 0,
      y: 392,
      width: 612,
      height: 400,
    });
    const font = await searchable.embedFont(StandardFonts.Helvetica);
    page.drawText(REPORT.chart[0], { x: 40, y: 700, size: 20, font, opacity: 0 });
    const again = await engine.ocrPdfPage(Buffer.from(await searchable.save()), 1);
    expect([again.provider, again.text]).toEqual(['text-layer', REPORT.chart[0]]);
  });

  it('refuses encrypted, truncated and bomb PDFs with clear errors, and stays usable', async () => {
    const plain = await textPdf([['Private letter']]);
    const encrypted = await failure(engine.pdfPages(await encryptPdf(plain)));
    expect([encrypted.code, encrypted.status]).toEqual(['encrypted_pdf', 422]);
    expect(encrypted.message).toMatch(/password/);
    const truncated = await failure(engine.pdfPages(plain.subarray(0, Math.floor(plain.length / 3))));
    expect([truncated.code, truncated.status]).toEqual(['corrupt_pdf', 422]);
    const count = await failure(engine.pdfPages(pageCountBomb()));
    expect([count.code, count.status]).toEqual(['pdf_too_large', 413]);
    expect(count.message).toMatch(/1000000 pages/);
    expect(await engine.pdfPages(pageSizeBomb())).toBe(1);
    const size = await failure(engine.ocrPdfPage(pageSizeBomb(), 1));
    expect([size.code, size.status]).toEqual(['pdf_too_large', 413]);
    expect((await engine.ocrPdfPage(plain, 1)).text).toBe('Private letter');
  });
});
