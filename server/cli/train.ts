// `hearth train <folder> --name ID [--backbone MODEL]`: trains a classifier (on an imported backbone, or without one
// a document-type classifier on OCR text and the page's look) from a folder with one sub-folder per label on the
// node's data dir, prints the evaluation report (--json: one JSON object) and registers the result
// as a new version of ID (active only when ID had none; `hearth models activate ID VERSION` makes it serve).
import { InvalidArgumentError, type Command } from 'commander';
import type { TrainProgress, TrainReport } from '../train/fit';
import { configFrom, runCommand, UsageError } from './common';

interface TrainFlags {
  name: string;
  backbone?: string;
  embedding?: string;
  seed?: number;
  data?: string;
  json?: boolean;
}

function seedArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a seed is a whole number ≥ 0');
  return n;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;

/** The report as a person reads it in a terminal. */
function printReport(r: TrainReport): void {
  const out: string[] = [];
  out.push(
    `model ${r.model} version ${r.version}${r.active ? ' (active)' : ` (not active: hearth models activate ${r.model} ${r.version})`}`,
  );
  out.push(`examples: ${r.examples.train} to train, ${r.examples.validation} to validate; best epoch ${r.bestEpoch}`);
  out.push(
    `validation accuracy ${pct(r.accuracy)}${r.previous ? ` (active version ${r.previous.version}: ${pct(r.previous.accuracy)})` : ''}`,
  );
  const width = Math.max(5, ...r.labels.map((l) => l.length));
  out.push(`${'label'.padEnd(width)}  precision  recall  f1      support`);
  for (const [label, m] of Object.entries(r.perLabel)) {
    out.push(
      `${label.padEnd(width)}  ${pct(m.precision).padStart(9)}  ${pct(m.recall).padStart(6)}  ${pct(m.f1).padStart(6)}  ${String(m.support).padStart(7)}`,
    );
  }
  out.push('confusion (rows: true label, columns: predicted):');
  r.confusion.forEach((row, i) => out.push(`${r.labels[i].padEnd(width)}  ${row.map((v) => String(v).padStart(4)).join('')}`));
  for (const m of r.misclassified.slice(0, 10)) out.push(`wrong: ${m.file}: ${m.label} read as ${m.predicted} (${pct(m.confidence)})`);
  for (const s of r.skipped) out.push(`skipped: ${s.file}: ${s.reason}`);
  for (const w of r.warnings) out.push(`warning: ${w}`);
  out.push(`embedding ${r.seconds.embedding} s (${r.embeddingsPerSecond} examples/s), fitting ${r.seconds.fitting} s`);
  process.stdout.write(out.join('\n') + '\n');
}

export function registerTrain(program: Command): void {
  program
    .command('train <folder>')
    .description('train a classifier from a folder with one sub-folder per label, evaluate it and add it as a new model version')
    .requiredOption('--name <id>', 'model to add the new version to (created when new)')
    .option(
      '--backbone <model>',
      'imported image model whose embedding an image classifier learns on; without it, a document-type classifier',
    )
    .option('--embedding <tensor>', "tensor to train on, when the backbone's classifier layer cannot be found by itself")
    .option('--seed <n>', 'seed of the train/validation split (default 1): the same data and seed give the same model', seedArg)
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .option('--json', 'print the report as one JSON object')
    .action((folder: string, flags: TrainFlags) =>
      runCommand(async () => {
        if (flags.embedding && !flags.backbone)
          throw new UsageError('--embedding names a tensor of the --backbone model; name the backbone too');
        const config = configFrom({ dataDir: flags.data });
        const { openModelRepository } = await import('../engine/models/repository');
        const repository = openModelRepository({ dataDir: config.dataDir });
        const tty = process.stderr.isTTY && !flags.json;
        let last = 0;
        const progress = (p: TrainProgress): void => {
          if (!tty || Date.now() - last < 200) return;
          last = Date.now();
          const text =
            p.phase === 'embedding'
              ? `${flags.backbone ? 'embedding' : 'reading pages'} ${p.done}/${p.total}`
              : p.phase === 'fitting'
                ? `epoch ${p.epoch.epoch}: loss ${p.epoch.loss.toFixed(4)}, validation accuracy ${pct(p.epoch.valAccuracy)}`
                : 'registering';
          process.stderr.write(`\r\x1b[2K${text}`);
        };
        let report: TrainReport;
        if (flags.backbone) {
          const { trainImageClassifier } = await import('../train/imageClassifier');
          report = await trainImageClassifier(
            repository,
            { folder, name: flags.name, backbone: flags.backbone, embedding: flags.embedding, seed: flags.seed, providers: ['cpu'] },
            progress,
          );
        } else {
          // A document-type classifier reads its pages with the OCR engine, started here as `hearth ocr --local` does.
          const [{ createEngine }, { engineCacheDir }, { chooseProvider }, { trainDocTypeClassifier }] = await Promise.all([
            import('../engine'),
            import('../engine/cacheEntries'),
            import('../engine/providerChoice'),
            import('../train/docTypeClassifier'),
          ]);
          const choice = await chooseProvider({ dataDir: config.dataDir, forced: config.engine.provider });
          const engine = await createEngine({
            workers: config.engine.workers,
            queueDepth: config.engine.queueDepth,
            cacheEntries: config.engine.cacheEntries,
            providers: [choice.provider],
            why: choice.why,
            cacheDir: engineCacheDir(config.dataDir),
            layout: config.ocr.layout,
          });
          try {
            report = await trainDocTypeClassifier(repository, engine, { folder, name: flags.name, seed: flags.seed }, progress);
          } finally {
            await engine.close();
          }
        }
        if (tty) process.stderr.write('\r\x1b[2K');
        if (flags.json) process.stdout.write(JSON.stringify(report) + '\n');
        else printReport(report);
      }),
    );
}
