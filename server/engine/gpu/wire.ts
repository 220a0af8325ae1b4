// One model run with its input and outputs as plain typed arrays (what crosses between threads).
import * as ort from 'onnxruntime-node';
import type { OcrSession } from '../ocr/pipeline';
import type { WireTensor } from './protocol';

/** Runs the session's first input; every output comes back, the tensors released. */
export async function runOn(session: OcrSession, input: WireTensor): Promise<Record<string, WireTensor>> {
  const tensor = new ort.Tensor(input.type, input.data, input.dims);
  const outputs = await session.run({ [session.inputNames[0]]: tensor });
  tensor.dispose();
  const wire: Record<string, WireTensor> = {};
  for (const [name, t] of Object.entries(outputs)) {
    wire[name] = { type: t.type as WireTensor['type'], dims: [...t.dims], data: t.data as WireTensor['data'] };
    t.dispose();
  }
  return wire;
}
