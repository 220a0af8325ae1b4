// The folder scan on a real tree: extensions in any case, recursion, stable order, symlinks and confinement.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInside, scanJob, type JobSpec } from './scan';

let root: string;
let dir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hearth-scan-'));
  dir = join(root, 'in');
  mkdirSync(join(dir, 'deep', 'er'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  for (const f of [
    'b.JPG',
    'a.png',
    'c.Tiff',
    'd.webp',
    'e.bmp',
    'f.gif',
    'g.jpeg',
    'h.tif',
    'notes.txt',
    'x.PDF',
    'deep/1.png',
    'deep/er/2.PNG',
  ]) {
    writeFileSync(join(dir, f), 'x');
  }
  writeFileSync(join(root, 'outside', 'secret.png'), 'x');
  symlinkSync(join(root, 'outside'), join(dir, 'link-out'));
  symlinkSync(join(dir, 'deep'), join(dir, 'deep', 'er', 'loop'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = (recursive: boolean, confine?: string[]): JobSpec => ({
  inputs: [{ given: 'in', abs: dir, kind: 'dir' }],
  recursive,
  confine,
});

describe('scanJob', () => {
  it('finds image and PDF extensions in any case, sorted, relative to the folder', async () => {
    const files = (await scanJob(spec(false))).map((f) => f.file);
    expect(files).toEqual(['a.png', 'b.JPG', 'c.Tiff', 'd.webp', 'e.bmp', 'f.gif', 'g.jpeg', 'h.tif', 'x.PDF']);
  });

  it('recurses when asked, follows symlinks once, never loops', async () => {
    const files = (await scanJob(spec(true))).map((f) => f.file);
    expect(files).toContain('deep/er/2.PNG');
    expect(files).toContain('link-out/secret.png');
    expect(files.filter((f) => f.endsWith('1.png'))).toHaveLength(1);
  });

  it('keeps a confined job from following symlinks out of its roots', async () => {
    const files = (await scanJob(spec(true, [dir]))).map((f) => f.file);
    expect(files).not.toContain('link-out/secret.png');
    expect(files).toContain('deep/1.png');
  });

  it('names files as given when several inputs are mixed', async () => {
    const files = await scanJob({
      inputs: [
        { given: 'in/', abs: dir, kind: 'dir' },
        { given: 'other/secret.png', abs: join(root, 'outside', 'secret.png'), kind: 'file' },
      ],
      recursive: false,
    });
    expect(files[0].file).toBe('in/a.png');
    expect(files.at(-1)?.file).toBe('other/secret.png');
  });

  it('isInside is about path segments, not string prefixes', () => {
    expect(isInside('/a/b/c', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/bc', '/a/b')).toBe(false);
    expect(isInside('/a/b/..c', '/a/b')).toBe(true);
    expect(isInside('/a', '/a/b')).toBe(false);
  });
});
