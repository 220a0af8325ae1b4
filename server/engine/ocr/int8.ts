// The recogniser on the CPU in 8 bits where it pays: its wide pointwise (1×1) convolutions, two thirds of the
// whole engine's time in float, run as integer QLinearConv (onnx/quantize.ts). Depthwise, stem, neck and
// squeeze-excite convolutions stay float: quantizing them too cost accuracy (CER 0.09 % → 0.22 % on the bench's
// line set with depthwise, 1.14 % with all) for little more speed. The activation ranges are measured once over
// rendered pages and lines by `npm run calibrate` and kept in models/, tied to the recogniser file's SHA-256;
// a different file runs in float.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import calibration from '../../../models/pp-ocrv4.rec-ranges.json' with { type: 'json' };
import type { OnnxGraph } from '../onnx/graph';
import { quantizeConvs, type ConvFilter, type TensorRange } from '../onnx/quantize';
import { createLogger } from '../../logger';

const log = createLogger('engine:int8');

/** Version of the 8-bit recipe: rewritten graphs are cached under it (onnx/modelCache.ts). */
export const INT8_VERSION = 1;

/** The convolutions quantized: pointwise, 64 or more input channels, not inside a squeeze-excite gate. */
export const INT8_CONVS: ConvFilter = ({ weightDims: [, inputs, kh, kw], group, inputFrom }) =>
  group === 1 && kh === 1 && kw === 1 && inputs >= 64 && inputFrom !== 'GlobalAveragePool' && inputFrom !== 'Relu';

/** The stored calibration: the recogniser it was measured on and each activation's [min, max]. */
export interface RecogniserRanges {
  model: string;
  lines: number;
  /** [min, max] per activation. */
  tensors: Record<string, number[]>;
}

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

/** Names the 8-bit rewrite in a cache recipe (version and weight width). */
export function int8Recipe(): string {
  return `int8@${INT8_VERSION}/w${weightBits()}`;
}

/** Rewrites the recogniser's pointwise convolutions to 8 bits when the stored ranges are for this file; false = left float. */
export function quantizeRecogniser(g: OnnxGraph, source: Uint8Array, stored: RecogniserRanges = calibration): boolean {
  const hash = createHash('sha256').update(source).digest('hex');
  if (hash !== stored.model) {
    log.warn('the recognition model is not the one the 8-bit ranges were measured on; it runs in float', { model: hash.slice(0, 12) });
    return false;
  }
  const ranges = new Map<string, TensorRange>(Object.entries(stored.tensors).map(([t, [min, max]]) => [t, { min, max }]));
  return quantizeConvs(g, ranges, { select: INT8_CONVS, weightBits: weightBits() }) > 0;
}
