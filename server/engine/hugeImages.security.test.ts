// Eight 8000×8000 PNGs at once (each inside the 64 MP limit, ~190 MB as RGB) on a node with four workers: the
// pixel budget keeps at most two decoded at a time, so peak memory stays bounded and the node stays up.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../testkit/hearthNode';
import { renderText } from '../testkit/renderText';

const SIDE = 8000;
const COUNT = 8;
/**
 * Growth over the node's own idle size: two full-size images (~190 MB each as RGB) and their working copies at a
 * time, with room to spare. Without the pixel budget eight at once grew it by over 2 GB.
 */
const PEAK_GROWTH_LIMIT = 1_100 * 1024 * 1024;
/** What the node may keep above its idle size once the burst is over (allocator caches, warm sessions). */
const RETAINED_LIMIT = 600 * 1024 * 1024;

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({ config: { engine: { workers: 4, queueDepth: 16, cacheEntries: 0 } } });
});

afterAll(async () => {
  await node?.stop();
});

/** VmHWM (the highest resident set size the process has had) or VmRSS (now), from /proc (Linux). */
function rss(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}
const peakRss = (pid: number): number => rss(pid);

it.runIf(process.platform === 'linux')(
  `${COUNT} huge images at once grow the node by less than ${PEAK_GROWTH_LIMIT / 2 ** 20} MB`,
  async () => {
    const text = await renderText({ lines: ['Huge page'], fontSize: 96 });
    // Distinct bytes per copy (a different text position), so neither cache nor de-duplication shares a run.
    const images = await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: '#ffffff' } })
          .composite([{ input: text, left: 100 + i * 50, top: 100 }])
          .png({ compressionLevel: 1 })
          .toBuffer(),
      ),
    );
    const idle = peakRss(node.process.pid);
    const replies = await Promise.all(
      images.map((body) => node.request('POST', '/v1/ocr', { body, headers: { 'content-type': 'image/png' } })),
    );
    for (const r of replies) expect([200, 503]).toContain(r.status);
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    const peak = peakRss(node.process.pid);
    console.log(
      `peak RSS with ${COUNT} × ${SIDE}×${SIDE} PNG at once: ${Math.round(peak / 2 ** 20)} MB (${Math.round(idle / 2 ** 20)} MB before)`,
    );
    expect(peak - idle).toBeLessThan(PEAK_GROWTH_LIMIT);
    // And the memory goes back: shortly after, the node holds little more than before the burst.
    await new Promise((r) => setTimeout(r, 3_000));
    const after = rss(node.process.pid, 'VmRSS');
    console.log(`RSS 3 s after the burst: ${Math.round(after / 2 ** 20)} MB`);
    expect(after).toBeLessThan(idle + RETAINED_LIMIT);
    expect(node.process.alive()).toBe(true);
    expect((await node.request('GET', '/v1/health')).status).toBe(200);
  },
  300_000,
);
