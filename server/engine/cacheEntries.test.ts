// The engine's prepared files: checked on read, written whole, older ones of a kind dropped, and read ahead by a
// worker booted before its start (handed over once, forgotten after).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryKey, forgetReadAhead, frame, readAhead, readEntry, writeEntry } from './cacheEntries';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-cache-entries-'));
});
afterEach(() => {
  forgetReadAhead();
  rmSync(dir, { recursive: true, force: true });
});

const name = (stem: string, made: string, kind: string): string => `${stem}.${entryKey(made)}.${kind}`;
const payload = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('cache entries', () => {
  it('reads back what was written, and removes an entry that does not check out', async () => {
    const file = name('det', 'v1', 'ort');
    await writeEntry(dir, file, frame(payload('graph bytes')));
    expect(Buffer.from((await readEntry(join(dir, file)))!).toString()).toBe('graph bytes');
    const bytes = readFileSync(join(dir, file));
    bytes[0] ^= 1;
    writeFileSync(join(dir, file), bytes);
    expect(await readEntry(join(dir, file))).toBeUndefined();
    expect(existsSync(join(dir, file))).toBe(false);
  });

  it('keeps one entry per stem and kind', async () => {
    await writeEntry(dir, name('det', 'v1', 'ort'), frame(payload('one')));
    await writeEntry(dir, name('det', 'v1', 'graph'), frame(payload('graph')));
    await writeEntry(dir, name('det', 'v2', 'ort'), frame(payload('two')));
    expect(readdirSync(dir).sort()).toEqual([name('det', 'v1', 'graph'), name('det', 'v2', 'ort')].sort());
  });

  it('hands over an entry read ahead once, then reads the disk again; forgotten ones are not kept', async () => {
    const ort = name('rec', 'v1', 'ort');
    const graph = name('rec', 'v1', 'graph');
    await writeEntry(dir, ort, frame(payload('read ahead')));
    await writeEntry(dir, graph, frame(payload('not a kind asked for')));
    await readAhead(dir, (_stem, kind) => kind === 'ort' || kind === 'index');
    // Gone from the disk after it was read ahead: only the early read can still give it.
    rmSync(join(dir, ort));
    rmSync(join(dir, graph));
    expect(Buffer.from((await readEntry(join(dir, ort)))!).toString()).toBe('read ahead');
    expect(await readEntry(join(dir, ort))).toBeUndefined();
    expect(await readEntry(join(dir, graph))).toBeUndefined();

    await writeEntry(dir, ort, frame(payload('again')));
    await readAhead(dir, (_stem, kind) => kind === 'ort');
    forgetReadAhead();
    rmSync(join(dir, ort));
    expect(await readEntry(join(dir, ort))).toBeUndefined();
  });

  it('reads nothing ahead from a folder that is not there', async () => {
    await readAhead(join(dir, 'missing'), () => true);
    expect(await readEntry(join(dir, 'missing', name('det', 'v1', 'ort')))).toBeUndefined();
  });
});

describe('what a waiting worker reads ahead', () => {
  it("is the OCR models' optimised graphs, their hash memos and the word index, not other models' entries", async () => {
    const { readAheadOcrModels } = await import('./ocr/pipeline');
    const { ocrModelFiles } = await import('./ocr/modelFiles');
    const files = ocrModelFiles();
    const stem = (f: string): string => basename(f).replace(/\.onnx$/i, '');
    const names = {
      det: name(stem(files.det), 'a', 'ort'),
      detMemo: name(basename(files.det), 'b', 'hash'),
      rec: name(stem(files.rec), 'c', 'ort'),
      words: name('word-list', 'd', 'index'),
      recGraph: name(stem(files.rec), 'e', 'graph'),
      imported: name('my-classifier', 'f', 'ort'),
    };
    for (const n of Object.values(names)) await writeEntry(dir, n, frame(payload(n)));
    await readAheadOcrModels(dir);
    for (const n of Object.values(names)) rmSync(join(dir, n));
    const got = async (n: string): Promise<boolean> => (await readEntry(join(dir, n))) !== undefined;
    expect(await got(names.det)).toBe(true);
    expect(await got(names.detMemo)).toBe(true);
    expect(await got(names.rec)).toBe(true);
    expect(await got(names.words)).toBe(true);
    expect(await got(names.recGraph)).toBe(false);
    expect(await got(names.imported)).toBe(false);
  });
});
