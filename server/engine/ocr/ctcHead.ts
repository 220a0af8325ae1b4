// The recogniser ends in a softmax over every class (6,625 for PP-OCRv4) at each time step, and CTC decoding
// reads three numbers per step from it: the best class, its probability, and the space class's probability.
// Computing those in the graph spares copying the whole [lines, steps, classes] tensor out of ONNX Runtime
// (1.6 MB for a 480-px line) and scanning it in JavaScript. Ties go to the lower class, as a scan would.
import { encodeAttribute, FLOAT, INT64, type AttributeValue, type OnnxGraph, type OnnxNode } from '../onnx/graph';

/** Output names of the rewritten recogniser: [lines, steps] each. */
export const CTC_OUTPUTS = { best: 'hearth_ctc_best', prob: 'hearth_ctc_prob', space: 'hearth_ctc_space' } as const;

function node(op: string, inputs: string[], output: string, attributes: Record<string, AttributeValue>): OnnxNode {
  const encoded = Object.entries(attributes).map(([name, value]) => [name, encodeAttribute(name, value)] as const);
  return { op, domain: '', name: output, inputs, outputs: [output], attributes: new Map(encoded) };
}

/**
 * Version of the head addCtcHead appends. Rewritten graphs are cached on disk under it (onnx/modelCache.ts):
 * change it with any change to the head, so caches made with the old one are not used.
 */
export const CTC_HEAD_VERSION = 1;

/** Gives the recogniser the three per-step outputs in place of its [lines, steps, classes] probabilities. */
export function addCtcHead(g: OnnxGraph, classes: number): void {
  const [probs] = g.outputNames;
  if (g.outputNames.length !== 1 || probs === undefined) throw new Error('the recognition model should have one output');
  const spaceIndex = 'hearth_ctc_space_index';
  g.addInitializer(spaceIndex, { dims: [], data: BigInt64Array.of(BigInt(classes - 1)) });
  g.append([
    node('ArgMax', [probs], CTC_OUTPUTS.best, { axis: 2, keepdims: 0 }),
    node('ReduceMax', [probs], CTC_OUTPUTS.prob, { axes: [2], keepdims: 0 }),
    node('Gather', [probs, spaceIndex], CTC_OUTPUTS.space, { axis: 2 }),
  ]);
  g.setOutputs([
    { name: CTC_OUTPUTS.best, elemType: INT64 },
    { name: CTC_OUTPUTS.prob, elemType: FLOAT },
    { name: CTC_OUTPUTS.space, elemType: FLOAT },
  ]);
}
