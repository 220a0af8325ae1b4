// Loads a model file once with ONNX Runtime (CPU) to prove it loads and to read its inputs and outputs.
import { AppError } from '../../appError';
import { TENSOR_DTYPES, type TensorDtype, type TensorSpec } from '../../contract/models';
import { usesExternalData } from '../onnx/externalData';
import { createSession } from '../session';

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

interface Metadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

function toSpec(m: Metadata, kind: string): TensorSpec {
  if (!m.isTensor)
    throw new AppError('invalid_model', 422, `${kind} "${m.name}" is not a tensor; only tensor inputs and outputs are served`);
  const dtype = m.type as TensorDtype;
  if (!TENSOR_DTYPES.includes(dtype)) {
    throw new AppError(
      'invalid_model',
      422,
      `${kind} "${m.name}" has element type ${String(m.type)}; served types are ${TENSOR_DTYPES.join(', ')}`,
    );
  }
  return { name: m.name, dtype, shape: [...(m.shape ?? [])] };
}

/** Throws AppError invalid_model (422) with ONNX Runtime's reason when the bytes are not a loadable model. */
export async function inspectModel(bytes: Uint8Array): Promise<ModelSignature> {
  if (bytes.length === 0) throw new AppError('invalid_model', 422, 'the model file is empty');
  let external = false;
  try {
    external = usesExternalData(bytes);
  } catch {
    // Not protobuf at all: ONNX Runtime's own message below says so better.
  }
  if (external) {
    throw new AppError(
      'invalid_model',
      422,
      'the model keeps weights in external data files; save it with every tensor inside the .onnx file (onnx.save(model, path, save_as_external_data=False))',
    );
  }
  let loaded;
  try {
    loaded = await createSession(bytes, { providers: ['cpu'], threads: 1 });
  } catch (err) {
    const reason = String((err as Error).message ?? err)
      .split('\n')[0]
      .slice(0, 300);
    throw new AppError('invalid_model', 422, `ONNX Runtime cannot load this model: ${reason}`);
  }
  try {
    const s = loaded.session;
    return {
      inputs: (s.inputMetadata as readonly Metadata[]).map((m) => toSpec(m, 'input')),
      outputs: (s.outputMetadata as readonly Metadata[]).map((m) => toSpec(m, 'output')),
    };
  } finally {
    await loaded.session.release();
  }
}
