// Protobuf wire format, as much as ONNX files need: a reader that walks the fields of a message without
// decoding what it does not look at (weights stay slices of the file), and a writer for new messages.
// Only varint (0), 64-bit (1), length-delimited (2) and 32-bit (5) wire types occur in ONNX.

export interface ProtoField {
  field: number;
  wire: number;
  /** Where the field starts, key included: `bytes.subarray(from, end)` re-emits it unchanged. */
  from: number;
  /** Payload bounds (wire types 1, 2 and 5). */
  start: number;
  end: number;
  /** The value of a varint field, as a signed int64 (exact up to 2^53). */
  varint: number;
}

/** Reads the varint at bytes[at]; returns its value and where the next byte is. */
function readVarint(bytes: Uint8Array, at: number, end: number): [number, number] {
  let p = at;
  let value = 0;
  let scale = 1;
  for (;;) {
    if (p >= end) throw new Error('truncated protobuf varint');
    const b = bytes[p++];
    value += (b & 0x7f) * scale;
    if (!(b & 0x80)) break;
    scale *= 128;
  }
  if (p - at < 10) return [value, p];
  // Ten bytes: a negative int64 in two's complement, which floating point cannot hold; decode it exactly.
  let big = 0n;
  for (let q = at, shift = 0n; q < p; q++, shift += 7n) big |= BigInt(bytes[q] & 0x7f) << shift;
  return [Number(BigInt.asIntN(64, big)), p];
}

/** The fields of the message in bytes[start, end), in order. */
export function* readFields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<ProtoField> {
  let p = start;
  while (p < end) {
    const from = p;
    const [key, afterKey] = readVarint(bytes, p, end);
    p = afterKey;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const [value, next] = readVarint(bytes, p, end);
      p = next;
      yield { field, wire, from, start: p, end: p, varint: value };
      continue;
    }
    let size = wire === 1 ? 8 : wire === 5 ? 4 : -1;
    if (wire === 2) [size, p] = readVarint(bytes, p, end);
    if (size < 0) throw new Error(`unsupported protobuf wire type ${wire}`);
    if (p + size > end) throw new Error('truncated protobuf field');
    yield { field, wire, from, start: p, end: p + size, varint: 0 };
    p += size;
  }
}

const decoder = new TextDecoder();

export function fieldString(bytes: Uint8Array, f: ProtoField): string {
  return decoder.decode(bytes.subarray(f.start, f.end));
}

/** Packed (wire 2) or single (wire 0) int64 values of a repeated field. */
export function fieldInts(bytes: Uint8Array, f: ProtoField): number[] {
  if (f.wire === 0) return [f.varint];
  const out: number[] = [];
  for (let p = f.start; p < f.end;) {
    const [value, next] = readVarint(bytes, p, f.end);
    out.push(value);
    p = next;
  }
  return out;
}

const encoder = new TextEncoder();

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes written so far. */
  length = 0;

  varint(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.rawVarint(BigInt(value));
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.rawVarint(BigInt(data.length));
    this.push(data);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** A nested message; its chunks are taken over, not copied. */
  message(field: number, inner: ProtoWriter): this {
    this.key(field, 2);
    this.rawVarint(BigInt(inner.length));
    for (const c of inner.chunks) this.push(c);
    return this;
  }

  /** fixed32 float (wire type 5), used by AttributeProto.f. */
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** Bytes that are already encoded fields (copied from another message). */
  raw(encoded: Uint8Array): this {
    this.push(encoded);
    return this;
  }

  concat(parts: Uint8Array[]): Uint8Array {
    for (const p of parts) this.push(p);
    return this.finish();
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  private key(field: number, wire: number): void {
    this.rawVarint(BigInt((field << 3) | wire));
  }

  private rawVarint(v: bigint): void {
    // Negative int64 values are encoded as their 64-bit two's complement (10 bytes), as protobuf does.
    let n = v < 0n ? v + (1n << 64n) : v;
    const bytes: number[] = [];
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) b |= 0x80;
      bytes.push(b);
    } while (n > 0n);
    this.push(Uint8Array.from(bytes));
  }
}
