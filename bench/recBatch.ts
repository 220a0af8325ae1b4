// Recognition batching on this machine: the whole OCR pipeline (one worker's sessions, in-process) on a
// rendered set with one crop per recognition run vs batches of crops grouped by width, reported as CPU
// seconds and wall time per image, so the engine's default rests on numbers. Run: npx tsx bench/recBatch.ts [--n 24] [--threads 1]
import { parseArgs } from 'node:util';
import { OCR_DEFAULTS, loadOcrModels, releaseOcrModels, runOcr } from '../server/engine/ocr/pipeline';
import { cerReport } from '../server/testkit/cer';
import { datasetSamples, renderSample } from '../server/testkit/dataset';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '24' },
    threads: { type: 'string', default: '1' },
    batches: { type: 'string', default: '1,4,8' },
  },
});

async function main(): Promise<void> {
  const samples = datasetSamples(Number(values.n), 99);
  const images = await Promise.all(samples.map(renderSample));
  const truth = Object.fromEntries(samples.map((s) => [s.file, s.text]));
  const models = await loadOcrModels({ providers: ['cpu'], threads: Number(values.threads) });
  // One warm-up pass so first-run allocation does not count against the first setting.
  await runOcr(models, images[0]);
  for (const batch of values.batches.split(',').map(Number)) {
    const predicted: Record<string, string> = {};
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < images.length; i++)
      predicted[samples[i].file] = (await runOcr(models, images[i], { ...OCR_DEFAULTS, recBatch: batch })).text;
    const wall = (performance.now() - t0) / 1000 / images.length;
    const cpu = process.cpuUsage(cpu0);
    const cer = cerReport(truth, predicted).overall.cer;
    console.log(
      `rec batch ${String(batch).padStart(2)}: ${((cpu.user + cpu.system) / 1e6 / images.length).toFixed(3)} CPU s/image, ` +
        `${wall.toFixed(3)} s/image wall, CER ${(cer * 100).toFixed(2)} % (${images.length} images, ${values.threads} intra-op threads)`,
    );
  }
  await releaseOcrModels(models);
}

await main();
