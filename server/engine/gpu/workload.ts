// The fixed OCR workload providers are measured on: the three OCR graphs run on inputs of one small page's
// shapes (a detection pass, direction and recognition of four lines), filled with a fixed pattern so every
// run and every machine does the same work. Decoding and pre/post-processing are left out: they run on the
// CPU whichever provider runs the graphs.
import type { OcrModelName, WireTensor } from './protocol';

export const WORKLOAD_SHAPES: Readonly<Record<OcrModelName, readonly number[]>> = Object.freeze({
  det: [1, 3, 160, 320],
  cls: [4, 3, 48, 192],
  rec: [4, 3, 48, 320],
});

/** Timed rounds after one warm-up round (which pays for shader compilation and first allocations). */
export const WORKLOAD_ROUNDS = 3;

export function workloadInput(model: OcrModelName): WireTensor {
  const dims = [...WORKLOAD_SHAPES[model]];
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = (((i * 2654435761) >>> 0) % 1000) / 1000 - 0.5;
  return { type: 'float32', dims, data };
}
