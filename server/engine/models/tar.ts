// A tiny ustar writer/reader for model bundles (manifest.json, model.onnx, labels.txt): regular files only,
// so a bundle is one file any node imports as is and `tar -xf` can still open by hand.
import { AppError } from '../../appError';

const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

function writeString(buf: Uint8Array, at: number, len: number, value: string): void {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length > len) throw new Error(`tar field too long: ${value}`);
  buf.set(bytes, at);
}

function writeOctal(buf: Uint8Array, at: number, len: number, value: number): void {
  // len-1 octal digits, zero padded, then NUL.
  writeString(buf, at, len, value.toString(8).padStart(len - 1, '0') + '\0');
}

function header(name: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum counts its own field as spaces
  h[156] = 0x30; // '0' regular file
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  const sum = h.reduce((s, b) => s + b, 0);
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** Packs entries into a ustar archive. */
export function writeTar(entries: TarEntry[], mtime = Math.floor(Date.now() / 1000)): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    parts.push(header(e.name, e.data.length, mtime), e.data);
    const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function readString(buf: Uint8Array, at: number, len: number): string {
  const slice = buf.subarray(at, at + len);
  const end = slice.indexOf(0);
  return new TextDecoder().decode(end === -1 ? slice : slice.subarray(0, end));
}

function readOctal(buf: Uint8Array, at: number, len: number): number {
  const s = readString(buf, at, len).trim();
  return s ? parseInt(s, 8) : 0;
}

/** True when the bytes start with a ustar (or GNU tar) header. */
export function looksLikeTar(bytes: Uint8Array): boolean {
  return bytes.length >= BLOCK && readString(bytes, 257, 5) === 'ustar';
}

/** Regular files of a tar archive with their base names (directories and pax headers are skipped). */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const bad = (why: string): AppError => new AppError('invalid_model', 422, `the bundle is not a readable tar archive: ${why}`);
  const entries: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const h = bytes.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) return entries;
    if (readString(h, 257, 5) !== 'ustar') throw bad('missing ustar header');
    const stored = readOctal(h, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    if (sum !== stored) throw bad('header checksum mismatch');
    const size = readOctal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = readString(h, 345, 155);
    const full = prefix ? `${prefix}/${readString(h, 0, 100)}` : readString(h, 0, 100);
    const start = at + BLOCK;
    if (start + size > bytes.length) throw bad('truncated file data');
    if (type === '0' || type === '7') {
      const name = full.split('/').filter(Boolean).pop() ?? '';
      entries.push({ name, data: bytes.slice(start, start + size) });
    }
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw bad('no end-of-archive marker');
}
