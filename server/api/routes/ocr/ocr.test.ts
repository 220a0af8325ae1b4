// POST /v1/ocr and the searchable PDF export over real HTTP: PDFs page by page, the layout query, stored
// pages with their layout, bad PDFs as clear 4xx answers, and a job's PDF export read back by pdftotext.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config';
import { createClient, type HearthClient } from '../../../contract/client';
import { startServer, type RunningServer } from '../../../serve';
import { encryptPdf, imagesToPdf, textPdf } from '../../../testkit/pdf';
import { renderPage } from '../../../testkit/renderPage';
import { renderText } from '../../../testkit/renderText';

const run = promisify(execFile);
let dataDir: string;
let server: RunningServer;
let client: HearthClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hearth-ocr-route-'));
  const config = loadConfig({ dataDir, port: 0, engine: { workers: 1 } }, { HEARTH_STORE_KEY: 'ocr-route-test-key' });
  server = await startServer(config);
  client = createClient({ baseUrl: server.url });
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  // Either an OCR answer or an error; the tests read the parts they expect.
  body: { lines: { text: string }[]; error: { code: string; message: string } };
}

async function post(body: Uint8Array, type: string, query = ''): Promise<Answer> {
  const res = await fetch(`${server.url}/v1/ocr${query}`, { method: 'POST', body, headers: { 'content-type': type } });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

describe('POST /v1/ocr with PDFs', () => {
  it('answers every page of a PDF, or one page, and stores each page with its layout', async () => {
    const scan = await renderText({ lines: ['Delivery note 4471'], fontSize: 30 });
    const born = await textPdf([['Terms of delivery']]);
    const pdf = await imagesToPdf([scan, scan], 150);
    const all = await client.ocr(new Uint8Array(pdf), 'application/pdf');
    expect(all.pages?.map((p) => [p.page, p.text])).toEqual([
      [1, 'Delivery note 4471'],
      [2, 'Delivery note 4471'],
    ]);
    expect(all.text).toBe('Delivery note 4471\fDelivery note 4471');
    expect(all.lines.map((l) => l.page)).toEqual([1, 2]);
    const stored = await client.call('getResult', { params: { id: all.pages?.[1].resultId ?? '' } });
    expect(stored).toMatchObject({ page: 2, rotation: 0, text: 'Delivery note 4471' });
    expect(stored.blocks?.[0]).toMatchObject({ kind: 'paragraph', text: 'Delivery note 4471', lines: [0] });

    const one = await client.ocr(new Uint8Array(born), 'application/pdf', undefined, 1);
    expect([one.page, one.text, one.provider]).toEqual([1, 'Terms of delivery', 'text-layer']);
    const missing = await post(born, 'application/pdf', '?page=3');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/1 page, no page 3/);
  });

  it('takes the layout per request and refuses an unknown one', async () => {
    const png = await renderPage({
      width: 600,
      height: 160,
      blocks: [
        { x: 20, y: 40, lines: ['Invoice date:'], fontSize: 26 },
        { x: 420, y: 40, lines: ['2026-11-30'], fontSize: 26 },
      ],
    });
    expect((await post(png, 'image/png')).body.lines.map((l) => l.text)).toEqual(['Invoice date: 2026-11-30']);
    const kept = await post(png, 'image/png', '?layout=lines');
    expect(kept.body.lines.map((l) => l.text)).toEqual(['Invoice date:', '2026-11-30']);
    const bad = await post(png, 'image/png', '?layout=columns');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_query');
  });

  it('answers encrypted and truncated PDFs with clear 4xx errors', async () => {
    const plain = await textPdf([['Board minutes']]);
    const locked = await post(await encryptPdf(plain), 'application/pdf');
    expect(locked.status).toBe(422);
    expect(locked.body.error).toMatchObject({ code: 'encrypted_pdf' });
    const cut = await post(plain.subarray(0, plain.length - 200), 'application/pdf');
    expect(cut.status).toBe(422);
    expect(cut.body.error).toMatchObject({ code: 'corrupt_pdf' });
    expect((await client.health()).status).toBe('ok');
  });
});

const INVOICE = [
  ['Description', 'Printer paper A4', 'Toner cartridge'],
  ['Qty', '5', '1'],
  ['Amount', '24.50', '61.00'],
];

describe('job exports of documents', () => {
  let jobId: string;

  it('is a searchable PDF whose text layer pdftotext finds at the recognised boxes', async () => {
    const folder = join(dataDir, 'inbox');
    mkdirSync(folder);
    writeFileSync(join(folder, 'receipt.png'), await renderText({ lines: ['Parking ticket 0815', 'Paid 4.50 EUR'], fontSize: 30 }));
    const invoice = await renderPage({
      width: 900,
      height: 220,
      blocks: INVOICE.map((lines, c) => ({ x: [30, 420, 620][c], y: 40, lines, fontSize: 24, lineGap: 16 })),
    });
    writeFileSync(join(folder, 'z-invoice.png'), invoice);
    const job = await client.call('createJob', { body: { path: folder } });
    jobId = job.id;
    let state = job.state;
    while (state !== 'done' && state !== 'failed') {
      await new Promise((r) => setTimeout(r, 200));
      state = (await client.call('getJob', { params: { id: job.id } })).state;
    }
    const res = await fetch(`${server.url}/v1/jobs/${job.id}/export?format=pdf`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = join(dataDir, 'export.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const { stdout } = await run('pdftotext', ['-layout', '-l', '1', file, '-']);
    expect(
      stdout
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    ).toEqual(['Parking ticket 0815', 'Paid 4.50 EUR']);
    // Word boxes in points; the image is 150 DPI, so points × 150/72 are image pixels.
    const { stdout: bbox } = await run('pdftotext', ['-bbox', '-l', '1', file, '-']);
    const words = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]+)<\/word>/g)];
    const stored = await client.call('searchResults', { query: { q: 'Parking' } });
    const detail = await client.call('getResult', { params: { id: stored.items[0].id } });
    const first = words.find((w) => w[3] === 'Parking');
    expect(first).toBeDefined();
    const [x, y] = [Number(first?.[1]) * (150 / 72), Number(first?.[2]) * (150 / 72)];
    const box = detail.lines[0].box;
    expect(Math.abs(x - box[0][0])).toBeLessThan(6);
    expect(y).toBeGreaterThan(box[0][1] - 12);
    expect(y).toBeLessThan(box[3][1]);
  });

  it('gives tables as CSV cells and as Markdown pipe tables', async () => {
    const rows = INVOICE[0].map((_, r) => INVOICE.map((col) => col[r]));
    const csv = await client.callText('exportJob', { params: { id: jobId }, query: { format: 'tables' } });
    expect(csv.trim().split('\n')).toEqual([
      'file,page,table,row,cells…',
      ...rows.map((cells, r) => `z-invoice.png,,1,${r + 1},${cells.join(',')}`),
    ]);
    const md = await client.callText('exportJob', { params: { id: jobId }, query: { format: 'md' } });
    expect(md).toContain(
      `<!-- z-invoice.png -->\n\n| ${rows[0].join(' | ')} |\n| --- | --- | --- |\n| ${rows[1].join(' | ')} |\n| ${rows[2].join(' | ')} |`,
    );
  });
});
