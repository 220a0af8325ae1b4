// Named tensors between JSON (the /infer API), typed arrays (what crosses into engine workers) and the
// model's declared inputs: validated on the way in so a bad request is a 400 before it takes a worker.
import { AppError } from '../../appError';
import type { TensorDtype, TensorJson, TensorSpec } from '../../contract/models';

export type TensorArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** A tensor as it crosses the worker boundary (structured clone keeps typed arrays). */
export interface TensorData {
  dtype: TensorDtype;
  dims: number[];
  data: TensorArray;
}

/** The most elements one request may send in all its tensors together. */
export const MAX_INPUT_ELEMENTS = 16 * 1024 * 1024;

const INT_RANGE: Partial<Record<TensorDtype, [number, number]>> = {
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  int8: [-128, 127],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function bad(message: string): AppError {
  return new AppError('bad_request', 400, message);
}

function numbers(name: string, t: TensorJson): number[] {
  const range = INT_RANGE[t.dtype];
  return t.data.map((v, i) => {
    const n = typeof v === 'boolean' ? Number(v) : v;
    if (!Number.isFinite(n) && !(t.dtype === 'float32' || t.dtype === 'float64')) {
      throw bad(`input "${name}": element ${i} is not a finite number`);
    }
    if (range && (!Number.isInteger(n) || n < range[0] || n > range[1])) {
      throw bad(`input "${name}": element ${i} (${n}) is not a valid ${t.dtype}`);
    }
    if (t.dtype === 'bool' && n !== 0 && n !== 1) throw bad(`input "${name}": element ${i} is not a boolean (0/1 or true/false)`);
    return n;
  });
}

/** JSON tensor → typed array tensor; throws 400 when shape and data disagree or values do not fit the dtype. */
export function tensorFromJson(name: string, t: TensorJson): TensorData {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) {
    throw bad(`input "${name}": shape [${t.shape.join(',')}] holds ${count} elements but data has ${t.data.length}`);
  }
  const values = numbers(name, t);
  const dims = [...t.shape];
  switch (t.dtype) {
    case 'float32':
      return { dtype: t.dtype, dims, data: Float32Array.from(values) };
    case 'float64':
      return { dtype: t.dtype, dims, data: Float64Array.from(values) };
    case 'int32':
      return { dtype: t.dtype, dims, data: Int32Array.from(values) };
    case 'int64':
      return { dtype: t.dtype, dims, data: BigInt64Array.from(values, (v) => BigInt(v)) };
    case 'uint8':
    case 'bool':
      return { dtype: t.dtype, dims, data: Uint8Array.from(values) };
    case 'int8':
      return { dtype: t.dtype, dims, data: Int8Array.from(values) };
  }
}

/** Checks request inputs against the model's declared inputs (names, dtypes, fixed sizes); 400 on mismatch. */
export function checkInputs(inputs: Record<string, TensorData>, specs: readonly TensorSpec[]): void {
  const names = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(inputs)) {
    if (!names.has(name)) throw bad(`the model has no input "${name}"; its inputs are ${specs.map((s) => `"${s.name}"`).join(', ')}`);
  }
  let total = 0;
  for (const spec of specs) {
    const t = inputs[spec.name];
    if (!t) throw bad(`input "${spec.name}" is missing (${spec.dtype} [${spec.shape.join(',')}])`);
    if (t.dtype !== spec.dtype) throw bad(`input "${spec.name}" must be ${spec.dtype}, not ${t.dtype}`);
    if (spec.shape.length) {
      const fits = t.dims.length === spec.shape.length && spec.shape.every((d, i) => typeof d !== 'number' || d < 0 || d === t.dims[i]);
      if (!fits) throw bad(`input "${spec.name}" must have shape [${spec.shape.join(',')}], not [${t.dims.join(',')}]`);
    }
    total += t.data.length;
  }
  if (total > MAX_INPUT_ELEMENTS) throw bad(`the inputs hold ${total} elements; this node takes at most ${MAX_INPUT_ELEMENTS} per request`);
}

/** Typed array tensor → JSON (int64 as numbers, bool as true/false). */
export function tensorToJson(t: { dtype: string; dims: readonly number[]; data: unknown }): {
  dtype: string;
  shape: number[];
  data: (number | boolean)[];
} {
  const src = t.data as ArrayLike<number | bigint | boolean | string>;
  const data = Array.from(src, (v) => (t.dtype === 'bool' ? Boolean(v) : Number(v)));
  return { dtype: t.dtype, shape: [...t.dims], data };
}
