// The `barcodes` task: one image's bytes in, the QR codes and barcodes found in it out (in a worker, so a large
// image never holds up the node's event loop).
import type { BarcodesResponse } from '../../contract/barcodes';
import { readBarcodes } from '../codes/barcodes';
import type { TaskHandler } from './types';

export interface BarcodesPayload {
  image: Uint8Array;
}

export const barcodesTask: TaskHandler<BarcodesPayload, BarcodesResponse> = async (payload) => {
  const started = performance.now();
  const found = await readBarcodes(payload.image);
  return { ...found, ms: Math.round(performance.now() - started) };
};
