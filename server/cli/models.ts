// `hearth models …`: list, import (an .onnx with flags, or a bundle), export, rollback, delete — straight on
// the data dir, so it works with or without a running node (a running node sees the change on its next request).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { ImportManifest, ModelSummary, TensorSpec } from '../contract/models';
import { countOf } from '../contract/plural';
import type { openModelRepository } from '../engine/models/repository';
import { configFrom, runCommand, UsageError } from './common';

interface DataFlags {
  data?: string;
}

interface ImportFlags extends DataFlags {
  name?: string;
  id?: string;
  task?: string;
  labels?: string;
  size?: [number, number];
  mean?: [number, number, number];
  std?: [number, number, number];
  resize?: string;
  layout?: string;
  channels?: string;
  description?: string;
}

function numberList(count: number, what: string, integer: boolean): (value: string) => number[] {
  return (value) => {
    const parts = value.split(',').map((p) => Number(p.trim()));
    if (parts.length !== count || parts.some((n) => !Number.isFinite(n) || (integer && (!Number.isInteger(n) || n < 1)))) {
      throw new InvalidArgumentError(`${what}: give ${count} ${integer ? 'whole numbers' : 'numbers'} separated by commas`);
    }
    return parts;
  };
}

/** One of `values`; upper-case choices (NCHW, RGB) are also taken in lower case. */
function choice(values: readonly string[], what: string): (value: string) => string {
  return (value) => {
    const given = values.find((v) => v === value || v === value.toUpperCase());
    if (!given) throw new InvalidArgumentError(`${what} is one of ${values.join(', ')}`);
    return given;
  };
}

function versionArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a version is a whole number from 1');
  return n;
}

/** Loaded when a models command runs (it brings ONNX Runtime), so other commands start without it. */
async function repositoryFor(flags: DataFlags): Promise<ReturnType<typeof openModelRepository>> {
  const { openModelRepository } = await import('../engine/models/repository');
  return openModelRepository({ dataDir: configFrom({ dataDir: flags.data }).dataDir });
}

/** `models list` columns; the header names them so the table reads without the help text. */
const LIST_HEADER = ['ID', 'TASK', 'ACTIVE', 'VERSIONS', 'SOURCE', 'NAME'].join('\t');

function describe(m: ModelSummary): string {
  const versions = m.versions.map((v) => (v.version === m.activeVersion ? `*${v.version}` : String(v.version))).join(',');
  return [m.id, m.task, `v${m.activeVersion}`, versions, m.bundled ? 'bundled' : 'imported', m.name].join('\t');
}

const tensors = (specs: TensorSpec[]): string => specs.map((t) => `${t.name} ${t.dtype} [${t.shape.join(',')}]`).join(', ');

/** `models show`: what a caller of /v1/models/:id/infer or /v1/classify needs to know about one model. */
function details(m: ModelSummary): string {
  const active = m.versions.find((v) => v.version === m.activeVersion);
  const lines = [
    `${m.id} (${m.task}${m.bundled ? ', bundled' : ''}): ${m.name}`,
    `active version: ${m.activeVersion} of ${countOf(m.versions.length, 'version')}`,
  ];
  if (active) lines.push(`inputs: ${tensors(active.inputs)}`, `outputs: ${tensors(active.outputs)}`);
  if (active && active.labels > 0) lines.push(`labels: ${active.labels}`);
  const p = m.preprocess;
  if (p) {
    lines.push(
      `preprocess: size ${p.size.join(',')}, resize ${p.resize}, mean ${p.mean.join(',')}, std ${p.std.join(',')}, layout ${p.layout}, channels ${p.channels}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('the model repository: list, import, export, roll back');

  models
    .command('list')
    .description('list models: id, task, active version, versions (* = active), source, name')
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .option('--json', 'print JSON')
    .action((flags: DataFlags & { json?: boolean }) =>
      runCommand(async () => {
        const list = (await repositoryFor(flags)).list();
        if (flags.json) process.stdout.write(JSON.stringify({ models: list }, null, 2) + '\n');
        else process.stdout.write([LIST_HEADER, ...list.map(describe)].join('\n') + '\n');
      }),
    );

  models
    .command('show <id>')
    .description("one model: its active version's input and output names, shapes and types, labels and preprocessing")
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .option('--json', 'print JSON (as GET /v1/models/:id answers)')
    .action((id: string, flags: DataFlags & { json?: boolean }) =>
      runCommand(async () => {
        const model = (await repositoryFor(flags)).get(id);
        process.stdout.write(flags.json ? JSON.stringify(model, null, 2) + '\n' : details(model));
      }),
    );

  models
    .command('import <file>')
    .description('import an .onnx model (checked with ONNX Runtime, then active) or a bundle from `hearth models export`')
    .option('--name <name>', "display name; the model's id unless --id is given")
    .option('--id <id>', 'model id (default: the name)')
    .option('--task <task>', 'classify | raw', choice(['classify', 'raw'], '--task'))
    .option('--labels <file>', 'labels, one per line (classify)')
    .option('--size <H,W>', 'input height,width for classify preprocessing', numberList(2, '--size', true))
    .option('--mean <a,b,c>', 'per-channel mean after scaling pixels to 0..1 (default 0,0,0)', numberList(3, '--mean', false))
    .option('--std <a,b,c>', 'per-channel std (default 1,1,1)', numberList(3, '--std', false))
    .option('--resize <mode>', 'stretch | contain | cover (default stretch)', choice(['stretch', 'contain', 'cover'], '--resize'))
    .option('--layout <layout>', 'nchw | nhwc: tensor layout the model takes (default nchw)', choice(['NCHW', 'NHWC'], '--layout'))
    .option('--channels <order>', 'rgb | bgr (default rgb)', choice(['RGB', 'BGR'], '--channels'))
    .option('--description <text>', 'free text shown with the model')
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .action((file: string, flags: ImportFlags) =>
      runCommand(async () => {
        const bytes = readFile(file);
        const repository = await repositoryFor(flags);
        let imported;
        const { looksLikeTar } = await import('../engine/models/tar');
        if (looksLikeTar(bytes)) {
          imported = await repository.importBundle(bytes);
        } else {
          if (!flags.name) throw new UsageError('--name is required (it becomes the model id)');
          if (!flags.task) throw new UsageError('--task is required: classify or raw');
          if (flags.task === 'classify' && !flags.labels) throw new UsageError('--labels FILE is required for --task classify');
          if (flags.task === 'classify' && !flags.size) throw new UsageError('--size H,W is required for --task classify');
          const manifest: ImportManifest = {
            id: flags.id,
            name: flags.name,
            task: flags.task as 'classify' | 'raw',
            description: flags.description,
            preprocess: flags.size
              ? {
                  size: flags.size,
                  mean: flags.mean,
                  std: flags.std,
                  resize: flags.resize as 'stretch' | 'contain' | 'cover' | undefined,
                  layout: flags.layout as 'NCHW' | 'NHWC' | undefined,
                  channels: flags.channels as 'RGB' | 'BGR' | undefined,
                }
              : undefined,
          };
          const labels = flags.labels ? readFile(flags.labels).toString('utf8') : undefined;
          imported = await repository.import({ model: bytes, manifest, labels });
        }
        process.stdout.write(`imported ${imported.id} version ${imported.version} (active)\n`);
      }),
    );

  models
    .command('export <id> <file>')
    .description('write a bundle (model + manifest + labels) that another Hearth node imports as is')
    .option('--version <n>', 'version to export (default: the active one)', versionArg)
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .action((id: string, file: string, flags: DataFlags & { version?: number }) =>
      runCommand(async () => {
        const bundle = (await repositoryFor(flags)).exportBundle(id, flags.version);
        writeFileSync(file, bundle.bytes);
        process.stdout.write(
          `wrote ${basename(file)} (${id} version ${bundle.fileName.match(/-v(\d+)\./)?.[1] ?? '?'}, ${bundle.bytes.length} bytes)\n`,
        );
      }),
    );

  models
    .command('activate <id> <version>')
    .alias('rollback')
    .description('make a version the active one: a newly trained one, or an earlier one to roll back')
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .action((id: string, version: string, flags: DataFlags) =>
      runCommand(async () => {
        const v = Number(version);
        if (!Number.isInteger(v) || v < 1) throw new UsageError('VERSION is a whole number from 1');
        (await repositoryFor(flags)).activate(id, v);
        process.stdout.write(`${id} now serves version ${v}\n`);
      }),
    );

  models
    .command('delete <id>')
    .description('delete an imported model, or one of its versions with --version')
    .option('--version <n>', 'only this version (not the active one)', versionArg)
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .action((id: string, flags: DataFlags & { version?: number }) =>
      runCommand(async () => {
        (await repositoryFor(flags)).remove(id, flags.version);
        process.stdout.write(flags.version ? `deleted ${id} version ${flags.version}\n` : `deleted ${id}\n`);
      }),
    );
}

function readFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
