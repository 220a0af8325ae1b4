// The on-disk repository: import with validation, versions, activate/rollback, delete, bundles between data dirs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../appError';
import { addModel, colourClassifier } from '../../testkit/onnx';
import { openModelRepository, parseLabels } from './repository';
import { readTar, writeTar } from './tar';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hearth-models-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const colours = {
  model: colourClassifier(),
  manifest: { name: 'colours', task: 'classify', preprocess: { size: [32, 32] } },
  labels: 'red\ngreen\nblue\n',
};

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('model repository', () => {
  it('lists the bundled PP-OCRv4 read-only, with files that exist', () => {
    const c = openModelRepository({ dataDir: tempDir() });
    const list = c.list();
    expect(list.map((m) => [m.id, m.task, m.bundled])).toEqual([['pp-ocrv4', 'ocr', true]]);
    expect(list[0].versions[0].sizeBytes).toBeGreaterThan(5_000_000);
    const r = c.resolve('pp-ocrv4');
    expect(readFileSync(r.modelPath).length).toBeGreaterThan(1_000_000);
    expect(() => c.activate('pp-ocrv4', 1)).toThrow(/read-only/);
    expect(() => c.exportBundle('pp-ocrv4')).toThrow(/read-only/);
  });

  it('imports a model named with capitals under the lower-case id made from its name', async () => {
    const c = openModelRepository({ dataDir: tempDir() });
    expect(await c.import({ ...colours, manifest: { ...colours.manifest, name: 'Colours' } })).toEqual({ id: 'colours', version: 1 });
    expect(c.get('colours')).toMatchObject({ id: 'colours', name: 'Colours' });
    expect(await c.import({ ...colours, manifest: { ...colours.manifest, name: 'Colours (v2)' } })).toEqual({
      id: 'colours-v2',
      version: 1,
    });
    const given = await rejection(c.import({ ...colours, manifest: { ...colours.manifest, id: 'Colours' } }));
    expect([given.status, given.code]).toEqual([422, 'invalid_model']);
    expect(given.message).toMatch(/a-z/);
  });

  it('imports a classifier with inputs read from the model, and lists it', async () => {
    const dataDir = tempDir();
    const c = openModelRepository({ dataDir });
    expect(await c.import(colours)).toEqual({ id: 'colours', version: 1 });
    const s = c.get('colours');
    expect(s).toMatchObject({ id: 'colours', task: 'classify', activeVersion: 1, bundled: false });
    expect(s.versions[0]).toMatchObject({ version: 1, labels: 3, inputs: [{ name: 'image', dtype: 'float32', shape: [1, 3, 32, 32] }] });
    expect(s.preprocess).toEqual({ size: [32, 32], resize: 'stretch', mean: [0, 0, 0], std: [1, 1, 1], layout: 'NCHW', channels: 'RGB' });
    const r = c.resolve('colours');
    expect(r.labels).toEqual(['red', 'green', 'blue']);
    expect(readFileSync(join(dataDir, 'models', 'colours', '1', 'model.onnx'))).toEqual(Buffer.from(colours.model));
    expect(c.list().map((m) => m.id)).toEqual(['pp-ocrv4', 'colours']);
  });

  it('keeps versions side by side; activate rolls back; delete refuses the active version', async () => {
    const c = openModelRepository({ dataDir: tempDir() });
    await c.import(colours);
    expect(await c.import({ ...colours, labels: 'green\nblue\nred\n' })).toEqual({ id: 'colours', version: 2 });
    expect(c.resolve('colours').labels[0]).toBe('green');
    c.activate('colours', 1);
    expect(c.get('colours').activeVersion).toBe(1);
    expect(c.resolve('colours').labels[0]).toBe('red');
    expect(() => c.activate('colours', 7)).toThrow(/no version 7 \(it has 1, 2\)/);
    expect(() => c.remove('colours', 1)).toThrow(/active/);
    c.remove('colours', 2);
    expect(c.get('colours').versions.map((v) => v.version)).toEqual([1]);
    const explicit = await rejection(c.import({ ...colours, manifest: { ...colours.manifest, version: 1 } }));
    expect([explicit.status, explicit.code]).toEqual([409, 'conflict']);
    c.remove('colours');
    expect(() => c.get('colours')).toThrow(/no model "colours"/);
  });

  it('rejects a corrupt file with 422 and leaves the active version serving', async () => {
    const c = openModelRepository({ dataDir: tempDir() });
    await c.import(colours);
    const corrupt = colours.model.slice(0, 40);
    const err = await rejection(c.import({ ...colours, model: corrupt }));
    expect([err.status, err.code]).toEqual([422, 'invalid_model']);
    expect(err.message).toMatch(/ONNX Runtime cannot load this model/);
    const garbage = await rejection(c.import({ ...colours, model: new TextEncoder().encode('not a model at all') }));
    expect(garbage.status).toBe(422);
    expect(c.get('colours')).toMatchObject({ activeVersion: 1, versions: [{ version: 1 }] });
  });

  it('says why a manifest does not fit the model', async () => {
    const c = openModelRepository({ dataDir: tempDir() });
    const size = await rejection(c.import({ ...colours, manifest: { ...colours.manifest, preprocess: { size: [64, 64] } } }));
    expect(size.message).toMatch(/height is 32 but preprocessing \(NCHW, size 64,64\) gives 64/);
    const labels = await rejection(c.import({ ...colours, labels: 'red\ngreen\n' }));
    expect(labels.message).toMatch(/scores 3 classes but the labels file has 2 labels/);
    const input = await rejection(
      c.import({ ...colours, manifest: { ...colours.manifest, inputs: [{ name: 'pixels', dtype: 'float32', shape: [1, 3, 32, 32] }] } }),
    );
    expect(input.message).toMatch(/no input "pixels".*does not describe model input "image"/);
    const schema = await rejection(
      c.import({ ...colours, manifest: { name: 'x', task: 'classify', preprocess: { size: [32], mean: 'a' } } }),
    );
    expect(schema.message).toMatch(/^manifest: preprocess\.size/);
    const twoInputs = await rejection(
      c.import({ model: addModel(), manifest: { name: 'add', task: 'classify', preprocess: { size: [1, 3] } }, labels: 'a\n' }),
    );
    expect(twoInputs.message).toMatch(/one image input; this one has 2/);
    const noLabels = await rejection(c.import({ ...colours, labels: undefined }));
    expect(noLabels.message).toMatch(/needs a labels file/);
    expect(c.list().map((m) => m.id)).toEqual(['pp-ocrv4']);
  });

  it('exports a bundle that another data dir imports as is', async () => {
    const a = openModelRepository({ dataDir: tempDir() });
    await a.import({
      ...colours,
      manifest: { ...colours.manifest, preprocess: { size: [32, 32], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } },
    });
    await a.import({ ...colours, labels: 'blue\nred\ngreen\n' });
    a.activate('colours', 1);
    const bundle = a.exportBundle('colours');
    expect(bundle.fileName).toBe('colours-v1.hearth-model.tar');
    const b = openModelRepository({ dataDir: tempDir() });
    expect(await b.importBundle(bundle.bytes)).toEqual({ id: 'colours', version: 1 });
    const ra = a.resolve('colours');
    const rb = b.resolve('colours');
    expect(rb.labels).toEqual(['red', 'green', 'blue']);
    expect({ ...rb.manifest, createdAt: null }).toEqual({ ...ra.manifest, createdAt: null });
    expect(readFileSync(rb.modelPath)).toEqual(readFileSync(ra.modelPath));
    const again = await rejection(b.importBundle(bundle.bytes));
    expect(again.status).toBe(409);
  });

  it('writes bundles that system tar reads, and reads what system tar writes', () => {
    const dir = tempDir();
    const file = join(dir, 'b.tar');
    const big = new Uint8Array(1300).map((_, i) => i % 251);
    writeFileSync(
      file,
      writeTar([
        { name: 'manifest.json', data: new TextEncoder().encode('{}') },
        { name: 'model.onnx', data: big },
      ]),
    );
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n')).toEqual(['manifest.json', 'model.onnx']);
    execFileSync('tar', ['-xf', file, '-C', dir]);
    expect(readFileSync(join(dir, 'model.onnx'))).toEqual(Buffer.from(big));
    execFileSync('tar', ['--format=ustar', '-cf', join(dir, 'c.tar'), '-C', dir, 'model.onnx', 'manifest.json']);
    const entries = readTar(readFileSync(join(dir, 'c.tar')));
    expect(entries.map((e) => [e.name, e.data.length])).toEqual([
      ['model.onnx', 1300],
      ['manifest.json', 2],
    ]);
    const broken = readFileSync(join(dir, 'c.tar'));
    broken[10] ^= 0xff;
    expect(() => readTar(broken)).toThrow(/checksum/);
  });

  it('parses labels files', () => {
    expect(parseLabels('\uFEFFa\r\nb\n\n\n')).toEqual(['a', 'b']);
    expect(() => parseLabels('a\n\nb')).toThrow(/line 2 is empty/);
  });
});
