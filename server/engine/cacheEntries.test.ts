// The engine's prepared files: checked on read, written whole, older ones of a kind dropped, and read ahead by a
// worker booted before its start (handed over once, forgotten after).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    await readAhead(dir, ['ort', 'index']);
    // Gone from the disk after it was read ahead: only the early read can still give it.
    rmSync(join(dir, ort));
    rmSync(join(dir, graph));
    expect(Buffer.from((await readEntry(join(dir, ort)))!).toString()).toBe('read ahead');
    expect(await readEntry(join(dir, ort))).toBeUndefined();
    expect(await readEntry(join(dir, graph))).toBeUndefined();

    await writeEntry(dir, ort, frame(payload('again')));
    await readAhead(dir, ['ort']);
    forgetReadAhead();
    rmSync(join(dir, ort));
    expect(await readEntry(join(dir, ort))).toBeUndefined();
  });

  it('reads nothing ahead from a folder that is not there', async () => {
    await readAhead(join(dir, 'missing'), ['ort']);
    expect(await readEntry(join(dir, 'missing', name('det', 'v1', 'ort')))).toBeUndefined();
  });
});
