// Finds tensors whose bytes live in files beside the model (ONNX "external data"). A model is imported as one
// file, so such a reference can only point at something the node never received, or outside the model's folder
// (`../../…`): it is refused at import rather than failing every later run. Field numbers follow onnx/onnx.proto:
// ModelProto graph=7; GraphProto node=1, initializer=5, sparse_initializer=15; NodeProto attribute=5;
// AttributeProto t=5, g=6, tensors=10, graphs=11, sparse_tensor=22, sparse_tensors=23;
// SparseTensorProto values=1, indices=2; TensorProto external_data=13, data_location=14 (1 = EXTERNAL).
import { readFields } from './protobuf';

const MAX_DEPTH = 64;

function tensorIsExternal(bytes: Uint8Array, start: number, end: number): boolean {
  for (const f of readFields(bytes, start, end)) {
    if (f.field === 13 && f.wire === 2) return true;
    if (f.field === 14 && f.wire === 0 && f.varint === 1) return true;
  }
  return false;
}

function sparseIsExternal(bytes: Uint8Array, start: number, end: number): boolean {
  for (const f of readFields(bytes, start, end)) {
    if ((f.field === 1 || f.field === 2) && f.wire === 2 && tensorIsExternal(bytes, f.start, f.end)) return true;
  }
  return false;
}

function attributeIsExternal(bytes: Uint8Array, start: number, end: number, depth: number): boolean {
  for (const f of readFields(bytes, start, end)) {
    if (f.wire !== 2) continue;
    if ((f.field === 5 || f.field === 10) && tensorIsExternal(bytes, f.start, f.end)) return true;
    if ((f.field === 22 || f.field === 23) && sparseIsExternal(bytes, f.start, f.end)) return true;
    if ((f.field === 6 || f.field === 11) && graphIsExternal(bytes, f.start, f.end, depth + 1)) return true;
  }
  return false;
}

function graphIsExternal(bytes: Uint8Array, start: number, end: number, depth: number): boolean {
  // Subgraphs nest (If, Loop, Scan); a crafted file nesting without end is itself not a model worth loading.
  if (depth > MAX_DEPTH) return true;
  for (const f of readFields(bytes, start, end)) {
    if (f.wire !== 2) continue;
    if (f.field === 5 && tensorIsExternal(bytes, f.start, f.end)) return true;
    if (f.field === 15 && sparseIsExternal(bytes, f.start, f.end)) return true;
    if (f.field === 1) {
      for (const a of readFields(bytes, f.start, f.end)) {
        if (a.field === 5 && a.wire === 2 && attributeIsExternal(bytes, a.start, a.end, depth)) return true;
      }
    }
  }
  return false;
}

/** True when any tensor of the model (subgraphs included) refers to external data. Throws on malformed bytes. */
export function usesExternalData(model: Uint8Array): boolean {
  for (const f of readFields(model)) {
    if (f.field === 7 && f.wire === 2 && graphIsExternal(model, f.start, f.end, 0)) return true;
  }
  return false;
}
