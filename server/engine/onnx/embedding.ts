// Graph surgery for training on an imported image model: find its embedding (the input of the final
// classification layer, or a tensor the user names), cut the graph there (pooling a feature map to a vector),
// and append a new Gemm + Softmax head. Works on the ONNX bytes with OnnxGraph; weights pass through untouched.
import { AppError } from '../../appError';
import { FLOAT, makeNode, OnnxGraph, type OnnxNode } from './graph';

/** Ops between a classifier's Gemm/MatMul and the graph output that do not change which tensor is the embedding. */
const HEAD_OPS = new Set(['Softmax', 'LogSoftmax', 'Identity', 'Reshape', 'Flatten', 'Squeeze', 'Add', 'Sigmoid', 'Dropout']);

/** Names of the tensors this file adds, so they never clash with the backbone's. */
export const TRAINED = {
  pooled: 'hearth_embedding',
  weight: 'hearth_head_weight',
  bias: 'hearth_head_bias',
  logits: 'hearth_logits',
  probs: 'hearth_probabilities',
} as const;

function producers(g: OnnxGraph): Map<string, OnnxNode> {
  const by = new Map<string, OnnxNode>();
  for (const n of g.nodes) for (const o of n.outputs) by.set(o, n);
  return by;
}

/** The tensor a backbone's classifier reads: the data input of the last Gemm/MatMul before the output. */
export function findEmbedding(bytes: Uint8Array, named?: string): string {
  let g: OnnxGraph;
  try {
    g = new OnnxGraph(bytes);
  } catch (err) {
    throw new AppError('invalid_model', 422, `the backbone is not an ONNX model: ${(err as Error).message}`);
  }
  const made = producers(g);
  if (named) {
    if (!made.has(named)) throw new AppError('invalid_body', 400, `the backbone has no tensor "${named}" made by one of its nodes`);
    return named;
  }
  for (const output of g.outputNames) {
    let current = made.get(output);
    for (let steps = 0; current && steps < 8; steps++) {
      if (current.op === 'Gemm' || current.op === 'MatMul') {
        const data = current.inputs.find((i) => made.has(i) || !g.constant(i));
        if (data) return data;
      }
      if (!HEAD_OPS.has(current.op)) break;
      current = current.inputs.map((i) => made.get(i)).find((n) => n !== undefined);
    }
  }
  throw new AppError(
    'invalid_model',
    422,
    'cannot tell where this model’s embedding is: its outputs do not end in a Gemm or MatMul classifier. Name the tensor to train on (embedding: "<tensor name>")',
  );
}

/** Keeps only the nodes the tensor `keep` depends on. */
function cutAt(g: OnnxGraph, keep: string): void {
  const made = producers(g);
  const needed = new Set<OnnxNode>();
  const stack = [keep];
  while (stack.length) {
    const n = made.get(stack.pop() ?? '');
    if (!n || needed.has(n)) continue;
    needed.add(n);
    stack.push(...n.inputs);
  }
  g.replace(
    g.nodes.filter((n) => !needed.has(n)),
    [],
  );
}

/** Rank-4 feature maps are averaged over space; vectors pass as they are. Appends nodes ending in TRAINED.pooled. */
function pool(g: OnnxGraph, tensor: string, rank: number): void {
  if (rank === 4) {
    g.append([
      makeNode('GlobalAveragePool', [tensor], [`${TRAINED.pooled}_map`]),
      makeNode('Flatten', [`${TRAINED.pooled}_map`], [TRAINED.pooled], { axis: 1 }),
    ]);
  } else {
    g.append([makeNode('Flatten', [tensor], [TRAINED.pooled], { axis: 1 })]);
  }
}

/** The backbone cut at its embedding, answering that tensor as it is (to learn its rank). */
export function probeModel(bytes: Uint8Array, tensor: string): Uint8Array {
  const g = new OnnxGraph(bytes);
  cutAt(g, tensor);
  g.setOutputs([{ name: tensor, elemType: FLOAT }]);
  return g.serialize();
}

/** The backbone cut at its embedding, answering [N, D] vectors as TRAINED.pooled. */
export function embeddingModel(bytes: Uint8Array, tensor: string, rank: number): Uint8Array {
  const g = new OnnxGraph(bytes);
  cutAt(g, tensor);
  pool(g, tensor, rank);
  g.setOutputs([{ name: TRAINED.pooled, elemType: FLOAT }]);
  return g.serialize();
}

/** The backbone cut at its embedding with a trained linear head: probabilities [N, classes] as TRAINED.probs. */
export function classifierModel(
  bytes: Uint8Array,
  tensor: string,
  rank: number,
  head: { weight: Float32Array; bias: Float32Array; classes: number; dims: number },
): Uint8Array {
  const g = new OnnxGraph(bytes);
  cutAt(g, tensor);
  pool(g, tensor, rank);
  g.addInitializer(TRAINED.weight, { dims: [head.classes, head.dims], data: head.weight });
  g.addInitializer(TRAINED.bias, { dims: [head.classes], data: head.bias });
  g.append([
    makeNode('Gemm', [TRAINED.pooled, TRAINED.weight, TRAINED.bias], [TRAINED.logits], { transB: 1 }),
    makeNode('Softmax', [TRAINED.logits], [TRAINED.probs], { axis: 1 }),
  ]);
  g.setOutputs([{ name: TRAINED.probs, elemType: FLOAT }]);
  return g.serialize();
}
