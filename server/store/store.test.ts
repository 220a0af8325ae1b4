// The encrypted store against a real SQLCipher file: key handling, no plaintext on disk, search, backup.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../appError';
import type { OcrResult } from '../contract/ocr';
import type { Retention } from './results';
import { DB_FILE, openStore, type Store } from './index';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hearth-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function ocrOf(text: string): OcrResult {
  return {
    text,
    lines: text.split('\n').map((t) => ({
      text: t,
      confidence: 0.9,
      box: [
        [0, 0],
        [10, 0],
        [10, 5],
        [0, 5],
      ],
    })),
    provider: 'cpu',
    ms: 12,
    width: 10,
    height: 5,
  };
}

function expectKeyError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isAppError(err) && err.code).toBe('store_key_invalid');
    return (err as Error).message;
  }
  throw new Error('expected store_key_invalid');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('openStore key handling', () => {
  it('generates store.key (0600) for a new store and reopens with it', () => {
    const dir = tempDir();
    const s = openStore({ dataDir: dir });
    const id = s.results.record({ kind: 'ocr', source: 'a.png', image: null, ocr: ocrOf('hello'), origin: 'cli', keyId: null });
    s.close();
    const key = readFileSync(join(dir, 'store.key'), 'utf8').trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, 'store.key')).mode & 0o777).toBe(0o600);
    const again = openStore({ dataDir: dir });
    expect(again.results.get(id)?.text).toBe('hello');
    again.close();
    // The same key through HEARTH_STORE_KEY opens it too.
    const viaEnv = openStore({ dataDir: dir, key });
    expect(viaEnv.results.get(id)?.text).toBe('hello');
    viaEnv.close();
  });

  it('refuses a wrong key without touching the file', () => {
    const dir = tempDir();
    openStore({ dataDir: dir, key: 'right passphrase' }).close();
    const file = join(dir, DB_FILE);
    const before = readFileSync(file);
    const message = expectKeyError(() => openStore({ dataDir: dir, key: 'wrong passphrase' }));
    expect(message).toMatch(/HEARTH_STORE_KEY/);
    expect(message).toMatch(/store\.key/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses to mint a new key over an existing store whose key file is gone', () => {
    const dir = tempDir();
    openStore({ dataDir: dir }).close();
    const file = join(dir, DB_FILE);
    const before = readFileSync(file);
    unlinkSync(join(dir, 'store.key'));
    expectKeyError(() => openStore({ dataDir: dir }));
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).not.toContain('store.key');
  });

  it('`hearth backup` with a wrong key exits non-zero quickly with a message about the key', () => {
    const dir = tempDir();
    openStore({ dataDir: dir, key: 'k1' }).close();
    const before = readFileSync(join(dir, DB_FILE));
    const t0 = Date.now();
    const run = spawnSync(process.execPath, ['bin/hearth.js', 'backup', join(dir, 'b.db'), '--data', dir], {
      env: { ...process.env, HEARTH_STORE_KEY: 'k2' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(run.stderr).toMatch(/key/);
    expect(readFileSync(join(dir, DB_FILE)).equals(before)).toBe(true);
  });
});

describe('results', () => {
  let store: Store;
  let retention: Retention = { mode: 'all', days: 30 };
  const open = (): Store => {
    retention = { mode: 'all', days: 30 };
    return (store = openStore({ dataDir: tempDir(), retention: () => retention }));
  };
  /** What the settings service does on a change: the new value is read from then on, and images it drops go. */
  const setRetention = (next: Retention): void => {
    retention = next;
    store.results.pruneImages();
  };
  afterEach(() => store?.close());

  it('keeps no plaintext of text or image on disk', () => {
    open();
    const unique = 'ZQX-unique-7f3a9c1e-plaintext-probe';
    const image = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(unique)]);
    for (let i = 0; i < 20; i++) {
      store.results.record({
        kind: 'ocr',
        source: `${unique}-${i}.png`,
        image,
        ocr: ocrOf(`${unique} line ${i}`),
        origin: 'api',
        keyId: null,
      });
    }
    expect(store.results.search({ q: unique }).total).toBe(20);
    // WAL still holds the pages: check it too, then again after the checkpoint at close.
    const check = (): void => {
      for (const f of filesUnder(store.dataDir)) expect(readFileSync(f).includes(unique), f).toBe(false);
    };
    check();
    store.close();
    check();
  });

  it('searches English and Chinese, short and long terms, with paging and filters', () => {
    open();
    const texts = ['Invoice total amount due', 'Train ticket to Berlin', '今天天气很好，我们去公园散步', '发票金额合计', '北京欢迎你'];
    const ids = texts.map((t, i) =>
      store.results.record({
        kind: 'ocr',
        source: `doc-${i}.png`,
        image: null,
        ocr: ocrOf(t),
        origin: 'api',
        keyId: i === 1 ? 'key1' : null,
      }),
    );
    const q = (query: string): string[] => store.results.search({ q: query }).items.map((r) => r.id);
    expect(q('invoice')).toEqual([ids[0]]);
    expect(q('TOTAL amount')).toEqual([ids[0]]);
    expect(q('天气很好')).toEqual([ids[2]]);
    expect(q('公园')).toEqual([ids[2]]); // two characters: below the trigram size
    expect(q('金')).toEqual([ids[3]]); // one character
    expect(q('北京 欢迎你')).toEqual([ids[4]]);
    expect(q('nothing-like-this')).toEqual([]);
    expect(q('100%')).toEqual([]);
    expect(store.results.search({ keyId: 'key1' }).items.map((r) => r.id)).toEqual([ids[1]]);
    expect(store.results.search({ source: 'doc-3' }).items.map((r) => r.id)).toEqual([ids[3]]);
    const page = store.results.search({ limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.items.map((r) => r.id)).toEqual([ids[3], ids[2]]);
    expect(store.results.search({ from: new Date(Date.now() + 60_000).toISOString() }).total).toBe(0);
  });

  it('stores images once per content and follows retention', () => {
    open();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const a = store.results.record({ kind: 'ocr', source: 'a.png', image: png, ocr: ocrOf('x'), origin: 'gui', keyId: null });
    const b = store.results.record({ kind: 'ocr', source: 'b.png', image: png, ocr: ocrOf('x'), origin: 'gui', keyId: null });
    expect(store.results.image(a)).toEqual({ bytes: png, mime: 'image/png' });
    expect(store.results.get(b)?.hasImage).toBe(true);
    expect((store.db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n).toBe(1);
    setRetention({ mode: 'results-only', days: 30 });
    expect(store.results.image(a)).toBeNull();
    const c = store.results.record({ kind: 'ocr', source: 'c.png', image: png, ocr: ocrOf('y'), origin: 'gui', keyId: null });
    expect(store.results.get(c)?.hasImage).toBe(false);
    expect(store.results.get(c)?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps images N days in "days" mode, results for good', () => {
    open();
    setRetention({ mode: 'days', days: 7 });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const a = store.results.record({ kind: 'ocr', source: 'a.png', image: png, ocr: ocrOf('kept text'), origin: 'api', keyId: null });
    expect(store.results.pruneImages(Date.now() + 6 * 86_400_000)).toBe(0);
    expect(store.results.image(a)).not.toBeNull();
    expect(store.results.pruneImages(Date.now() + 8 * 86_400_000)).toBe(1);
    expect(store.results.image(a)).toBeNull();
    expect(store.results.get(a)?.text).toBe('kept text');
  });

  it('backs up online into a file the same key opens', async () => {
    const dir = tempDir();
    store = openStore({ dataDir: dir, key: 'backup key' });
    const id = store.results.record({
      kind: 'ocr',
      source: 'a.png',
      image: null,
      ocr: ocrOf('backed up text'),
      origin: 'cli',
      keyId: null,
    });
    const target = join(tempDir(), 'hearth-backup.db');
    await store.backup(target);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readFileSync(target).includes('backed up text')).toBe(false);
    // Restore = put the backup in place of hearth.db in a data dir and open with the same key.
    const restored = tempDir();
    writeFileSync(join(restored, DB_FILE), readFileSync(target));
    const r = openStore({ dataDir: restored, key: 'backup key' });
    expect(r.results.get(id)?.text).toBe('backed up text');
    r.close();
    expectKeyError(() => openStore({ dataDir: restored, key: 'another key' }));
  });

  it('refuses to write a backup over the live store or its WAL', async () => {
    const dir = tempDir();
    store = openStore({ dataDir: dir, key: 'backup key' });
    const before = readFileSync(join(dir, DB_FILE));
    for (const target of [join(dir, DB_FILE), join(dir, `${DB_FILE}-wal`)]) {
      await expect(store.backup(target)).rejects.toThrow(/over the store itself/);
    }
    expect(readFileSync(join(dir, DB_FILE)).equals(before)).toBe(true);
  });
});
