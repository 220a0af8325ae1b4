// Messages of the session thread (sessionThread.ts): the main thread starts it, engine workers send it
// model inputs over their own MessagePort and get the outputs back. Tensors travel as plain typed arrays.
import type { MessagePort } from 'node:worker_threads';

export const OCR_MODEL_NAMES = ['det', 'cls', 'rec'] as const;
export type OcrModelName = (typeof OCR_MODEL_NAMES)[number];

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

export interface WireTensor {
  type: 'float32' | 'int64' | 'int32' | 'uint8';
  dims: number[];
  data: TensorData;
}

export interface ModelNames {
  inputNames: string[];
  outputNames: string[];
}

/** What the main thread gives the session thread. */
export interface SessionThreadData {
  provider: string;
  /** ONNX Runtime intra-op threads (the CPU's; a GPU provider uses few). */
  threads: number;
  batch: BatchLimits;
}

/** Dynamic batching across requests, as Triton does it: a batch goes when it is full or its oldest input waited long enough. */
export interface BatchLimits {
  /** Most rows (images for detection, text lines for direction and recognition) in one run. */
  maxRows: number;
  /** Longest an input waits for others to join it while the model is idle. */
  maxDelayMs: number;
}

export type ToSessionThread = { connect: MessagePort } | { close: true };

export type FromSessionThread =
  { ready: true; names: Record<OcrModelName, ModelNames> } | { ready: false; reason: string } | { closed: true };

/** Engine worker → session thread, on the worker's port. */
export interface RunRequest {
  id: number;
  model: OcrModelName;
  input: WireTensor;
}

export type RunReply = { id: number; ok: true; outputs: Record<string, WireTensor> } | { id: number; ok: false; message: string };
