// Training an image classifier on a tiny backbone the test builds: rendered labelled images (three kinds of
// marks), validation accuracy, the exported graph answering what the trained layer computes, determinism to the
// byte, the new version in the repository and serving through /v1/classify, and the refusals in words.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { openModelRepository } from '../engine/models/repository';
import { imageToTensor } from '../engine/models/preprocess';
import { OnnxGraph } from '../engine/onnx/graph';
import { startServer } from '../serve';
import { buildOnnxModel } from '../testkit/onnx';
import { seededRandom } from '../testkit/renderText';
import { embeddingModel, TRAINED } from '../engine/onnx/embedding';
import { trainImageClassifier } from './imageClassifier';
import { predict } from './softmax';

let root: string;
const LABELS = ['bars', 'dots', 'frames'];

/** A small conv backbone with a 2-class head (as an imported model would have), fixed pseudo-random weights. */
function backbone(): Uint8Array {
  const rnd = seededRandom(7);
  const w = (n: number): number[] => Array.from({ length: n }, () => rnd() * 2 - 1);
  return buildOnnxModel({
    inputs: [{ name: 'pixels', dtype: 'float32', shape: [1, 3, 32, 32] }],
    outputs: [{ name: 'scores', dtype: 'float32', shape: [1, 2] }],
    nodes: [
      { op: 'Conv', inputs: ['pixels', 'c1w', 'c1b'], outputs: ['c1'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      {
        op: 'Conv',
        inputs: ['r1', 'c2w', 'c2b'],
        outputs: ['c2'],
        attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] },
      },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'GlobalAveragePool', inputs: ['r2'], outputs: ['gap'] },
      { op: 'Flatten', inputs: ['gap'], outputs: ['features'], attributes: { axis: 1 } },
      { op: 'Gemm', inputs: ['features', 'fcw', 'fcb'], outputs: ['logits'], attributes: { transB: 1 } },
      { op: 'Softmax', inputs: ['logits'], outputs: ['scores'], attributes: { axis: 1 } },
    ],
    initializers: [
      { name: 'c1w', dtype: 'float32', dims: [8, 3, 3, 3], values: w(8 * 27) },
      { name: 'c1b', dtype: 'float32', dims: [8], values: w(8) },
      { name: 'c2w', dtype: 'float32', dims: [32, 8, 3, 3], values: w(32 * 72) },
      { name: 'c2b', dtype: 'float32', dims: [32], values: w(32) },
      { name: 'fcw', dtype: 'float32', dims: [2, 32], values: w(64) },
      { name: 'fcb', dtype: 'float32', dims: [2], values: w(2) },
    ],
  });
}

/** Marks of one kind in a random colour at random places on a noisy light background. */
async function example(kind: string, seed: number): Promise<Buffer> {
  const rnd = seededRandom(seed);
  const colour = `rgb(${Math.round(rnd() * 180)},${Math.round(rnd() * 180)},${Math.round(rnd() * 180)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 4; i++) {
    const x = Math.round(rnd() * 40);
    const y = Math.round(rnd() * 40);
    if (kind === 'bars') shapes.push(`<rect x="0" y="${y}" width="64" height="${3 + Math.round(rnd() * 3)}" fill="${colour}"/>`);
    if (kind === 'dots') shapes.push(`<circle cx="${x + 10}" cy="${y + 10}" r="${3 + Math.round(rnd() * 4)}" fill="${colour}"/>`);
    if (kind === 'frames') shapes.push(`<rect x="${x}" y="${y}" width="20" height="20" fill="none" stroke="${colour}" stroke-width="2"/>`);
  }
  const grey = 200 + Math.round(rnd() * 55);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="rgb(${grey},${grey},${grey})"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function makeDataset(dir: string, perLabel: number, seed: number): Promise<void> {
  for (const [k, label] of LABELS.entries()) {
    mkdirSync(join(dir, label), { recursive: true });
    for (let i = 0; i < perLabel; i++) writeFileSync(join(dir, label, `${label}-${i}.png`), await example(label, seed + k * 1000 + i));
  }
}

function importBackbone(dataDir: string): Promise<unknown> {
  return openModelRepository({ dataDir }).import({
    model: backbone(),
    manifest: { name: 'tiny-net', task: 'classify', preprocess: { size: [32, 32], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } },
    labels: 'cat\ndog\n',
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-train-'));
  await makeDataset(join(root, 'set'), 20, 1);
  await makeDataset(join(root, 'unseen'), 6, 50_000);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('training an image classifier on an imported backbone', () => {
  it('learns the labels, and the exported graph answers what the trained layer computes', async () => {
    const dataDir = join(root, 'node-a');
    await importBackbone(dataDir);
    const repository = openModelRepository({ dataDir });
    const phases = new Set<string>();
    const report = await trainImageClassifier(
      repository,
      { folder: join(root, 'set'), name: 'marks', backbone: 'tiny-net', seed: 3 },
      (p) => phases.add(p.phase),
    );
    expect(phases).toEqual(new Set(['embedding', 'fitting', 'registering']));
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.labels).toEqual(LABELS);
    expect(report.examples).toEqual({ train: 48, validation: 12 });
    expect(Object.keys(report.perLabel)).toEqual(LABELS);
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12);
    expect(report).toMatchObject({ model: 'marks', version: 1, active: true, previous: null });

    // The new version's graph against the trained layer, on examples it never saw.
    const resolved = repository.resolve('marks');
    expect(resolved.labels).toEqual(LABELS);
    const graph = new OnnxGraph(readFileSync(resolved.modelPath));
    const weight = graph.constant(TRAINED.weight);
    const bias = graph.constant(TRAINED.bias);
    if (!weight || !bias) throw new Error('the head is missing from the exported graph');
    const head = { weight: weight.data, bias: bias.data, classes: 3, dims: weight.dims[1] };
    const full = await ort.InferenceSession.create(resolved.modelPath);
    const embed = await ort.InferenceSession.create(embeddingModel(backbone(), 'features', 2));
    let correct = 0;
    for (const [label, name] of LABELS.entries()) {
      for (let i = 0; i < 6; i++) {
        const input = await imageToTensor(readFileSync(join(root, 'unseen', name, `${name}-${i}.png`)), resolved.manifest.preprocess!);
        const feeds = { pixels: new ort.Tensor('float32', input.data, input.dims) };
        const exported = (await full.run(feeds))[full.outputNames[0]].data as Float32Array;
        const vector = (await embed.run(feeds))[TRAINED.pooled].data as Float32Array;
        const trained = predict(head, vector);
        for (let c = 0; c < 3; c++) expect(Math.abs(exported[c] - trained[c])).toBeLessThan(1e-5);
        if (exported.indexOf(Math.max(...exported)) === label) correct++;
      }
    }
    expect(correct / 18).toBeGreaterThanOrEqual(0.95);
  });

  it('gives the same model bytes for the same data and seed; a second run is a new, inactive version', async () => {
    const a = join(root, 'node-b');
    const b = join(root, 'node-c');
    await importBackbone(a);
    await importBackbone(b);
    const ra = await trainImageClassifier(openModelRepository({ dataDir: a }), {
      folder: join(root, 'set'),
      name: 'marks',
      backbone: 'tiny-net',
      seed: 9,
    });
    const rb = await trainImageClassifier(openModelRepository({ dataDir: b }), {
      folder: join(root, 'set'),
      name: 'marks',
      backbone: 'tiny-net',
      seed: 9,
    });
    const bytesA = readFileSync(openModelRepository({ dataDir: a }).resolve('marks', ra.version).modelPath);
    const bytesB = readFileSync(openModelRepository({ dataDir: b }).resolve('marks', rb.version).modelPath);
    expect(Buffer.compare(bytesA, bytesB)).toBe(0);

    const again = await trainImageClassifier(openModelRepository({ dataDir: a }), {
      folder: join(root, 'set'),
      name: 'marks',
      backbone: 'tiny-net',
      seed: 4,
    });
    expect(again).toMatchObject({ version: 2, active: false, previous: { version: 1 } });
    expect(openModelRepository({ dataDir: a }).get('marks').activeVersion).toBe(1);
  });

  it('serves the trained version through /v1/classify', async () => {
    const dataDir = join(root, 'node-a');
    const server = await startServer(loadConfig({ dataDir, port: 0, engine: { workers: 1 } }, { HEARTH_STORE_KEY: 'train-key' }));
    try {
      const res = await fetch(`${server.url}/v1/classify?model=marks`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: readFileSync(join(root, 'unseen', 'dots', 'dots-2.png')),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { labels: { label: string; confidence: number }[] };
      expect(body.labels[0].label).toBe('dots');
    } finally {
      await server.close();
    }
  });

  it('refuses what cannot work, in words, and leaves the repository untouched', async () => {
    const dataDir = join(root, 'node-d');
    await importBackbone(dataDir);
    const repository = openModelRepository({ dataDir });
    const one = join(root, 'one-label');
    mkdirSync(join(one, 'only'), { recursive: true });
    await expect(trainImageClassifier(repository, { folder: one, name: 'x', backbone: 'tiny-net' })).rejects.toThrow(/at least two labels/);
    const few = join(root, 'few');
    await makeDataset(few, 3, 7);
    await expect(trainImageClassifier(repository, { folder: few, name: 'x', backbone: 'tiny-net' })).rejects.toThrow(
      /at least 5 examples; too few in: bars \(3\)/,
    );
    const dup = join(root, 'dup');
    await makeDataset(dup, 6, 11);
    writeFileSync(join(dup, 'dots', 'copy.png'), readFileSync(join(dup, 'bars', 'bars-0.png')));
    await expect(trainImageClassifier(repository, { folder: dup, name: 'x', backbone: 'tiny-net' })).rejects.toThrow(
      /same file is under two labels/,
    );
    await expect(
      trainImageClassifier(repository, { folder: join(root, 'set'), name: 'x', backbone: 'tiny-net', embedding: 'nope' }),
    ).rejects.toThrow(/no tensor "nope"/);
    expect(repository.list().map((m) => m.id)).not.toContain('x');
  });
});
