// Writes BMP files for tests (sharp has no BMP encoder): the decoder's unit tests and the image-header fuzz.

/** Writes a bottom-up BMP: 24-bit BGR, or 8-bit with a palette built from the colours used. */
export function encodeBmp(raw: Buffer, width: number, height: number, bpp: 24 | 8): Buffer {
  const palette: number[][] = [];
  const index = (r: number, g: number, b: number): number => {
    let i = palette.findIndex((p) => p[0] === r && p[1] === g && p[2] === b);
    if (i < 0) i = palette.push([r, g, b]) - 1;
    return i;
  };
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = raw.subarray((y * width + x) * 3, (y * width + x) * 3 + 3);
      if (bpp === 24) pixels.set([b, g, r], row + x * 3);
      else pixels[row + x] = index(r, g, b);
    }
  }
  const paletteBytes = bpp === 8 ? Buffer.from(palette.flatMap(([r, g, b]) => [b, g, r, 0])) : Buffer.alloc(0);
  const header = Buffer.alloc(54);
  const offset = 54 + paletteBytes.length;
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(offset + pixels.length, 2);
  header.writeUInt32LE(offset, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(bpp, 28);
  header.writeUInt32LE(bpp === 8 ? palette.length : 0, 46);
  return Buffer.concat([header, paletteBytes, pixels]);
}
