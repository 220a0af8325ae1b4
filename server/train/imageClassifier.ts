// Trains an image classifier on an imported backbone: checks the dataset, cuts the backbone at its embedding,
// embeds every example (one at a time, so memory stays flat), fits a softmax layer on a seeded stratified split,
// writes the backbone + new head as one ONNX graph, evaluates it, and registers it as a new version of the model
// (active only when the model had none). Anything that fails before the last step leaves the repository as it was.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { AppError, isAppError } from '../appError';
import type { ModelRepository } from '../engine/models/repository';
import { imageToTensor } from '../engine/models/preprocess';
import { createSession } from '../engine/session';
import { classifierModel, embeddingModel, findEmbedding, probeModel, TRAINED } from '../engine/onnx/embedding';
import { readDataset } from './dataset';
import { fitVectors, timings, type TrainProgress, type TrainReport } from './fit';

export interface TrainRequest {
  folder: string;
  /** Id of the model (and of the new version's model) to register. */
  name: string;
  backbone: string;
  /** Tensor to train on when the backbone's classifier cannot be found by itself. */
  embedding?: string;
  seed?: number;
  providers?: readonly string[];
}

export async function trainImageClassifier(
  repository: ModelRepository,
  req: TrainRequest,
  onProgress: (p: TrainProgress) => void = () => undefined,
  signal?: AbortSignal,
): Promise<TrainReport> {
  const dataset = readDataset(req.folder);
  const backbone = repository.resolve(req.backbone);
  const pp = backbone.manifest.preprocess;
  if (!pp)
    throw new AppError(
      'invalid_model',
      422,
      `model "${req.backbone}" has no image preprocessing; import the backbone with --size H,W (and --mean/--std) first`,
    );
  const bytes = new Uint8Array(await readFile(backbone.modelPath));
  const tensor = findEmbedding(bytes, req.embedding);
  const inputName = backbone.manifest.inputs[0].name;
  const providers = req.providers ?? [];

  // The embedding's rank decides whether it is pooled (feature map) or taken as it is (vector).
  const first = await imageToTensor(await readFile(dataset.examples[0].path), pp);
  const probe = await createSession(probeModel(bytes, tensor), { providers });
  let rank: number;
  try {
    const out = await probe.session.run({ [inputName]: new ort.Tensor('float32', first.data, first.dims) });
    rank = out[tensor].dims.length;
  } finally {
    await probe.session.release();
  }
  if (rank !== 2 && rank !== 4)
    throw new AppError('invalid_model', 422, `tensor "${tensor}" has rank ${rank}; train on a vector [N, D] or a feature map [N, C, H, W]`);

  const embedder = await createSession(embeddingModel(bytes, tensor, rank), { providers });
  const started = performance.now();
  const vectors = new Map<string, Float32Array>();
  const skipped: TrainReport['skipped'] = [];
  try {
    for (const [i, e] of dataset.examples.entries()) {
      signal?.throwIfAborted();
      try {
        const input = await imageToTensor(await readFile(e.path), pp);
        const out = await embedder.session.run({ [inputName]: new ort.Tensor('float32', input.data, input.dims) });
        vectors.set(e.path, Float32Array.from(out[TRAINED.pooled].data as Float32Array));
      } catch (err) {
        if (!isAppError(err)) throw err;
        skipped.push({ file: e.path, reason: err.message });
      }
      onProgress({ phase: 'embedding', done: i + 1, total: dataset.examples.length });
    }
  } finally {
    await embedder.session.release();
  }
  const embedSeconds = (performance.now() - started) / 1000;
  const usable = dataset.examples.filter((e) => vectors.has(e.path));
  const { head, train, val, evaluation, bestEpoch, history, fitSeconds } = await fitVectors(
    dataset,
    vectors,
    req.seed ?? 1,
    onProgress,
    signal,
  );

  // The version serving now, measured on the same validation examples, so the report can compare.
  let previous: TrainReport['previous'] = null;
  const existing = repository.list().find((m) => m.id === req.name);
  if (existing && !existing.bundled) {
    const active = repository.resolve(req.name);
    if (active.labels.join('\n') === dataset.labels.join('\n') && active.manifest.preprocess) {
      const session = await createSession(active.modelPath, { providers });
      try {
        let correct = 0;
        for (const e of val) {
          const input = await imageToTensor(await readFile(e.path), active.manifest.preprocess);
          const out = await session.session.run({ [active.manifest.inputs[0].name]: new ort.Tensor('float32', input.data, input.dims) });
          const scores = out[session.session.outputNames[0]].data as Float32Array;
          if (scores.indexOf(Math.max(...scores)) === e.label) correct++;
        }
        previous = { version: existing.activeVersion, accuracy: val.length ? correct / val.length : 0 };
      } finally {
        await session.session.release();
      }
    }
  }

  signal?.throwIfAborted();
  onProgress({ phase: 'registering' });
  const model = classifierModel(bytes, tensor, rank, head);
  const imported = await repository.import({
    model,
    manifest: {
      name: req.name,
      task: 'classify',
      description: `trained on ${usable.length} examples of ${dataset.labels.length} labels over "${req.backbone}" (${tensor})`,
      preprocess: pp,
      probabilities: true,
    },
    labels: dataset.labels.join('\n'),
    activate: false,
  });
  return {
    ...evaluation,
    kind: 'image',
    model: imported.id,
    version: imported.version,
    active: repository.get(imported.id).activeVersion === imported.version,
    labels: dataset.labels,
    examples: { train: train.length, validation: val.length },
    bestEpoch,
    history,
    warnings: dataset.warnings,
    skipped,
    previous,
    ...timings(dataset.examples.length, embedSeconds, fitSeconds),
  };
}
