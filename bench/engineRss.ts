// Memory over a long run: feeds the engine the same set of images over and over (cache off, so every one
// runs) and prints process RSS after every 100 images; sessions and buffers are reused, so it should level off.
// Run: npx tsx bench/engineRss.ts [--dir DIR] [--total 1000] [--workers 0]
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../server/engine';
import { writeDataset } from '../server/testkit/dataset';

const { values } = parseArgs({
  options: { dir: { type: 'string' }, total: { type: 'string', default: '1000' }, workers: { type: 'string', default: '0' } },
});

async function main(): Promise<void> {
  const own = !values.dir;
  const dir = values.dir ?? (await mkdtemp(join(tmpdir(), 'hearth-rss-')));
  if (own) await writeDataset(dir, 30, 5);
  const files = (await readdir(dir)).filter((f) => /\.(png|jpe?g|webp|tiff?|bmp|gif)$/i.test(f)).sort();
  const images = await Promise.all(files.map((f) => readFile(join(dir, f))));
  const engine = await createEngine({ workers: Number(values.workers), queueDepth: 1024, cacheEntries: 0, providers: [] });
  const total = Number(values.total);
  const mb = (): string => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`;
  console.log(`start (models loaded, ${engine.stats().workers} workers): RSS ${mb()}`);
  const t0 = performance.now();
  let done = 0;
  let next = 0;
  const rss: Record<number, number> = {};
  // Keep every worker busy with a small window of images in flight.
  const window = engine.stats().workers * 2;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < total) {
        const i = next++;
        await engine.ocr(images[i % images.length], { bulk: true });
        done++;
        if (done % 100 === 0) {
          rss[done] = process.memoryUsage().rss;
          console.log(`${String(done).padStart(5)} images: RSS ${mb()}, ${(done / ((performance.now() - t0) / 1000)).toFixed(2)} images/s`);
        }
      }
    }),
  );
  await engine.close();
  if (rss[100] && rss[total]) console.log(`RSS after ${total} / after 100: ${((rss[total] / rss[100]) * 100).toFixed(1)} %`);
  if (own) await rm(dir, { recursive: true, force: true });
}

await main();
