// `npm run bench -- --train`: training on the node, timed: rendered document pages of three kinds (20 of each)
// become a document-type classifier (every page read by the OCR engine and the detector), and the same pages an
// image classifier on a small imported backbone. Prints seconds and examples/s for embedding and seconds to fit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../server/engine';
import { openModelRepository } from '../server/engine/models/repository';
import { writeDocPages } from '../server/testkit/docPages';
import { colourClassifier } from '../server/testkit/onnx';
import { trainDocTypeClassifier } from '../server/train/docTypeClassifier';
import type { TrainReport } from '../server/train/fit';
import { trainImageClassifier } from '../server/train/imageClassifier';

const PER_KIND = 20;

function line(label: string, r: TrainReport, wallSeconds: number): string {
  const examples = r.examples.train + r.examples.validation;
  return [
    `  ${label.padEnd(28)}`,
    `${examples} examples`,
    `embedding ${r.seconds.embedding.toFixed(2)} s (${r.embeddingsPerSecond.toFixed(1)} examples/s)`,
    `fit ${r.seconds.fitting.toFixed(2)} s (best epoch ${r.bestEpoch} of ${r.history.length})`,
    `total ${wallSeconds.toFixed(2)} s`,
    `validation accuracy ${(r.accuracy * 100).toFixed(1)} %`,
  ].join(' · ');
}

export async function trainBench(workers: number, say: (m: string) => void): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'hearth-bench-train-'));
  try {
    say(`rendering ${PER_KIND} pages of each document kind…`);
    const set = join(root, 'set');
    await writeDocPages(set, PER_KIND, 1);
    const repository = openModelRepository({ dataDir: join(root, 'data') });
    const lines: string[] = [`training bench: ${PER_KIND * 3} rendered pages (600×800), 3 labels, seed 1; engine with ${workers} workers`];

    say('document-type classifier (OCR + detector backbone per page)…');
    const engine = await createEngine({ workers, queueDepth: 4, cacheEntries: 0, providers: ['cpu'], cacheDir: join(root, 'cache') });
    try {
      const started = performance.now();
      const report = await trainDocTypeClassifier(repository, engine, { folder: set, name: 'doc-types', seed: 1 });
      lines.push(line('document types', report, (performance.now() - started) / 1000));
    } finally {
      await engine.close();
    }

    say('image classifier on an imported backbone…');
    await repository.import({
      model: colourClassifier({ size: 64 }),
      manifest: { name: 'backbone', task: 'classify', preprocess: { size: [64, 64] } },
      labels: 'red\ngreen\nblue\n',
    });
    const started = performance.now();
    const report = await trainImageClassifier(repository, { folder: set, name: 'page-colours', backbone: 'backbone', seed: 1 });
    lines.push(line('image classifier (backbone)', report, (performance.now() - started) / 1000));
    lines.push("  (the image classifier's backbone is a 3-number colour summary: its row times embedding and fitting, not accuracy)");
    return lines;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
