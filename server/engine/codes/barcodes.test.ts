import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readBarcodes, writeBarcode } from './barcodes';

/** A code drawn by the writer, turned and pasted onto a larger page with some text-like noise around it. */
async function onPage(code: Buffer, angle: number): Promise<Buffer> {
  const turned = await sharp(code).rotate(angle, { background: '#ffffff' }).png().toBuffer();
  const meta = await sharp(turned).metadata();
  return sharp({ create: { width: (meta.width ?? 0) + 200, height: (meta.height ?? 0) + 160, channels: 3, background: '#f4f1ea' } })
    .composite([{ input: turned, left: 120, top: 60 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

describe('barcodes', () => {
  it('reads back a QR code it wrote, with Unicode text, turned on a page', async () => {
    const text = 'Hearth 节点 https://node.local:8686/v1/ocr?x=1';
    const code = await writeBarcode(text, { format: 'QRCode', width: 240, height: 240, quietZone: -1, ecLevel: 2 });
    const { codes: found } = await readBarcodes(await onPage(code, 90));
    expect(found).toHaveLength(1);
    expect(found[0].text).toBe(text);
    expect(found[0].format).toBe('QRCode');
    expect(found[0].orientation).not.toBe(0);
    for (const [x, y] of found[0].box) {
      expect(x).toBeGreaterThanOrEqual(110);
      expect(y).toBeGreaterThanOrEqual(50);
    }
  });

  it('reads a linear barcode and two codes on one image', async () => {
    const ean = await writeBarcode('4006381333931', { format: 'EAN13', width: 0, height: 0, quietZone: -1, ecLevel: -1 });
    const qr = await writeBarcode('second', { format: 'QRCode', width: 160, height: 160, quietZone: -1, ecLevel: -1 });
    const eanMeta = await sharp(ean).metadata();
    const page = await sharp({ create: { width: 700, height: 500, channels: 3, background: '#ffffff' } })
      .composite([
        {
          input: await sharp(ean)
            .resize((eanMeta.width ?? 100) * 3, (eanMeta.height ?? 50) * 3, { kernel: 'nearest' })
            .toBuffer(),
          left: 20,
          top: 20,
        },
        { input: qr, left: 480, top: 300 },
      ])
      .png()
      .toBuffer();
    const { codes: found } = await readBarcodes(page);
    expect(found.map((c) => `${c.format}:${c.text}`).sort()).toEqual(['EAN13:4006381333931', 'QRCode:second']);
  });

  it('finds nothing on a page without codes, and refuses bytes that are not an image', async () => {
    const blank = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    expect(await readBarcodes(blank)).toEqual({ codes: [], width: 300, height: 200 });
    await expect(readBarcodes(Buffer.from('not an image at all'))).rejects.toMatchObject({ code: 'not_an_image', status: 415 });
  });

  it('says in words when text cannot be written in a format', async () => {
    await expect(writeBarcode('not digits', { format: 'EAN13', width: 0, height: 0, quietZone: -1, ecLevel: -1 })).rejects.toMatchObject({
      status: 400,
    });
  });
});
