// The engine on the real PP-OCRv4 models, through its worker threads, with images rendered here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../appError';
import { cerReport } from '../testkit/cer';
import { datasetSamples, renderSample } from '../testkit/dataset';
import { colourClassifier } from '../testkit/onnx';
import { renderText } from '../testkit/renderText';
import type { OcrResult } from '../contract/ocr';
import { createEngine, type Engine } from './index';

let engine: Engine;

beforeAll(async () => {
  // cpu pinned so the provider assertion holds on a machine with CUDA too.
  engine = await createEngine({ workers: 2, queueDepth: 2, cacheEntries: 16, providers: ['cpu'] });
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

function squash(s: string): string {
  return s.replace(/\s+/g, '');
}

describe('engine', () => {
  it('reports the provider that ran and reads an English line with a sane box', async () => {
    expect(engine.providers).toEqual(['cpu']);
    const png = await renderText({ lines: ['Invoice total 1234.50'], fontSize: 32, padding: 30 });
    const meta = await sharp(png).metadata();
    const r = await engine.ocr(png);
    expect(r.provider).toBe('cpu');
    expect(r.text).toBe('Invoice total 1234.50');
    expect([r.width, r.height]).toEqual([meta.width, meta.height]);
    expect(r.lines).toHaveLength(1);
    const [tl, tr, br, bl] = r.lines[0].box;
    // Clockwise from top-left, inside the image, around the text (padding 30 on each side).
    expect(tl[0]).toBeLessThan(tr[0]);
    expect(bl[1]).toBeGreaterThan(tl[1]);
    expect(br[0]).toBeGreaterThan(bl[0]);
    for (const [x, y] of r.lines[0].box) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(r.width);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(r.height);
    }
    expect(tl[0]).toBeGreaterThan(10);
    expect(tl[0]).toBeLessThan(40);
    expect(r.lines[0].confidence).toBeGreaterThan(0.8);
    expect(r.ms).toBeGreaterThan(0);
  });

  it('reads Chinese lines in reading order', async () => {
    const png = await renderText({ lines: ['今天天气很好', '欢迎光临图书馆'], fontSize: 30, font: 'Noto Sans CJK SC' });
    const r = await engine.ocr(png);
    expect(r.lines.map((l) => l.text)).toEqual(['今天天气很好', '欢迎光临图书馆']);
    expect(r.text).toBe('今天天气很好\n欢迎光临图书馆');
  });

  it('fixes an upside-down page, lines in reading order', async () => {
    const png = await renderText({ lines: ['First line of text', 'Second line here', '第三行文字'], fontSize: 28, upsideDown: true });
    const r = await engine.ocr(png);
    expect(squash(r.text)).toBe(squash('First line of text\nSecond line here\n第三行文字'));
  });

  it('honours EXIF orientation: boxes refer to the upright image', async () => {
    const upright = await renderText({ lines: ['Rotated by EXIF'], fontSize: 30 });
    const meta = await sharp(upright).metadata();
    const stored = await sharp(upright).rotate(90).jpeg({ quality: 95 }).withMetadata({ orientation: 8 }).toBuffer();
    const r = await engine.ocr(stored);
    expect([r.width, r.height]).toEqual([meta.width, meta.height]);
    expect(r.text).toBe('Rotated by EXIF');
  });

  it('finds small print on a big page (a second, finer detection pass)', async () => {
    const text = await renderText({ lines: ['Small print on a big page', 'amount 12.50'], fontSize: 12, padding: 20 });
    const meta = await sharp(text).metadata();
    // At the first pass's 960 px the 12 px text would shrink to ~6 px, too small for the detector.
    const page = await sharp(text)
      .extend({ right: 1800 - (meta.width ?? 0), bottom: 1200 - (meta.height ?? 0), background: '#ffffff' })
      .png()
      .toBuffer();
    const r = await engine.ocr(page);
    expect(squash(r.text)).toBe(squash('Small print on a big page\namount 12.50'));
  });

  it('answers bad files with the right error codes', async () => {
    const jpeg = await sharp(await renderText({ lines: ['cut short'] }))
      .jpeg()
      .toBuffer();
    const cases: [Uint8Array, string, number][] = [
      [new Uint8Array(0), 'not_an_image', 415],
      [Buffer.from('just some text in a file called scan.png\n'), 'not_an_image', 415],
      [jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'corrupt_image', 422],
    ];
    for (const [bytes, code, status] of cases) {
      const err = await failure(engine.ocr(bytes));
      expect([err.code, err.status]).toEqual([code, status]);
    }
  });

  it('returns the cached result for the same bytes, flagged as reused with no engine time', async () => {
    const png = await renderText({ lines: ['cache me'], fontSize: 24 });
    const before = engine.stats();
    const first = await engine.ocr(png);
    const second = await engine.ocr(Buffer.from(png));
    expect(first.reused).toBeUndefined();
    expect(first.ms).toBeGreaterThan(0);
    expect(second).toEqual({ ...first, ms: 0, reused: true });
    const after = engine.stats();
    expect(after.cacheHits - before.cacheHits).toBe(1);
    expect(after.processed - before.processed).toBe(1);
  });

  it('flags a request that shared a run already going as reused', async () => {
    const png = await renderText({ lines: ['shared run'], fontSize: 24 });
    const [first, second] = await Promise.all([engine.ocr(png), engine.ocr(Buffer.from(png))]);
    expect(first.reused).toBeUndefined();
    expect(second).toEqual({ ...first, ms: 0, reused: true });
  });

  it('sheds interactive load past the queue depth with queue_full + Retry-After, never bulk', async () => {
    const images = await Promise.all(Array.from({ length: 8 }, (_, i) => renderText({ lines: [`q${i}`], fontSize: 14, padding: 6 })));
    // 2 workers busy + queueDepth 2 waiting; the other 4 are refused at once.
    const settled = await Promise.allSettled(images.map((img) => engine.ocr(img)));
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as AppError);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(4);
    expect(refused).toHaveLength(4);
    for (const err of refused) {
      expect([err.code, err.status, err.headers['Retry-After']]).toEqual(['queue_full', 503, '1']);
    }
    const bulk = await Promise.allSettled(
      images.map((_, i) => renderText({ lines: [`b${i}`], fontSize: 14, padding: 7 }).then((img) => engine.ocr(img, { bulk: true }))),
    );
    expect(bulk.every((s) => s.status === 'fulfilled')).toBe(true);
    const stats = engine.stats();
    expect(stats).toMatchObject({ workers: 2, queued: 0, inFlight: 0 });
  });

  it('runs other tasks by name and rejects unknown ones', async () => {
    // The compiler refuses names outside the task table; a worker still refuses them at run time.
    // @ts-expect-error not a task of the table
    await expect(engine.run('no_such_task', {})).rejects.toThrow(/unknown engine task/);
  });

  it('loads a model on every worker and releases it there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-engine-load-'));
    try {
      const modelPath = join(dir, 'colours.onnx');
      writeFileSync(modelPath, colourClassifier());
      const loaded = await engine.broadcast('load', { modelPath, idleMs: 60_000 });
      expect(loaded.map((l) => l.provider)).toEqual(['cpu', 'cpu']);
      expect(await engine.broadcast('unload', { modelPath })).toEqual([true, true]);
      expect(await engine.broadcast('unload', { modelPath })).toEqual([false, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps CER low on a small rendered set (loose bound; bench/cer.ts measures 60 images)', async () => {
    const samples = datasetSamples(8, 424242);
    const truth: Record<string, string> = {};
    const predicted: Record<string, string> = {};
    const results: OcrResult[] = await Promise.all(samples.map(async (s) => engine.ocr(await renderSample(s), { bulk: true })));
    samples.forEach((s, i) => {
      truth[s.file] = s.text;
      predicted[s.file] = results[i].text;
    });
    expect(cerReport(truth, predicted).overall.cer).toBeLessThan(0.05);
  });
});
