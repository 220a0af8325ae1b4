// Image-header fuzz against a real node: small valid images of every format the node reads (and SVG, which it
// refuses) are truncated and mutated in their headers, deterministically from a seed. Every answer must be a
// 2xx or a 4xx with the error shape; a 5xx or a dead node fails.
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeBmp } from '../testkit/bmp';
import { startTestNode, type TestNode } from '../testkit/hearthNode';
import { renderText, seededRandom } from '../testkit/renderText';

const SEED = 20261202;
const CASES_PER_FORMAT = 45;
const PARALLEL = 4;

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode();
});

afterAll(async () => {
  await node?.stop();
});

async function samples(): Promise<Record<string, Buffer>> {
  const png = await renderText({ lines: ['Fuzz 7'], fontSize: 20 });
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const src = () => sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
  return {
    png: await src().png().toBuffer(),
    jpeg: await src().jpeg().toBuffer(),
    webp: await src().webp().toBuffer(),
    tiff: await src().tiff().toBuffer(),
    gif: await src().gif().toBuffer(),
    bmp: encodeBmp(data, info.width, info.height, 24),
    svg: Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${info.width}" height="${info.height}"><text y="20">Fuzz 7</text></svg>`,
    ),
  };
}

/** One mutation of `base`, chosen and placed by `rnd`: most land in the first 64 bytes, where the headers are. */
function mutate(base: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(base);
  const at = (span: number): number => Math.floor(rnd() * Math.min(span, b.length));
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return b.subarray(0, at(b.length));
    case 1:
      for (let i = 0, n = 1 + at(8); i < n; i++) b[at(64)] = Math.floor(rnd() * 256);
      return b;
    case 2: {
      // Extreme values in a header field: sizes, offsets, counts.
      const p = at(60);
      b.fill(rnd() < 0.5 ? 0xff : 0x00, p, Math.min(b.length, p + 4));
      return b;
    }
    case 3:
      for (let i = 0, n = 1 + at(16); i < n; i++) b[at(b.length)] ^= 1 << Math.floor(rnd() * 8);
      return b;
    case 4:
      return Buffer.concat([b.subarray(0, at(64)), b.subarray(at(64))]);
    default: {
      const p = at(64);
      return Buffer.concat([b.subarray(0, p), Buffer.alloc(1 + at(32), Math.floor(rnd() * 256)), b.subarray(p)]);
    }
  }
}

it(`never answers 5xx to ${CASES_PER_FORMAT} mutated headers of each format`, async () => {
  const rnd = seededRandom(SEED);
  const cases: { name: string; body: Buffer; type: string }[] = [];
  for (const [format, base] of Object.entries(await samples())) {
    for (let i = 0; i < CASES_PER_FORMAT; i++)
      cases.push({ name: `${format} #${i}`, body: mutate(base, rnd), type: format === 'svg' ? 'image/svg+xml' : `image/${format}` });
  }
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const c = cases[next++];
      const res = await node.request('POST', '/v1/ocr', { body: c.body, headers: { 'content-type': c.type } });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) failures.push(`${c.name}: ${res.status} ${res.text.slice(0, 200)}`);
      else if (res.status >= 400) expect(res.json().error.code, c.name).toMatch(/^[a-z_]+$/);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  expect(failures).toEqual([]);
  expect(node.process.alive()).toBe(true);
  // The fuzz must reach both outcomes, or it tests nothing.
  expect([...statuses.keys()].some((s) => s === 200)).toBe(true);
  expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
});
