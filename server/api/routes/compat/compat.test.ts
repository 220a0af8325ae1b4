// Umi-OCR's and PaddleOCR serving's APIs over real HTTP on a whole node, with requests built from their public
// documentation: options, recognition in both data formats, no text (101), ignore areas, bad requests in each
// API's own error shape, QR codes both ways, and the document flow.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config';
import { writeBarcode } from '../../../engine/codes/barcodes';
import { startServer, type RunningServer } from '../../../serve';
import { renderText } from '../../../testkit/renderText';

let root: string;
let server: RunningServer;
let url: string;
let page: Buffer;
let blank: Buffer;

const LINES = ['Invoice 2026-0417', 'Total due: 1,280.00 EUR', '请在三十日内付款'];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-compat-'));
  const config = loadConfig({ dataDir: join(root, 'data'), port: 0, engine: { workers: 1 } }, { HEARTH_STORE_KEY: 'compat-key' });
  server = await startServer(config);
  url = server.url;
  page = await renderText({ lines: LINES, fontSize: 30 });
  blank = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const postJson = async (
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

interface UmiBlock {
  text: string;
  score: number;
  box: [number, number][];
  end: string;
}

describe('Umi-OCR image API', () => {
  it('lists its options with title, type and default', async () => {
    const res = await fetch(`${url}/api/ocr/get_options`);
    expect(res.status).toBe(200);
    const options = (await res.json()) as Record<string, { title: string; type: string; default: unknown; optionsList?: unknown[] }>;
    expect(Object.keys(options)).toEqual(
      expect.arrayContaining(['ocr.language', 'ocr.cls', 'ocr.limit_side_len', 'tbpu.parser', 'tbpu.ignoreArea', 'data.format']),
    );
    expect(options['tbpu.parser']).toMatchObject({ type: 'enum', default: 'multi_para' });
    expect(options['data.format'].optionsList).toEqual([
      ['dict', expect.any(String)],
      ['text', expect.any(String)],
    ]);
  });

  it('recognises a base64 image into text blocks with boxes and ends', async () => {
    const { status, body } = await postJson('/api/ocr', {
      base64: page.toString('base64'),
      options: { 'ocr.language': 'models/config_en.txt', 'tbpu.parser': 'single_line' },
    });
    expect(status).toBe(200);
    expect(body.code).toBe(100);
    const blocks = body.data as UmiBlock[];
    expect(blocks.map((b) => b.text)).toEqual(LINES);
    expect(blocks.map((b) => b.end)).toEqual(['\n', '\n', '\n']);
    for (const b of blocks) {
      expect(b.box).toHaveLength(4);
      expect(b.box[0][0]).toBeLessThan(b.box[1][0]);
      expect(b.box[1][1]).toBeLessThan(b.box[2][1]);
      expect(b.score).toBeGreaterThan(0.8);
    }
    expect(typeof body.time).toBe('number');
    expect(body.timestamp as number).toBeGreaterThan(1.7e9);
  });

  it('answers plain text with data.format "text", and honours ignore areas', async () => {
    const whole = await postJson('/api/ocr', {
      base64: page.toString('base64'),
      options: { 'data.format': 'text', 'tbpu.parser': 'single_line' },
    });
    expect(whole.body).toMatchObject({ code: 100, data: `${LINES.join('\n')}\n` });
    const dict = await postJson('/api/ocr', { base64: page.toString('base64') });
    const first = (dict.body.data as UmiBlock[])[0].box;
    const area = [
      [first[0][0] - 2, first[0][1] - 2],
      [first[2][0] + 2, first[2][1] + 2],
    ];
    const ignored = await postJson('/api/ocr', {
      base64: page.toString('base64'),
      options: { 'tbpu.ignoreArea': [area], 'tbpu.parser': 'single_line' },
    });
    expect((ignored.body.data as UmiBlock[]).map((b) => b.text)).toEqual(LINES.slice(1));
  });

  it('says 101 when there is no text', async () => {
    const { status, body } = await postJson('/api/ocr', { base64: blank.toString('base64') });
    expect(status).toBe(200);
    expect(body.code).toBe(101);
    expect(typeof body.data).toBe('string');
  });

  it('answers bad requests with Umi codes and a message', async () => {
    expect((await postJson('/api/ocr', '{"base64": ', 'application/json')).body.code).toBe(800);
    expect((await postJson('/api/ocr', {})).body.code).toBe(801);
    expect((await postJson('/api/ocr', { image: 'x' })).body.code).toBe(802);
    expect((await postJson('/api/ocr', { base64: page.toString('base64'), options: 'fast' })).body.code).toBe(803);
    const bad = await postJson('/api/ocr', { base64: page.toString('base64'), options: { 'tbpu.parser': 'columns' } });
    expect(bad.body.code).toBe(804);
    expect(bad.body.data).toMatch(/tbpu.parser/);
    const notImage = await postJson('/api/ocr', { base64: Buffer.from('plain text, not a picture').toString('base64') });
    expect(notImage.status).toBe(200);
    expect(notImage.body.code).toBe(901);
    expect(notImage.body.data).toMatch(/not an image/);
  });
});

describe('Umi-OCR QR code API', () => {
  it('reads a code from base64 and writes one from text', async () => {
    const written = await postJson('/api/qrcode', { text: 'https://example.org/节点', options: { format: 'QRCode', w: 300, h: 300 } });
    expect(written.body.code).toBe(100);
    const jpeg = Buffer.from(written.body.data as string, 'base64');
    expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
    const read = await postJson('/api/qrcode', { base64: jpeg.toString('base64') });
    expect(read.body.code).toBe(100);
    expect(read.body.data).toEqual([
      expect.objectContaining({ text: 'https://example.org/节点', format: 'QRCode', score: 1, orientation: 0 }),
    ]);
    expect((await postJson('/api/qrcode', { base64: blank.toString('base64') })).body.code).toBe(101);
  });

  it('reads codes through Hearth’s own route for the console', async () => {
    const code = await writeBarcode('console', { format: 'QRCode', width: 200, height: 200, quietZone: -1, ecLevel: -1 });
    const res = await fetch(`${url}/v1/barcodes`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: code });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { codes: { text: string }[]; ms: number };
    expect(body.codes.map((c) => c.text)).toEqual(['console']);
  });
});

describe('PaddleOCR hub serving API', () => {
  it('recognises several images in one request', async () => {
    const { status, body } = await postJson('/predict/ocr_system', { images: [page.toString('base64'), blank.toString('base64')] });
    expect(status).toBe(200);
    expect(body.status).toBe('000');
    expect(body.msg).toBe('');
    const [first, second] = body.results as { text: string; confidence: number; text_region: number[][] }[][];
    expect(first.map((r) => r.text)).toEqual(LINES);
    expect(first[0].text_region).toHaveLength(4);
    expect(first[0].text_region.flat().every(Number.isInteger)).toBe(true);
    expect(second).toEqual([]);
  });

  it('is measured as OCR work, as POST /v1/ocr is', async () => {
    const ocrSeconds = async (): Promise<number> => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const m = /hearth_inference_duration_seconds_count\{task="ocr",model="pp-ocrv4",provider="[^"]+"\} (\d+)/.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await ocrSeconds();
    expect((await postJson('/predict/ocr_system', { images: [page.toString('base64')] })).body.status).toBe('000');
    await expect.poll(ocrSeconds).toBe(before + 1);
  });

  it('answers in its own status codes', async () => {
    expect((await postJson('/predict/ocr_system', 'images=1', 'application/x-www-form-urlencoded')).body).toMatchObject({
      status: '112',
      results: '',
    });
    expect((await postJson('/predict/ocr_system', { images: [] })).body.status).toBe('101');
    expect((await postJson('/predict/ocr_system', { images: ['%%%'] })).body.status).toBe('101');
    const unknown = await postJson('/predict/ocr_det', { images: [page.toString('base64')] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('111');
  });
});

describe('Umi-OCR document API', () => {
  it('uploads, polls, downloads and clears a document task', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(page)], { type: 'image/png' }), 'invoice.png');
    form.append('json', JSON.stringify({ 'tbpu.parser': 'single_para' }));
    const up = (await (await fetch(`${url}/api/doc/upload`, { method: 'POST', body: form })).json()) as { code: number; data: string };
    expect(up.code).toBe(100);
    const id = up.data;
    let state: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !state.is_done; i++) {
      state = (await postJson('/api/doc/result', { id, is_data: true, format: 'text', is_unread: false })).body;
      if (!state.is_done) await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toMatchObject({ code: 100, state: 'success', pages_count: 1, processed_count: 1 });
    expect(state.data).toContain('Total due: 1,280.00 EUR');
    // Unread pages come once.
    expect((await postJson('/api/doc/result', { id, is_data: true })).body.data).toHaveLength(1);
    expect((await postJson('/api/doc/result', { id, is_data: true })).body.data).toEqual([]);

    const link = (await postJson('/api/doc/download', { id, file_types: ['txtPlain'] })).body as {
      code: number;
      data: string;
      name: string;
    };
    expect(link.code).toBe(100);
    const txt = await (await fetch(link.data)).text();
    expect(txt).toContain('请在三十日内付款');
    const zip = (await postJson('/api/doc/download', { id, file_types: ['jsonl', 'csv'] })).body as {
      code: number;
      data: string;
      name: string;
    };
    expect(zip.name).toMatch(/\.zip$/);
    const zipBytes = Buffer.from(await (await fetch(zip.data)).arrayBuffer());
    expect(zipBytes.subarray(0, 2).toString()).toBe('PK');

    expect((await postJson('/api/doc/download', { id, file_types: ['docx'] })).body.code).toBe(202);
    expect((await (await fetch(`${url}/api/doc/clear/${id}`)).json()) as object).toMatchObject({ code: 100 });
    expect((await postJson('/api/doc/result', { id })).body.code).toBe(103);
    expect((await fetch(link.data)).status).toBe(404);
  });

  it('reads a two-page PDF page by page and gives it back as a searchable PDF', async () => {
    const doc = await PDFDocument.create();
    for (const lines of [['Page one: delivery terms'], ['Page two: 付款方式']]) {
      const png = await doc.embedPng(await renderText({ lines, fontSize: 28 }));
      doc.addPage([png.width, png.height]).drawImage(png, { x: 0, y: 0, width: png.width, height: png.height });
    }
    const form = new FormData();
    form.append('file', new Blob([await doc.save()], { type: 'application/pdf' }), 'terms.pdf');
    const up = (await (await fetch(`${url}/api/doc/upload`, { method: 'POST', body: form })).json()) as { code: number; data: string };
    expect(up.code).toBe(100);
    let state: Record<string, unknown> = {};
    for (let i = 0; i < 200 && !state.is_done; i++) {
      state = (await postJson('/api/doc/result', { id: up.data, is_data: true, is_unread: false })).body;
      if (!state.is_done) await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toMatchObject({ code: 100, state: 'success', pages_count: 2, processed_count: 2 });
    const pages = state.data as { page: number; code: number; data: UmiBlock[] }[];
    expect(pages.map((p) => [p.page, p.code])).toEqual([
      [1, 100],
      [2, 100],
    ]);
    expect(pages[1].data.map((b) => b.text).join('')).toContain('付款方式');
    const link = (await postJson('/api/doc/download', { id: up.data, file_types: ['pdfLayered'] })).body as {
      code: number;
      data: string;
      name: string;
    };
    expect(link).toMatchObject({ code: 100, name: '[OCR]_terms.layered.pdf' });
    const pdf = await fetch(link.data);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(2);
  });

  it('refuses uploads it cannot read', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'notes.docx');
    expect(((await (await fetch(`${url}/api/doc/upload`, { method: 'POST', body: form })).json()) as { code: number }).code).toBe(103);
    expect(((await (await fetch(`${url}/api/doc/upload`, { method: 'POST', body: new FormData() })).json()) as { code: number }).code).toBe(
      101,
    );
  });
});

describe('OpenAPI', () => {
  it('lists the compatibility routes under their own tag', async () => {
    const doc = (await (await fetch(`${url}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const [path, method] of [
      ['/api/ocr', 'post'],
      ['/api/ocr/get_options', 'get'],
      ['/api/qrcode', 'post'],
      ['/api/doc/upload', 'post'],
      ['/api/doc/result', 'post'],
      ['/api/doc/download', 'post'],
      ['/api/doc/clear/{id}', 'get'],
      ['/predict/ocr_system', 'post'],
    ]) {
      expect(doc.paths[path]?.[method]?.tags, `${method} ${path}`).toEqual(['compatibility']);
    }
  });
});
