// Document-type classifiers: a page becomes one feature vector (hashed word and character n-grams of its OCR
// text, log term frequency, L2-normalised; then the detector backbone's pooled look of the page, L2-normalised),
// and a linear softmax model (the version's model.onnx) scores it. Training and serving both read pages here,
// so a version sees pages exactly as it was trained on them.
import { AppError } from '../../appError';
import { MODEL_TASK_NOUNS, type ClassifyLabel, type DocTypeFeatures, type ModelManifest } from '../../contract/models';
import { buildOnnxModel } from '../onnx/build';
import { DEFAULT_PDF_DPI, isPdf } from '../pdf/pdfDocument';
import type { Engine } from '../index';
import { topLabels } from './scores';

/** What reading pages needs of the engine: its task runner (the same scheduler as OCR). */
type TaskRunner = Pick<Engine, 'run'>;

/** The model's one input and output. */
export const DOC_TYPE_IO = { input: 'features', output: 'probabilities' } as const;

/**
 * How new classifiers read pages. 2^14 buckets keep collisions rare for a few hundred distinct n-grams per
 * page; `p2o.Add.215` is the last stage of the detector's PPLCNetV3 backbone (1/32 scale), the most abstract
 * look of the page before the FPN neck mixes scales for text boxes.
 */
export const DOC_TYPE_FEATURES: Omit<DocTypeFeatures, 'visual'> & { visual: Omit<DocTypeFeatures['visual'], 'dims'> } = {
  textDims: 1 << 14,
  words: [1, 2],
  chars: [2, 4],
  hashSeed: 0x9e3779b9,
  visual: { tensor: 'p2o.Add.215', size: [320, 256] },
};

/** FNV-1a over UTF-16 code units, seeded: the same n-gram lands in the same bucket on every machine. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final avalanche so that nearby n-grams spread over the low bits the bucket index uses.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** Word and character n-grams of the text (lower case, NFKC), hashed into `textDims` buckets, log(1 + tf), L2 = 1. */
export function hashText(text: string, spec: Pick<DocTypeFeatures, 'textDims' | 'words' | 'chars' | 'hashSeed'>): Float32Array {
  const counts = new Float32Array(spec.textDims);
  const mask = spec.textDims - 1;
  const clean = text.normalize('NFKC').toLowerCase();
  const words = clean.match(/[\p{L}\p{N}]+/gu) ?? [];
  for (let n = spec.words[0]; n <= spec.words[1]; n++) {
    for (let i = 0; i + n <= words.length; i++) counts[hash(`w${n}:${words.slice(i, i + n).join(' ')}`, spec.hashSeed) & mask]++;
  }
  // Character n-grams run over the words joined by one space, so they see word edges but not layout spacing.
  const chars = Array.from(` ${words.join(' ')} `);
  for (let n = spec.chars[0]; n <= spec.chars[1]; n++) {
    for (let i = 0; i + n <= chars.length; i++) counts[hash(`c${n}:${chars.slice(i, i + n).join('')}`, spec.hashSeed) & mask]++;
  }
  let norm = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]) counts[i] = Math.log1p(counts[i]);
    norm += counts[i] * counts[i];
  }
  if (norm > 0) {
    const k = 1 / Math.sqrt(norm);
    for (let i = 0; i < counts.length; i++) counts[i] *= k;
  }
  return counts;
}

/** The model's input for one page: the hashed text, then the visual vector scaled to L2 = 1. */
export function docVector(text: string, visual: Float32Array, spec: DocTypeFeatures): Float32Array {
  const out = new Float32Array(spec.textDims + spec.visual.dims);
  out.set(hashText(text, spec));
  let norm = 0;
  for (const v of visual) norm += v * v;
  const k = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < spec.visual.dims && i < visual.length; i++) out[spec.textDims + i] = visual[i] * k;
  return out;
}

export interface DocPage {
  /** An image, or a PDF and its 1-based page. */
  bytes: Uint8Array;
  page?: number;
}

/** A page's OCR text and look, read by the engine (both at once); `text` may be given when OCR already ran. */
export async function readDocPage(
  engine: TaskRunner,
  doc: DocPage,
  visual: Pick<DocTypeFeatures['visual'], 'tensor' | 'size'>,
  opts: { bulk?: boolean; text?: string } = {},
): Promise<{ text: string; visual: Float32Array; provider: string; ms: number }> {
  const started = performance.now();
  const pdf = isPdf(doc.bytes);
  const page = pdf ? (doc.page ?? 1) : undefined;
  const [text, look] = await Promise.all([
    opts.text !== undefined
      ? Promise.resolve({ text: opts.text })
      : pdf
        ? engine.run('ocrPdfPage', { pdf: doc.bytes, page: page ?? 1, dpi: DEFAULT_PDF_DPI, layout: 'auto' }, { bulk: opts.bulk })
        : engine.run('ocr', { image: doc.bytes }, { bulk: opts.bulk }),
    engine.run('docVisual', pdf ? { pdf: doc.bytes, page, visual } : { image: doc.bytes, visual }, { bulk: opts.bulk }),
  ]);
  return { text: text.text, visual: look.vector, provider: look.provider, ms: Math.round((performance.now() - started) * 100) / 100 };
}

/** Ranked labels of one page by the version's linear model. */
export async function scoreDocPage(
  engine: TaskRunner,
  model: { modelPath: string; labels: readonly string[]; spec: DocTypeFeatures; idleMs: number },
  page: { text: string; visual: Float32Array },
  opts: { topK: number; bulk?: boolean },
): Promise<ClassifyLabel[]> {
  const x = docVector(page.text, page.visual, model.spec);
  const out = await engine.run(
    'infer',
    {
      modelPath: model.modelPath,
      inputs: { [DOC_TYPE_IO.input]: { dtype: 'float32', dims: [1, x.length], data: x } },
      idleMs: model.idleMs,
    },
    { bulk: opts.bulk },
  );
  const probs = out.outputs[DOC_TYPE_IO.output].data as Float32Array;
  return topLabels(probs, model.labels, { topK: opts.topK, probabilities: true });
}

/** A version's model.onnx: features [N, D] → Gemm (weight [classes × D], bias) → Softmax → probabilities [N, classes]. */
export function docTypeModel(head: { weight: Float32Array; bias: Float32Array; classes: number; dims: number }): Uint8Array {
  return buildOnnxModel({
    name: 'hearth_doctype',
    inputs: [{ name: DOC_TYPE_IO.input, dtype: 'float32', shape: ['batch', head.dims] }],
    outputs: [{ name: DOC_TYPE_IO.output, dtype: 'float32', shape: ['batch', head.classes] }],
    nodes: [
      { op: 'Gemm', inputs: [DOC_TYPE_IO.input, 'weight', 'bias'], outputs: ['logits'], attributes: { transB: 1 } },
      { op: 'Softmax', inputs: ['logits'], outputs: [DOC_TYPE_IO.output], attributes: { axis: 1 } },
    ],
    initializers: [
      { name: 'weight', dtype: 'float32', dims: [head.classes, head.dims], values: Array.from(head.weight) },
      { name: 'bias', dtype: 'float32', dims: [head.classes], values: Array.from(head.bias) },
    ],
  });
}

/** How a version reads pages; a 4xx unless the model is a document-type classifier. */
export function docTypeSpec(id: string, manifest: ModelManifest): DocTypeFeatures {
  if (manifest.task !== 'doctype' || !manifest.docType) {
    throw new AppError(
      'bad_request',
      400,
      `model "${id}" is ${MODEL_TASK_NOUNS[manifest.task]}, not a document-type classifier; train one with \`hearth train <folder> --name ID\``,
    );
  }
  return manifest.docType;
}

/** Reads one page (OCR unless `text` is given, and its look) and ranks the version's labels for it. */
export async function classifyDocPage(
  engine: TaskRunner,
  model: { id: string; modelPath: string; labels: readonly string[]; manifest: ModelManifest; idleMs: number },
  doc: DocPage,
  opts: { topK: number; text?: string; bulk?: boolean },
): Promise<{ labels: ClassifyLabel[]; provider: string }> {
  const spec = docTypeSpec(model.id, model.manifest);
  const page = await readDocPage(engine, doc, spec.visual, opts);
  const labels = await scoreDocPage(engine, { ...model, spec }, page, opts);
  return { labels, provider: page.provider };
}
