// Builds real folders of images for job tests: rendered text in several formats, a subfolder, and the three
// kinds of bad file a job must survive (truncated JPEG, empty file, text named .png).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderText } from './renderText';

export const BAD_FILES = ['bad/truncated.jpg', 'bad/empty.png', 'bad/notes.png'] as const;

const WORDS = ['invoice', 'ticket', 'harbour', 'lantern', 'meadow', 'copper', 'violet', 'orchard', 'falcon', 'summit'];
const FORMATS = ['png', 'jpeg', 'webp', 'tiff', 'gif'] as const;
const EXT: Record<(typeof FORMATS)[number], string> = { png: 'png', jpeg: 'jpg', webp: 'webp', tiff: 'tif', gif: 'gif' };

/** Text rendered into image i (two words and a number, so each image reads differently). */
export function textOf(i: number): string {
  return `${WORDS[i % WORDS.length]} ${WORDS[(i * 3 + 1) % WORDS.length]} ${1000 + i}`;
}

/**
 * Writes `count` images (file i is `img-<i>.<ext>`, every fourth in `sub/`), plus the bad files when asked.
 * Returns the relative paths written, in no particular order.
 */
export async function makeImageFolder(dir: string, count: number, opts: { bad?: boolean; formats?: boolean } = {}): Promise<string[]> {
  mkdirSync(join(dir, 'sub'), { recursive: true });
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    const format = opts.formats ? FORMATS[i % FORMATS.length] : 'png';
    const rel = `${i % 4 === 3 ? 'sub/' : ''}img-${String(i).padStart(3, '0')}.${EXT[format]}`;
    writeFileSync(join(dir, rel), await renderText({ lines: [textOf(i)], fontSize: 24, format }));
    written.push(rel);
  }
  // Not an image extension: the scan must leave it out.
  writeFileSync(join(dir, 'readme.txt'), 'not an image');
  if (opts.bad) {
    mkdirSync(join(dir, 'bad'), { recursive: true });
    const jpeg = await renderText({ lines: ['truncated'], format: 'jpeg' });
    writeFileSync(join(dir, BAD_FILES[0]), jpeg.subarray(0, Math.floor(jpeg.length / 3)));
    writeFileSync(join(dir, BAD_FILES[1]), Buffer.alloc(0));
    writeFileSync(join(dir, BAD_FILES[2]), 'this is a text file with a .png name\n');
    written.push(...BAD_FILES);
  }
  return written;
}
