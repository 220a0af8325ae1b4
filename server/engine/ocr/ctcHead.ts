// The recogniser ends in a softmax over every class (6,625 for PP-OCRv4) at each time step; CTC decoding reads
// from it the best few classes per step with their probabilities (the best for the reading, the runners-up as
// the evidence look-alike corrections choose from) and the space class's probability. Computing those in the
// graph spares copying the whole [lines, steps, classes] tensor out of ONNX Runtime (1.6 MB for a 480-px line)
// and scanning it in JavaScript. TopK puts the lower class first among equals, as a scan would.
import { FLOAT, INT64, makeNode, type OnnxGraph, type OnnxNode } from '../onnx/graph';

/**
 * Version of the head addCtcHead appends. Rewritten graphs are cached on disk under it (onnx/modelCache.ts):
 * change it with any change to the head, so caches made with the old one are not used.
 */
export const CTC_HEAD_VERSION = 2;

/** Classes kept per time step, best first. */
export const CTC_TOP_K = 3;

/** Output names of the rewritten recogniser: classes and probs are [lines, steps, CTC_TOP_K], space [lines, steps]. */
export const CTC_OUTPUTS = { classes: 'hearth_ctc_classes', probs: 'hearth_ctc_probs', space: 'hearth_ctc_space' } as const;

/** Gives the recogniser the per-step top classes, their probabilities and the space probability as outputs. */
export function addCtcHead(g: OnnxGraph, classes: number): void {
  const [probs] = g.outputNames;
  if (g.outputNames.length !== 1 || probs === undefined) throw new Error('the recognition model should have one output');
  const spaceIndex = 'hearth_ctc_space_index';
  g.addInitializer(spaceIndex, { dims: [], data: BigInt64Array.of(BigInt(classes - 1)) });
  // TopK takes k as an attribute before opset 10 (the PP-OCR exports) and as an input from then on; it gives the
  // largest first, sorted, in every version (opset 11's largest and sorted attributes default to that).
  let topK: OnnxNode;
  if (g.opset < 10) {
    topK = makeNode('TopK', [probs], [CTC_OUTPUTS.probs, CTC_OUTPUTS.classes], { axis: 2, k: CTC_TOP_K });
  } else {
    const k = 'hearth_ctc_k';
    g.addInitializer(k, { dims: [1], data: BigInt64Array.of(BigInt(CTC_TOP_K)) });
    topK = makeNode('TopK', [probs, k], [CTC_OUTPUTS.probs, CTC_OUTPUTS.classes], { axis: 2 });
  }
  g.append([topK, makeNode('Gather', [probs, spaceIndex], [CTC_OUTPUTS.space], { axis: 2 })]);
  g.setOutputs([
    { name: CTC_OUTPUTS.classes, elemType: INT64 },
    { name: CTC_OUTPUTS.probs, elemType: FLOAT },
    { name: CTC_OUTPUTS.space, elemType: FLOAT },
  ]);
}
