// The benchmark run.sh starts on a machine with a GPU (bundled into the pack by pack.ts): `hearth doctor --json`,
// then for each provider (CPU on all cores, then the GPU's) the engine on the bench set (texts, CER, latency)
// and a throughput run over many images, and whether the GPU's texts equal the CPU's. All figures go to one
// JSON file; a short summary goes to stdout.
//
//   node out/bench/device.js --images DIR --out FILE [--providers cpu,webgpu] [--limit N] [--throughput N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../../server/engine';
import { APP_ROOT } from '../../server/paths';
import { readDataset } from '../dataset';
import { percentile } from '../measure';
import { setCer } from '../score';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    out: { type: 'string' },
    providers: { type: 'string', default: 'cpu,webgpu' },
    limit: { type: 'string', default: '0' },
    throughput: { type: 'string', default: '1000' },
  },
});
if (!values.images || !values.out)
  throw new Error('usage: device.js --images DIR --out FILE [--providers cpu,webgpu] [--limit N] [--throughput N]');
const full = readDataset(values.images);
const limit = Number(values.limit) || full.files.length;
const files = full.files.slice(0, limit);
const dataset = { ...full, files, truth: Object.fromEntries(files.map((f) => [f, full.truth[f]])) };
const throughput = Number(values.throughput);
const say = (m: string): void => void process.stderr.write(`${m}\n`);

/** Runs `fn` over items with `width` in flight. */
async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function doctor(): unknown {
  const data = mkdtempSync(join(tmpdir(), 'hearth-doctor-'));
  try {
    const r = spawnSync(process.execPath, [join(APP_ROOT, 'bin', 'hearth.js'), 'doctor', '--json', '--data', data], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    try {
      return JSON.parse(r.stdout);
    } catch {
      return { error: `doctor exited ${r.status ?? r.signal}`, stderr: r.stderr.slice(-2000) };
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

interface ProviderRun {
  asked: string;
  ran: string[];
  workers: number;
  loadS: number;
  warmupS: number;
  set: { images: number; imagesPerS: number; p50Ms: number | null; p95Ms: number | null; cer: number; errors: number };
  throughput: { images: number; imagesPerS: number; errors: number };
  texts: Record<string, string>;
  error?: string;
}

async function runProvider(provider: string): Promise<ProviderRun> {
  const t0 = performance.now();
  const engine = await createEngine({ workers: 0, queueDepth: 1_000_000, cacheEntries: 0, providers: [provider] });
  const loadS = (performance.now() - t0) / 1000;
  const workers = engine.stats().workers;
  // Enough in flight that a GPU's batcher has inputs to join (and every CPU worker is busy).
  const width = Math.max(workers * 4, 16);
  const images = dataset.files.map((f) => new Uint8Array(readFileSync(join(dataset.dir, f))));
  try {
    const w0 = performance.now();
    // Warm-up: every image once (a GPU compiles its kernels per input shape on first sight).
    await pool(images, width, async (img) => void (await engine.ocr(img).catch(() => undefined)));
    const warmupS = (performance.now() - w0) / 1000;

    const texts: Record<string, string> = {};
    const latencies: number[] = [];
    let errors = 0;
    const s0 = performance.now();
    await pool(
      dataset.files.map((f, i) => [f, i] as const),
      width,
      async ([file, i]) => {
        const a = performance.now();
        try {
          texts[file] = (await engine.ocr(images[i])).text;
          latencies.push(performance.now() - a);
        } catch {
          errors++;
        }
      },
    );
    const setS = (performance.now() - s0) / 1000;

    let tErrors = 0;
    const order = Array.from({ length: throughput }, (_, i) => i % images.length);
    const t1 = performance.now();
    await pool(order, width, async (i) => void (await engine.ocr(images[i]).catch(() => tErrors++)));
    const tS = (performance.now() - t1) / 1000;
    return {
      asked: provider,
      ran: engine.providers,
      workers,
      loadS,
      warmupS,
      set: {
        images: images.length,
        imagesPerS: images.length / setS,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        cer: setCer(dataset, texts),
        errors,
      },
      throughput: { images: throughput, imagesPerS: throughput / tS, errors: tErrors },
      texts,
    };
  } finally {
    await engine.close();
  }
}

const nvidia = existsSync('/proc/driver/nvidia/version') ? readFileSync('/proc/driver/nvidia/version', 'utf8').split('\n')[0] : null;
const report: Record<string, unknown> = {
  at: new Date().toISOString(),
  machine: {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model,
    node: process.version,
    nvidia,
    vkIcd: process.env.VK_ICD_FILENAMES ?? null,
  },
  images: dataset.files.length,
};
say('hearth doctor --json…');
report.doctor = doctor();
say(JSON.stringify(report.doctor));
const runs: ProviderRun[] = [];
for (const provider of values.providers.split(',')) {
  say(`engine on ${provider}: ${dataset.files.length} images, then ${throughput} for throughput…`);
  try {
    runs.push(await runProvider(provider));
  } catch (err) {
    runs.push({ asked: provider, error: (err as Error).message } as ProviderRun);
  }
  const r = runs[runs.length - 1];
  say(
    r.error
      ? `  failed: ${r.error}`
      : `  ran ${r.ran.join(',')}: set ${r.set.imagesPerS.toFixed(1)} img/s, throughput ${r.throughput.imagesPerS.toFixed(1)} img/s`,
  );
}
const cpuRun = runs.find((r) => r.asked === 'cpu' && !r.error);
const comparisons = runs
  .filter((r) => r !== cpuRun && !r.error && cpuRun)
  .map((r) => {
    const differing = dataset.files.filter((f) => r.texts[f] !== cpuRun?.texts[f]);
    return {
      provider: r.asked,
      sameText: differing.length === 0,
      differing: differing.slice(0, 10).map((f) => ({ file: f, cpu: cpuRun?.texts[f], [r.asked]: r.texts[f] })),
      differingCount: differing.length,
      throughputVsCpu: cpuRun ? r.throughput.imagesPerS / cpuRun.throughput.imagesPerS : null,
      setVsCpu: cpuRun ? r.set.imagesPerS / cpuRun.set.imagesPerS : null,
    };
  });
report.runs = runs.map(({ texts: _texts, ...rest }) => rest);
report.comparisons = comparisons;
writeFileSync(values.out, JSON.stringify(report, null, 2) + '\n');

/** Three significant digits: a software GPU's 0.0108 img/s must not print as 0.0. */
const rate = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
const lines = [
  '',
  `Hearth on ${report.machine && (report.machine as { cores: number }).cores} cores (${(report.machine as { cpu?: string }).cpu}), ${nvidia ?? 'no NVIDIA driver'}`,
  `${'provider'.padEnd(10)} ${'ran'.padEnd(12)} ${'load s'.padStart(7)} ${'warm s'.padStart(7)} ${'set img/s'.padStart(10)} ${'p50 ms'.padStart(7)} ${'CER'.padStart(7)} ${`×${throughput} img/s`.padStart(12)}`,
  ...runs.map((r) =>
    r.error
      ? `${r.asked.padEnd(10)} failed: ${r.error}`
      : `${r.asked.padEnd(10)} ${r.ran.join(',').padEnd(12)} ${r.loadS.toFixed(1).padStart(7)} ${r.warmupS.toFixed(1).padStart(7)} ${rate(r.set.imagesPerS).padStart(10)} ${(r.set.p50Ms ?? 0).toFixed(0).padStart(7)} ${`${(r.set.cer * 100).toFixed(2)}%`.padStart(7)} ${rate(r.throughput.imagesPerS).padStart(12)}`,
  ),
  ...comparisons.map(
    (c) =>
      `${c.provider}: ${c.sameText ? 'same text as the CPU on every image' : `${c.differingCount} of ${dataset.files.length} images read differently from the CPU`}; throughput ${c.throughputVsCpu?.toPrecision(3)}× the CPU's`,
  ),
  `figures: ${values.out}`,
  '',
];
process.stdout.write(lines.join('\n'));
