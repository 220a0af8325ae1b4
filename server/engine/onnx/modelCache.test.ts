// The on-disk cache of rewritten and optimised graphs, on tiny models this test builds: built once, then used;
// a damaged entry is ignored and rebuilt; a new rewrite version makes a new entry.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { addModel, buildOnnxModel } from '../../testkit/onnx';
import { createCachedSession, type RewrittenModel } from './modelCache';

let root: string;
let source: string;
let cacheDir: string;
let rewrites = 0;

/** The "rewrite" turns a + b into a · b, so a session shows which graph it runs. */
function model(recipe = 'mul@1'): RewrittenModel {
  return {
    source,
    recipe,
    rewrite: () => {
      rewrites++;
      return buildOnnxModel({
        name: 'mul',
        inputs: [
          { name: 'a', dtype: 'float32', shape: ['batch', 3] },
          { name: 'b', dtype: 'float32', shape: ['batch', 3] },
        ],
        outputs: [{ name: 'sum', dtype: 'float32', shape: ['batch', 3] }],
        nodes: [{ op: 'Mul', inputs: ['a', 'b'], outputs: ['sum'] }],
      });
    },
  };
}

async function runs(m = model()): Promise<number[]> {
  const { session } = await createCachedSession(m, { providers: ['cpu'], threads: 1, cacheDir });
  const t = (v: number[]): ort.Tensor => new ort.Tensor('float32', Float32Array.from(v), [1, 3]);
  const out = await session.run({ a: t([1, 2, 3]), b: t([4, 5, 6]) });
  await session.release();
  return [...(out.sum.data as Float32Array)];
}

const entries = (kind: string): string[] => readdirSync(cacheDir).filter((f) => f.endsWith(`.${kind}`));
const file = (kind: string): string => join(cacheDir, entries(kind)[0]);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hearth-model-cache-'));
  source = join(root, 'add.onnx');
  writeFileSync(source, addModel(3));
  cacheDir = join(root, 'cache');
  rewrites = 0;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model cache', () => {
  it('rewrites once, keeps the rewritten and the optimised graph, and loads from them after', async () => {
    expect(await runs()).toEqual([4, 10, 18]);
    expect(rewrites).toBe(1);
    expect(entries('graph')).toHaveLength(1);
    expect(entries('ort')).toHaveLength(1);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await runs()).toEqual([4, 10, 18]);
    expect(await runs()).toEqual([4, 10, 18]);
    expect(rewrites).toBe(1);
  });

  it('without a cache folder rewrites in memory every time', async () => {
    const { session } = await createCachedSession(model(), { providers: ['cpu'], threads: 1 });
    await session.release();
    await createCachedSession(model(), { providers: ['cpu'], threads: 1 }).then((l) => l.session.release());
    expect(rewrites).toBe(2);
  });

  it('ignores an optimised graph with a flipped byte and writes it again', async () => {
    await runs();
    const good = readFileSync(file('ort'));
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)] ^= 0xff;
    writeFileSync(file('ort'), bad);
    expect(await runs()).toEqual([4, 10, 18]);
    // Rebuilt from the (intact) cached rewritten graph, not from the source.
    expect(rewrites).toBe(1);
    expect(readFileSync(file('ort')).equals(good)).toBe(true);
  });

  it('ignores an entry that checks out but does not load, and writes it again', async () => {
    await runs();
    const good = readFileSync(file('ort'));
    const junk = Buffer.from('not an onnx model at all');
    writeFileSync(file('ort'), Buffer.concat([junk, createHash('sha256').update(junk).digest()]));
    expect(await runs()).toEqual([4, 10, 18]);
    expect(readFileSync(file('ort')).equals(good)).toBe(true);
  });

  it('ignores a truncated rewritten graph and rewrites from the source', async () => {
    await runs();
    const graph = readFileSync(file('graph'));
    writeFileSync(file('graph'), graph.subarray(0, graph.length - 7));
    rmSync(file('ort'));
    expect(await runs()).toEqual([4, 10, 18]);
    expect(rewrites).toBe(2);
    expect(readFileSync(file('graph')).equals(graph)).toBe(true);
  });

  it('a new rewrite version (or source) makes new entries and drops the old ones', async () => {
    await runs();
    const [oldGraph, oldOrt] = [entries('graph')[0], entries('ort')[0]];
    await runs(model('mul@2'));
    expect(rewrites).toBe(2);
    expect(entries('graph')).toHaveLength(1);
    expect(entries('ort')).toHaveLength(1);
    expect(entries('graph')[0]).not.toBe(oldGraph);
    expect(entries('ort')[0]).not.toBe(oldOrt);
    // A different source file (another model release) is another entry too.
    writeFileSync(source, addModel(4));
    await runs(model('mul@2'));
    expect(rewrites).toBe(3);
    expect(entries('graph')).toHaveLength(1);
  });
});
