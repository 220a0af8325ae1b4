// The classify worker task run directly (as an engine worker runs it) on tiny models the test builds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Preprocess } from '../../contract/models';
import { cachedModels, releaseAll, sweepIdle } from '../models/sessionCache';
import { colourClassifier, solidPng } from '../../testkit/onnx';
import { classifyTask, type ClassifyPayload } from './classify';

const ctx = { providers: ['cpu'], threads: 1 };
const pp: Preprocess = { size: [32, 32], resize: 'stretch', mean: [0, 0, 0], std: [1, 1, 1], layout: 'NCHW', channels: 'RGB' };
let dir: string;
let softmaxModel: string;
let logitsModel: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-classify-'));
  softmaxModel = join(dir, 'softmax.onnx');
  logitsModel = join(dir, 'logits.onnx');
  writeFileSync(softmaxModel, colourClassifier());
  writeFileSync(logitsModel, colourClassifier({ softmax: false }));
});
afterAll(async () => {
  await releaseAll();
  rmSync(dir, { recursive: true, force: true });
});

function payload(image: Uint8Array, over: Partial<ClassifyPayload> = {}): ClassifyPayload {
  return {
    modelPath: softmaxModel,
    image,
    preprocess: pp,
    inputName: 'image',
    scoresOutput: 'scores',
    labels: ['red', 'green', 'blue'],
    topK: 3,
    idleMs: 60_000,
    ...over,
  };
}

const SOLID: [string, [number, number, number]][] = [
  ['red', [255, 0, 0]],
  ['green', [0, 255, 0]],
  ['blue', [0, 0, 255]],
];

describe('classify task', () => {
  it.each(SOLID)('a solid %s image gets its label first with confidence ≥ 0.9', async (label, rgb) => {
    const r = await classifyTask(payload(await solidPng(rgb)), ctx);
    expect(r.labels[0].label).toBe(label);
    expect(r.labels[0].confidence).toBeGreaterThanOrEqual(0.9);
    expect(r.labels).toHaveLength(3);
    expect(r.labels.reduce((s, l) => s + l.confidence, 0)).toBeCloseTo(1, 5);
    expect(r.provider).toBe('cpu');
    expect(r.ms).toBeGreaterThan(0);
  });

  it('applies softmax to raw logits and honours top-k', async () => {
    const r = await classifyTask(payload(await solidPng([0, 0, 255]), { modelPath: logitsModel, topK: 1 }), ctx);
    expect(r.labels).toHaveLength(1);
    expect(r.labels[0].label).toBe('blue');
    expect(r.labels[0].confidence).toBeGreaterThan(0.99);
    expect(r.labels[0].confidence).toBeLessThanOrEqual(1);
  });

  it('follows the channel order and normalisation of the manifest', async () => {
    // BGR feeds blue into the model's first channel: a red image now scores as "blue" (class 2 ← channel 2).
    const bgr = await classifyTask(payload(await solidPng([255, 0, 0]), { preprocess: { ...pp, channels: 'BGR' } }), ctx);
    expect(bgr.labels[0].label).toBe('blue');
    // A yellow image ties red and green; mean 1 on green turns its full channel into 0, so red wins.
    const norm = await classifyTask(
      payload(await solidPng([255, 255, 0]), { preprocess: { ...pp, mean: [0, 1, 0], std: [1, 1, 1] }, modelPath: logitsModel }),
      ctx,
    );
    expect(norm.labels[0].label).toBe('red');
  });

  it('turns a broken image into a 4xx error', async () => {
    const png = await solidPng([255, 0, 0]);
    await expect(classifyTask(payload(png.slice(0, 60)), ctx)).rejects.toMatchObject({ code: 'corrupt_image', status: 422 });
    await expect(classifyTask(payload(new TextEncoder().encode('hello, not an image')), ctx)).rejects.toMatchObject({ status: 415 });
  });

  it('keeps one session per model and releases it after the idle time', async () => {
    await releaseAll();
    await classifyTask(payload(await solidPng([0, 255, 0]), { idleMs: 50 }), ctx);
    expect(cachedModels()).toEqual([softmaxModel]);
    expect(sweepIdle(Date.now() + 10)).toBe(0);
    expect(sweepIdle(Date.now() + 100)).toBe(1);
    expect(cachedModels()).toEqual([]);
    const again = await classifyTask(payload(await solidPng([0, 255, 0])), ctx);
    expect(again.labels[0].label).toBe('green');
  });
});
