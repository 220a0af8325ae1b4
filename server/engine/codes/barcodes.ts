// QR codes and other barcodes, read from and written to images with zxing-cpp (WebAssembly build `zxing-wasm`).
// The WebAssembly binary is read from the installed package, never fetched, and instantiated once per process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { sharp } from '../sharp';
import { AppError } from '../../appError';
import type { BarcodeFormatName, DecodedBarcode } from '../../contract/barcodes';
import { decodeImage, type RgbImage } from '../image';

import type { WriterOptions } from 'zxing-wasm/full';

type Zxing = typeof import('zxing-wasm/full');

let zxing: Promise<Zxing> | undefined;

function loadZxing(): Promise<Zxing> {
  zxing ??= (async () => {
    const mod = await import('zxing-wasm/full');
    const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/full/zxing_full.wasm');
    const wasmBinary = await readFile(wasmPath);
    await mod.prepareZXingModule({
      overrides: { wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) },
      fireImmediately: true,
    });
    return mod;
  })().catch((err: unknown) => {
    zxing = undefined;
    throw err;
  });
  return zxing;
}

/** RGB → RGBA, the layout zxing's ImageData input takes. */
function rgba(img: RgbImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    out[j] = img.data[i];
    out[j + 1] = img.data[i + 1];
    out[j + 2] = img.data[i + 2];
    out[j + 3] = 255;
  }
  return out;
}

/** Every readable code in the image, in the order zxing finds them, and the (upright) image's size. */
export async function readBarcodes(bytes: Uint8Array): Promise<{ codes: DecodedBarcode[]; width: number; height: number }> {
  const img = await decodeImage(bytes);
  const z = await loadZxing();
  const found = await z.readBarcodes(
    { data: rgba(img), width: img.width, height: img.height, colorSpace: 'srgb' },
    { formats: [], tryHarder: true, tryRotate: true, tryInvert: true, maxNumberOfSymbols: 255 },
  );
  const codes = found
    .filter((r) => r.isValid)
    .map((r): DecodedBarcode => {
      const p = r.position;
      return {
        text: r.text,
        format: FORMAT_NAMES[r.format] ?? r.format,
        box: [
          [p.topLeft.x, p.topLeft.y],
          [p.topRight.x, p.topRight.y],
          [p.bottomRight.x, p.bottomRight.y],
          [p.bottomLeft.x, p.bottomLeft.y],
        ],
        orientation: r.orientation,
      };
    });
  return { codes, width: img.width, height: img.height };
}

export interface WriteBarcodeOptions {
  format: BarcodeFormatName;
  /** Image size in pixels; 0 = the code's own smallest size. */
  width: number;
  height: number;
  /** Blank margin around the code; 0 = none, otherwise the format's own quiet zone. */
  quietZone: number;
  /** Error correction, numbered as zxing numbers QR levels: -1 automatic, 1 = L, 0 = M, 3 = Q, 2 = H. */
  ecLevel: number;
}

const EC_LEVELS: Readonly<Record<number, string>> = { 1: 'L', 0: 'M', 3: 'Q', 2: 'H' };

/** zxing-cpp's names for formats that Umi-OCR's list spells otherwise. */
const FORMAT_NAMES: Readonly<Record<string, BarcodeFormatName>> = {
  DataBarExp: 'DataBarExpanded',
  DataBarLtd: 'DataBarLimited',
  AztecCode: 'Aztec',
  QRCodeModel2: 'QRCode',
};

/** Draws `text` as a code and returns it as a JPEG. */
export async function writeBarcode(text: string, opts: WriteBarcodeOptions): Promise<Buffer> {
  const z = await loadZxing();
  const written = await z.writeBarcode(text, {
    format: opts.format as WriterOptions['format'],
    scale: 0,
    addQuietZones: opts.quietZone !== 0,
    options: opts.ecLevel in EC_LEVELS ? `ecLevel=${EC_LEVELS[opts.ecLevel]}` : '',
  });
  if (written.error || !written.image) {
    throw new AppError('invalid_body', 400, `the text cannot be written as ${opts.format}: ${written.error || 'no image was made'}`);
  }
  const png = Buffer.from(await written.image.arrayBuffer());
  const meta = await sharp(png).metadata();
  const width = opts.width > 0 ? opts.width : (meta.width ?? 1);
  const height = opts.height > 0 ? opts.height : (meta.height ?? 1);
  return sharp(png)
    .resize(width, height, { kernel: 'nearest', fit: 'contain', background: '#ffffff' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 95 })
    .toBuffer();
}
