// PDFs in folder jobs with the real engine and store: one item per page, a searchable PDF out whose text
// layer (read back with pdf.js) holds the recognised lines on the right pages at the right places, and bad
// PDFs as item errors that leave the job and the store intact.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPdf } from '../engine/pdf/pdfDocument';
import { NEWSLETTER, newsletterPage } from '../testkit/pages';
import { encryptPdf, imagesToPdf, pageCountBomb, textPdf } from '../testkit/pdf';
import { renderText } from '../testkit/renderText';
import { type Store } from '../store';
import { openJobRig, type JobRig } from '../testkit/jobRig';
import { type JobService } from './index';

let root: string;
let folder: string;
let store: Store;
let jobs: JobService;
let rig: JobRig | undefined;
const MINUTES = 'Minutes approved on 14 March 2026';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-pdfjob-'));
  folder = join(root, 'archive');
  mkdirSync(folder);
  const scan = await imagesToPdf([await newsletterPage(90), await renderText({ lines: [MINUTES], fontSize: 30 })], 100);
  writeFileSync(join(folder, 'a-scan.pdf'), scan);
  writeFileSync(join(folder, 'b-locked.pdf'), await encryptPdf(await textPdf([['Salary review']])));
  writeFileSync(join(folder, 'c-cut.pdf'), scan.subarray(0, scan.length >> 1));
  writeFileSync(join(folder, 'd-bomb.pdf'), pageCountBomb());
  rig = await openJobRig(join(root, 'data'), { workers: 1, queueDepth: 16 });
  ({ store, jobs } = rig);
});

afterAll(async () => {
  await rig?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('PDF job', () => {
  it('reads each page as an item, refuses bad PDFs per file, and exports a searchable PDF with the text in place', async () => {
    const job = jobs.create({ paths: [folder], recursive: true, origin: 'api', keyId: null });
    const end = await jobs.settled(job.id);
    expect(end).toMatchObject({ state: 'done', total: 5, done: 2, failed: 3 });
    const items = jobs.items(job.id, 0, 100).items;
    expect(items.map((i) => [i.file, i.page ?? 0, i.state, i.error?.code ?? null])).toEqual([
      ['a-scan.pdf', 1, 'done', null],
      ['a-scan.pdf', 2, 'done', null],
      ['b-locked.pdf', 0, 'failed', 'encrypted_pdf'],
      ['c-cut.pdf', 0, 'failed', 'corrupt_pdf'],
      ['d-bomb.pdf', 0, 'failed', 'pdf_too_large'],
    ]);

    const jsonl = [...jobs.export(job.id, 'jsonl')]
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl[0]).toMatchObject({ file: 'a-scan.pdf', page: 1, rotation: 270 });
    expect(jsonl[0].lines.map((l: { text: string }) => l.text)).toEqual([
      NEWSLETTER.title,
      ...NEWSLETTER.left,
      ...NEWSLETTER.right,
      NEWSLETTER.footer,
    ]);
    expect(jsonl[0].blocks.map((b: { kind: string }) => b.kind)).toEqual(['heading', 'paragraph', 'paragraph', 'footer']);
    expect(jsonl[1]).toMatchObject({ file: 'a-scan.pdf', page: 2, text: MINUTES });
    expect(jsonl[2]).toMatchObject({ file: 'b-locked.pdf', error: { code: 'encrypted_pdf' } });
    // Markdown keeps the document's structure: the title as a heading, each column a paragraph, the footer set apart.
    const md = [...jobs.export(job.id, 'md')].join('');
    expect(md).toContain(
      `<!-- a-scan.pdf, page 1 -->\n\n# ${NEWSLETTER.title}\n\n${NEWSLETTER.left.join(' ')}\n\n${NEWSLETTER.right.join(' ')}\n\n*${NEWSLETTER.footer}*\n\n---\n\n`,
    );
    expect(md).toContain(`<!-- b-locked.pdf -->\n\n> error encrypted\\_pdf:`);

    // The searchable PDF read back by pdf.js: per page, the text layer is the recognised lines, in order,
    // each starting where its box starts (page 1 was scanned sideways: its text runs down the page).
    const out = await openPdf(await jobs.exportPdf(job.id));
    expect(out.pages).toBe(2);
    for (const n of [0, 1]) {
      const item = store.results.get(items[n].resultId ?? '');
      if (!item) throw new Error('no stored result');
      const page = await out.read(n + 1, 200);
      if (page.kind !== 'text') throw new Error(`page ${n + 1} has no text layer`);
      expect(page.fragments.map((f) => f.text)).toEqual(item.lines.map((l) => l.text));
      // Drawn at 200 DPI, as the pages were for OCR: the same pixel space.
      expect([page.width, page.height]).toEqual([item.width, item.height]);
      // Where each line's baseline starts (a fifth of the box height above its bottom-left corner, in both
      // the stored box and the box pdf.js gives the text it reads back) and which way it runs.
      const baseline = (q: readonly [number, number][]): [number, number] => [
        q[3][0] + 0.2 * (q[0][0] - q[3][0]),
        q[3][1] + 0.2 * (q[0][1] - q[3][1]),
      ];
      const dir = (q: readonly [number, number][]): number => Math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]);
      page.fragments.forEach((f, i) => {
        const [x, y] = baseline(f.box);
        const [bx, by] = baseline(item.lines[i].box);
        expect(Math.hypot(x - bx, y - by)).toBeLessThan(3);
        expect(Math.abs(dir(f.box) - dir(item.lines[i].box))).toBeLessThan(0.02);
      });
    }
    await out.close();
    // The store still answers and the job is intact after the bad files.
    expect(store.results.search({ q: 'allotment' }).total).toBeGreaterThan(0);
  });
});
