// Trains a document-type classifier with no imported model: every example page is read by the engine (OCR text
// and the detector backbone's look of the page, engine/models/docType.ts), becomes one feature vector, and a
// softmax layer is fitted on a seeded stratified split. The result is a small linear ONNX model with its labels
// and the way pages become features in the manifest, registered as a new version (active only when the model
// had none). Anything that fails before the last step leaves the repository as it was.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { isAppError } from '../appError';
import type { DocTypeFeatures } from '../contract/models';
import type { Engine } from '../engine';
import type { ModelRepository } from '../engine/models/repository';
import { DOC_TYPE_FEATURES, DOC_TYPE_IO, docTypeModel, docVector, readDocPage } from '../engine/models/docType';
import { createSession } from '../engine/session';
import { readDataset, type Example } from './dataset';
import { fitVectors, timings, type TrainProgress, type TrainReport } from './fit';
import { TRAIN_DEFAULTS } from './softmax';

export interface DocTypeTrainRequest {
  folder: string;
  /** Id of the model (and of the new version's model) to register. */
  name: string;
  seed?: number;
}

/** Pages read at once: enough to keep the engine's workers busy, few enough that memory stays flat. */
const IN_FLIGHT = 4;

interface Page {
  text: string;
  visual: Float32Array;
}

/** The active version's accuracy on the validation pages, when it reads pages the same way and knows the same labels. */
async function previousAccuracy(
  repository: ModelRepository,
  name: string,
  labels: readonly string[],
  spec: DocTypeFeatures,
  val: readonly Example[],
  pages: ReadonlyMap<string, Page>,
): Promise<TrainReport['previous']> {
  const existing = repository.list().find((m) => m.id === name);
  if (!existing || existing.bundled) return null;
  const active = repository.resolve(name);
  const old = active.manifest.docType;
  if (active.manifest.task !== 'doctype' || !old || active.labels.join('\n') !== labels.join('\n')) return null;
  if (old.visual.tensor !== spec.visual.tensor || old.visual.size.join() !== spec.visual.size.join()) return null;
  const { session } = await createSession(active.modelPath, { providers: ['cpu'] });
  try {
    let correct = 0;
    for (const e of val) {
      const page = pages.get(e.path) as Page;
      const x = docVector(page.text, page.visual, old);
      const out = await session.run({ [DOC_TYPE_IO.input]: new ort.Tensor('float32', x, [1, x.length]) });
      const p = out[DOC_TYPE_IO.output].data as Float32Array;
      if (p.indexOf(Math.max(...p)) === e.label) correct++;
    }
    return { version: existing.activeVersion, accuracy: val.length ? Math.round((correct / val.length) * 1e4) / 1e4 : 0 };
  } finally {
    await session.release();
  }
}

export async function trainDocTypeClassifier(
  repository: ModelRepository,
  engine: Pick<Engine, 'run'>,
  req: DocTypeTrainRequest,
  onProgress: (p: TrainProgress) => void = () => undefined,
  signal?: AbortSignal,
): Promise<TrainReport> {
  const dataset = readDataset(req.folder, { pdfs: true });
  const started = performance.now();
  const pages = new Map<string, Page>();
  const skipped: TrainReport['skipped'] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < dataset.examples.length) {
      signal?.throwIfAborted();
      const e = dataset.examples[next++];
      try {
        // A PDF's first page stands for the document: that is where its kind shows (title, letterhead).
        const page = await readDocPage(engine, { bytes: await readFile(e.path), page: 1 }, DOC_TYPE_FEATURES.visual, { bulk: true });
        pages.set(e.path, page);
      } catch (err) {
        if (!isAppError(err)) throw err;
        skipped.push({ file: e.path, reason: err.message });
      }
      onProgress({ phase: 'embedding', done: ++done, total: dataset.examples.length });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  signal?.throwIfAborted();
  const embedSeconds = (performance.now() - started) / 1000;
  // Skipped files in the order of the dataset, whichever finished first.
  const order = new Map(dataset.examples.map((e, i) => [e.path, i]));
  skipped.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));

  const first = pages.values().next().value;
  const spec: DocTypeFeatures = { ...DOC_TYPE_FEATURES, visual: { ...DOC_TYPE_FEATURES.visual, dims: first?.visual.length ?? 1 } };
  const vectors = new Map([...pages].map(([path, p]) => [path, docVector(p.text, p.visual, spec)]));
  // The features are L2-normalised already; standardising would blow up n-grams seen once (on rendered pages it
  // gave probabilities of 1.000 after one epoch, against 0.99 on unseen pages without, equally right).
  const fitted = await fitVectors(dataset, vectors, req.seed ?? 1, onProgress, signal, { ...TRAIN_DEFAULTS, standardise: false });
  const previous = await previousAccuracy(repository, req.name, dataset.labels, spec, fitted.val, pages);

  signal?.throwIfAborted();
  onProgress({ phase: 'registering' });
  const imported = await repository.import({
    model: docTypeModel(fitted.head),
    manifest: {
      name: req.name,
      task: 'doctype',
      description: `document types trained on ${vectors.size} examples of ${dataset.labels.length} labels (OCR text n-grams and the detector's look of the page)`,
      probabilities: true,
      docType: spec,
    },
    labels: dataset.labels.join('\n'),
    activate: false,
  });
  return {
    ...fitted.evaluation,
    kind: 'doctype',
    model: imported.id,
    version: imported.version,
    active: repository.get(imported.id).activeVersion === imported.version,
    labels: dataset.labels,
    examples: { train: fitted.train.length, validation: fitted.val.length },
    bestEpoch: fitted.bestEpoch,
    history: fitted.history,
    warnings: dataset.warnings,
    skipped,
    previous,
    ...timings(dataset.examples.length, embedSeconds, fitted.fitSeconds),
  };
}
