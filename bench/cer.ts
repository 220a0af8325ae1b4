// CER of Hearth's engine on a rendered set like the bench's (60 images: English, Chinese, mixed; 12–40 px;
// ±5° skew; noise; low contrast; one upside-down), overall, per error class and per category, plus images/s.
// Run: npx tsx bench/cer.ts [--n 60] [--seed 1] [--workers 0] [--dir DIR] [--show-errors]
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../server/engine';
import { cerReport } from '../server/testkit/cer';
import { writeDataset } from '../server/testkit/dataset';
import { ERROR_CLASSES, setClassEdits } from './errorClasses';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '0' },
    dir: { type: 'string' },
    'show-errors': { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const n = Number(values.n);
  const seed = Number(values.seed);
  const own = !values.dir;
  const dir = values.dir ?? (await mkdtemp(join(tmpdir(), 'hearth-cer-')));
  try {
    if (own) await writeDataset(dir, n, seed);
    const truth = JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as Record<string, string>;
    const categories = JSON.parse(await readFile(join(dir, 'categories.json'), 'utf8').catch(() => '{}')) as Record<string, string>;
    const files = (await readdir(dir)).filter((f) => f in truth).sort();
    const images = await Promise.all(files.map((f) => readFile(join(dir, f))));

    const t0 = performance.now();
    const engine = await createEngine({ workers: Number(values.workers), queueDepth: 1024, cacheEntries: 0, providers: [] });
    const loadMs = performance.now() - t0;
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    const predicted: Record<string, string> = {};
    const failed: string[] = [];
    await Promise.all(
      files.map(async (f, i) => {
        try {
          predicted[f] = (await engine.ocr(images[i], { bulk: true })).text;
        } catch (err) {
          failed.push(`${f}: ${String((err as Error).message)}`);
        }
      }),
    );
    const seconds = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const stats = engine.stats();
    await engine.close();

    const report = cerReport(Object.fromEntries(files.map((f) => [f, truth[f]])), predicted);
    const byCategory = new Map<string, { edits: number; chars: number; files: number }>();
    for (const f of files) {
      const c = categories[f] ?? 'all';
      const agg = byCategory.get(c) ?? { edits: 0, chars: 0, files: 0 };
      agg.edits += report.files[f].edits;
      agg.chars += report.files[f].chars;
      agg.files++;
      byCategory.set(c, agg);
    }
    const pct = (e: number, c: number): string => `${((100 * e) / Math.max(1, c)).toFixed(2)} %`;
    console.log(`set        ${dir} (${files.length} images${own ? `, seed ${seed}` : ''})`);
    console.log(`engine     ${stats.workers} workers, providers ${engine.providers.join(',')}, load ${loadMs.toFixed(0)} ms`);
    console.log(
      `CER        ${pct(report.overall.edits, report.overall.chars)} overall (${report.overall.edits} edits / ${report.overall.chars} chars)`,
    );
    const classes = setClassEdits(Object.fromEntries(files.map((f) => [f, truth[f]])), predicted);
    console.log(`by class   ${ERROR_CLASSES.map((c) => `${c} ${pct(classes[c], report.overall.chars)}`).join(', ')}`);
    for (const [c, a] of [...byCategory].sort()) console.log(`  ${c.padEnd(9)}${pct(a.edits, a.chars)} (${a.files} images)`);
    console.log(
      `speed      ${(files.length / seconds).toFixed(2)} images/s, ${((cpu.user + cpu.system) / 1e6 / files.length).toFixed(2)} CPU s/image`,
    );
    if (failed.length) console.log(`failed     ${failed.join('; ')}`);
    if (values['show-errors']) {
      for (const f of files) {
        if (report.files[f].edits)
          console.log(`${f} ${report.files[f].edits}: ${JSON.stringify(truth[f])} => ${JSON.stringify(predicted[f])}`);
      }
    }
  } finally {
    if (own) await rm(dir, { recursive: true, force: true });
  }
}

await main();
