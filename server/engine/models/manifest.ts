// Manifest parsing with errors a person can act on ("manifest.json: preprocess.size: …"), and the check
// that a manifest matches what ONNX Runtime reports about the model file.
import type { z } from 'zod';
import { AppError } from '../../appError';
import { manifestSchema, type ModelManifest, type TensorSpec } from '../../contract/models';

/** "path.to.field: message; …" for the first few issues. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Validates a manifest read from `source`; throws AppError invalid_model (422) naming the bad fields. */
export function parseManifest(raw: unknown, source: string): ModelManifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('invalid_model', 422, `${source}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** JSON text → manifest, with a clear message for broken JSON. */
export function parseManifestText(text: string, source: string): ModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid_model', 422, `${source} is not valid JSON: ${(err as Error).message}`);
  }
  return parseManifest(raw, source);
}

function dimsCompatible(declared: TensorSpec['shape'], actual: TensorSpec['shape']): boolean {
  if (actual.length === 0) return true; // the model does not declare a shape
  if (declared.length !== actual.length) return false;
  return declared.every((d, i) => {
    const a = actual[i];
    return typeof d !== 'number' || d < 0 || typeof a !== 'number' || a < 0 || d === a;
  });
}

function fmt(shape: TensorSpec['shape']): string {
  return `[${shape.join(',')}]`;
}

/**
 * Reasons the declared tensors differ from the model's (empty when they match): same names, dtypes, and
 * shapes that agree wherever both sides give a fixed size.
 */
export function tensorMismatches(kind: 'input' | 'output', declared: TensorSpec[], actual: TensorSpec[]): string[] {
  const problems: string[] = [];
  const byName = new Map(actual.map((t) => [t.name, t]));
  for (const d of declared) {
    const a = byName.get(d.name);
    if (!a) {
      problems.push(`the model has no ${kind} "${d.name}" (it has ${actual.map((t) => `"${t.name}"`).join(', ')})`);
      continue;
    }
    if (a.dtype !== d.dtype) problems.push(`${kind} "${d.name}" is ${a.dtype} in the model, not ${d.dtype}`);
    if (!dimsCompatible(d.shape, a.shape)) problems.push(`${kind} "${d.name}" has shape ${fmt(a.shape)} in the model, not ${fmt(d.shape)}`);
  }
  if (kind === 'input') {
    const named = new Set(declared.map((d) => d.name));
    for (const a of actual) if (!named.has(a.name)) problems.push(`the manifest does not describe model input "${a.name}"`);
  }
  return problems;
}

/**
 * What a classify model must look like: one float32 image input of rank 4 whose fixed sizes agree with
 * preprocess (3 channels, H, W in the manifest's layout), and a scores output that fits the labels.
 */
export function classifyMismatches(m: ModelManifest, labelCount: number): string[] {
  const problems: string[] = [];
  const pp = m.preprocess;
  if (!pp) return ['a classify model needs preprocess.size'];
  if (m.inputs.length !== 1) {
    return [`a classify model takes one image input; this one has ${m.inputs.length} (import it as task "raw" and use /infer)`];
  }
  const input = m.inputs[0];
  if (input.dtype !== 'float32') problems.push(`the image input "${input.name}" must be float32, not ${input.dtype}`);
  if (input.shape.length && input.shape.length !== 4) {
    problems.push(`the image input "${input.name}" must have 4 dimensions (${pp.layout}), it has ${fmt(input.shape)}`);
  } else if (input.shape.length === 4) {
    const [h, w] = pp.size;
    const want = pp.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3];
    const names = pp.layout === 'NCHW' ? ['batch', 'channels', 'height', 'width'] : ['batch', 'height', 'width', 'channels'];
    input.shape.forEach((d, i) => {
      if (typeof d === 'number' && d >= 0 && d !== want[i]) {
        problems.push(`the model's ${names[i]} is ${d} but preprocessing (${pp.layout}, size ${h},${w}) gives ${want[i]}`);
      }
    });
  }
  if (labelCount < 1) problems.push('the labels file holds no labels (one per line)');
  const scores = m.outputs.find((o) => o.name === (m.scoresOutput ?? m.outputs[0].name));
  const classes = scores?.shape.at(-1);
  if (scores && typeof classes === 'number' && classes > 0 && labelCount > 0 && classes !== labelCount) {
    problems.push(`output "${scores.name}" scores ${classes} classes but the labels file has ${labelCount} labels`);
  }
  return problems;
}
