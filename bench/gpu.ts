// CPU vs CUDA on the same image set through Hearth's engine (same scheduler, same code path), each in its own
// process: prints which provider actually ran and images/s for each. Run it on a machine with an NVIDIA GPU:
//
//   ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install   # once: ORT's CUDA libs
//   npx tsx bench/gpu.ts [--images 60]
//
// Where the CUDA provider cannot load (no GPU, no CUDA 12/cuDNN 9, or ORT's CUDA libs not installed), the
// engine falls back to cpu and this script says so instead of printing a misleading speed-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runChild } from './contenders/child';
import type { BenchContext } from './contenders/types';
import { ensureDataset } from './dataset';
import { percentile } from './measure';
import { setCer } from './score';

const { values } = parseArgs({ options: { images: { type: 'string', default: '60' }, timeout: { type: 'string', default: '900' } } });
const images = Number(values.images);
if (!Number.isInteger(images) || images < 1) throw new Error('--images takes a whole number ≥ 1');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (m: string): void => void process.stderr.write(`${m}\n`);
const dataset = await ensureDataset(images);
const tmp = mkdtempSync(join(tmpdir(), 'hearth-bench-gpu-'));
const ctx: BenchContext = { dataset, tmp, root, timeoutMs: Number(values.timeout) * 1000, say };

interface Line {
  asked: string;
  ran: string;
  imagesPerS?: number;
  p50?: number | null;
  cer?: number;
  loadS?: number;
  error?: string;
}
const lines: Line[] = [];
try {
  for (const provider of ['cpu', 'cuda']) {
    say(`engine with providers ['${provider}']…`);
    try {
      const { report } = await runChild(ctx, 'hearthEngine', { providers: [provider] }, dataset.files, true);
      const n = report.outcomes.length;
      const texts = Object.fromEntries(report.outcomes.map((o) => [o.file, o.text]));
      lines.push({
        asked: provider,
        ran: ((report.extra?.providers as string[] | undefined) ?? []).join(',') || '?',
        imagesPerS: n / report.measuredS,
        p50: percentile(report.outcomes.map((o) => o.ms), 50),
        cer: setCer(dataset, texts),
        loadS: report.loadS,
      });
    } catch (err) {
      lines.push({ asked: provider, ran: '–', error: (err as Error).message });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

process.stdout.write(`\nHearth engine, cpu vs cuda — ${dataset.files.length} images (${dataset.dir})\n`);
for (const l of lines) {
  process.stdout.write(
    l.error
      ? `  asked ${l.asked.padEnd(5)} FAILED: ${l.error}\n`
      : `  asked ${l.asked.padEnd(5)} ran ${l.ran.padEnd(10)} ${l.imagesPerS?.toFixed(2)} img/s  p50 ${l.p50?.toFixed(0)} ms  CER ${((l.cer ?? 0) * 100).toFixed(2)} %  load ${l.loadS?.toFixed(1)} s\n`,
  );
}
const [cpu, cuda] = lines;
if (cuda && !cuda.error && !cuda.ran.includes('cuda')) {
  process.stdout.write('  the CUDA provider did not load here, so both runs used the CPU (see the warning above for why)\n');
} else if (cpu?.imagesPerS && cuda?.imagesPerS) {
  process.stdout.write(`  cuda ÷ cpu: ${(cuda.imagesPerS / cpu.imagesPerS).toFixed(2)}×\n`);
}
