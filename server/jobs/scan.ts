// Finds the image files a job covers: its inputs as given (files or folders), folders walked in a stable order.
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'bmp', 'gif', 'pdf'] as const;
const EXT = new RegExp(`\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');

export interface JobInput {
  /** As the user typed it (CLI) or sent it (API). */
  given: string;
  /** Resolved absolute path. */
  abs: string;
  kind: 'file' | 'dir';
}

export interface JobSpec {
  inputs: JobInput[];
  recursive: boolean;
  /** For keys that may only read shared folders: symlinks are followed only when they stay inside these. */
  confine?: string[];
  /** Model id of the document-type classifier that tags every item. */
  classify?: string;
}

export interface ScannedFile {
  /** Path shown in exports: relative to the folder of a single-folder job, else as given. */
  file: string;
  abs: string;
  /** 1-based page of a PDF; absent for images and for PDFs that cannot be opened (their item fails). */
  page?: number;
}

export function isPdfPath(p: string): boolean {
  return /\.pdf$/i.test(p);
}

export function isImagePath(p: string): boolean {
  return EXT.test(p);
}

export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const toPosix = (p: string): string => p.split(sep).join('/');

async function symlinkTarget(abs: string, spec: JobSpec): Promise<'file' | 'dir' | null> {
  try {
    const real = await realpath(abs);
    if (spec.confine && !spec.confine.some((root) => isInside(real, root))) return null;
    const st = await stat(real);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : null;
  } catch {
    return null;
  }
}

async function walk(dir: string, spec: JobSpec, out: string[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir);
  // A symlink loop would otherwise walk forever.
  if (seen.has(real)) return;
  seen.add(real);
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const abs = join(dir, e.name);
    let kind: 'file' | 'dir' | null = e.isFile() ? 'file' : e.isDirectory() ? 'dir' : null;
    if (e.isSymbolicLink()) kind = await symlinkTarget(abs, spec);
    if (kind === 'file' && isImagePath(e.name)) out.push(abs);
    else if (kind === 'dir' && spec.recursive) await walk(abs, spec, out, seen);
  }
}

/** Every image file of the job, in a stable order, each once. Throws when an input folder cannot be read. */
export async function scanJob(spec: JobSpec): Promise<ScannedFile[]> {
  const single = spec.inputs.length === 1 && spec.inputs[0].kind === 'dir';
  const files: ScannedFile[] = [];
  const taken = new Set<string>();
  for (const input of spec.inputs) {
    if (input.kind === 'file') {
      if (!taken.has(input.abs)) files.push({ file: input.given, abs: input.abs });
      taken.add(input.abs);
      continue;
    }
    const found: string[] = [];
    await walk(input.abs, spec, found, new Set());
    for (const abs of found) {
      if (taken.has(abs)) continue;
      taken.add(abs);
      const rel = toPosix(relative(input.abs, abs));
      files.push({ file: single ? rel : `${toPosix(input.given).replace(/\/+$/, '')}/${rel}`, abs });
    }
  }
  return files;
}
