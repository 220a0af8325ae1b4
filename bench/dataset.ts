// The bench's image set: rendered once per size into a temp folder (reused by later runs) or read from
// a folder the user names; either way a folder of images plus truth.json ({ file: text }).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { writeDataset } from '../server/testkit/dataset';
import { pageSet, writePageSet } from '../server/testkit/pages';

export interface BenchDataset {
  dir: string;
  /** Image file names in dir, sorted. */
  files: string[];
  /** Ground truth per file name. */
  truth: Record<string, string>;
  /** Total image bytes, for the header line. */
  bytes: number;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.bmp', '.gif']);

/** Default location of a rendered set of n images; the seed is fixed so every run scores the same images. */
export function defaultDatasetDir(n: number): string {
  return join(tmpdir(), `hearth-bench-set-${n}`);
}

/** Renders the set into dir unless a complete one is already there, then reads it. */
export async function ensureDataset(n: number, dir = defaultDatasetDir(n)): Promise<BenchDataset> {
  const truthFile = join(dir, 'truth.json');
  if (!existsSync(truthFile) || readImages(dir).length < n) await writeDataset(dir, n);
  return readDataset(dir);
}

/** The page set (testkit/pages.ts) in its own folder, rendered once and reused. */
export async function ensurePageSet(kind: 'all' | 'single'): Promise<BenchDataset> {
  const dir = join(tmpdir(), `hearth-bench-pages-${kind}`);
  // A set written before pages were added to it is written again.
  const truthFile = join(dir, 'truth.json');
  const held = existsSync(truthFile) ? Object.keys(JSON.parse(readFileSync(truthFile, 'utf8')) as object) : [];
  if (pageSet(kind).some(([file]) => !held.includes(file))) await writePageSet(dir, kind);
  return readDataset(dir);
}

/** Reads an existing folder with truth.json; files without truth are left out (they cannot be scored). */
export function readDataset(folder: string): BenchDataset {
  const dir = resolve(folder);
  const truthFile = join(dir, 'truth.json');
  if (!existsSync(truthFile)) throw new Error(`${dir} has no truth.json ({ "file.png": "text" }); the bench scores CER against it`);
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as Record<string, string>;
  const files = readImages(dir).filter((f) => f in truth);
  if (files.length === 0) throw new Error(`${dir} has no images listed in truth.json`);
  const bytes = files.reduce((sum, f) => sum + readFileSync(join(dir, f)).length, 0);
  return { dir, files, truth: Object.fromEntries(files.map((f) => [f, truth[f]])), bytes };
}

function readImages(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()))
    .sort();
}

/** The category of each image (categories.json: language or kind of text), empty when the folder has none. */
export function readCategories(dir: string): Record<string, string> {
  const file = join(dir, 'categories.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}
