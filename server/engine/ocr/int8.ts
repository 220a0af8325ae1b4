// The OCR models on the CPU in 8 bits where it pays, as integer QLinearConv (onnx/quantize.ts):
//   - the recogniser's wide pointwise (1×1) convolutions, two thirds of its time in float. Depthwise, stem, neck
//     and squeeze-excite convolutions stay float: quantizing them too cost accuracy (CER 0.09 % → 0.22 % on the
//     bench's line set with depthwise, 1.14 % with all) for little more speed;
//   - the detector's dense 3×3 convolutions of the neck and head (96 channels in, 24 out, at a quarter of the
//     input's size), which took a third of its time in float: a third less detection time, CER unchanged. Its
//     pointwise convolutions gained nothing more.
// The activation ranges are measured once over rendered pages and lines by `npm run calibrate` and kept in
// models/, tied to the model file's SHA-256; a different file runs in float.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import detCalibration from '../../../models/pp-ocrv4.det-ranges.json' with { type: 'json' };
import recCalibration from '../../../models/pp-ocrv4.rec-ranges.json' with { type: 'json' };
import type { OnnxGraph } from '../onnx/graph';
import { quantizeConvs, type ConvFilter, type TensorRange } from '../onnx/quantize';
import { createLogger } from '../../logger';

const log = createLogger('engine:int8');

/** Version of the 8-bit rewrite: rewritten graphs are cached under it (onnx/modelCache.ts). */
export const INT8_VERSION = 1;

/** A stored calibration: the model file it was measured on, how many runs, and each activation's [min, max]. */
export interface ModelRanges {
  model: string;
  samples: number;
  tensors: Record<string, number[]>;
}

export type QuantizedModel = 'det' | 'rec';

/** Which convolutions of each model run in 8 bits, and the ranges measured for them. */
export const INT8_MODELS: Record<QuantizedModel, { select: ConvFilter; ranges: ModelRanges }> = {
  // Pointwise, 64 or more input channels, not inside a squeeze-excite gate.
  rec: {
    select: ({ weightDims: [, inputs, kh, kw], group, inputFrom }) =>
      group === 1 && kh === 1 && kw === 1 && inputs >= 64 && inputFrom !== 'GlobalAveragePool' && inputFrom !== 'Relu',
    ranges: recCalibration,
  },
  // Dense (not depthwise) 3×3 with 32 or more input channels: the neck's and head's, not the stem.
  det: {
    select: ({ weightDims: [, inputs, kh, kw], group }) => group === 1 && kh === 3 && kw === 3 && inputs >= 32,
    ranges: detCalibration,
  },
};

let vnni: boolean | undefined;

/**
 * 8-bit weights where the CPU multiplies bytes without saturating (VNNI, or not x86), else 7: x86's older
 * integer path adds two 8-bit products in 16 bits, which 255 × 127 × 2 overflows.
 */
export function weightBits(): 7 | 8 {
  if (process.arch !== 'x64' && process.arch !== 'ia32') return 8;
  if (vnni === undefined) {
    let flags = '';
    try {
      flags = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    } catch {
      // Not Linux: the flags are not at hand, and 7 bits are safe on every x86 CPU.
    }
    vnni = /\b(avx512_vnni|avx_vnni|amx_int8)\b/.test(flags);
  }
  return vnni ? 8 : 7;
}

/** Names a model's 8-bit rewrite in a cache recipe: version, weight width and the ranges it uses. */
export function int8Recipe(model: QuantizedModel): string {
  const ranges = createHash('sha256').update(JSON.stringify(INT8_MODELS[model].ranges)).digest('hex').slice(0, 12);
  return `int8@${INT8_VERSION}/w${weightBits()}/${ranges}`;
}

/** Rewrites a model's chosen convolutions to 8 bits when the stored ranges are for this file; false = left float. */
export function quantizeModel(model: QuantizedModel, g: OnnxGraph, source: Uint8Array, stored = INT8_MODELS[model].ranges): boolean {
  const hash = createHash('sha256').update(source).digest('hex');
  if (hash !== stored.model) {
    log.warn('the model is not the one its 8-bit ranges were measured on; it runs in float', { model, file: hash.slice(0, 12) });
    return false;
  }
  const ranges = new Map<string, TensorRange>(Object.entries(stored.tensors).map(([t, [min, max]]) => [t, { min, max }]));
  return quantizeConvs(g, ranges, { select: INT8_MODELS[model].select, weightBits: weightBits() }) > 0;
}
