// Text direction: the mobile classifier says whether each crop reads upright (0°) or upside down (180°);
// crops it is sure about (> threshold) are turned. Input 3×48×192, width by aspect, right-padded with 0.
import * as ort from 'onnxruntime-node';
import type { OcrSession } from './pipeline';
import type { RgbImage } from '../image';
import { writeNormalisedCrop } from './crop';
import { ScratchBuffer } from './scratch';

const HEIGHT = 48;
const WIDTH = 192;
const scratch = new ScratchBuffer();

export interface Direction {
  upsideDown: boolean;
  /** Probability of the winning direction. */
  score: number;
}

export async function classifyDirections(session: OcrSession, crops: readonly RgbImage[], batch = 8): Promise<Direction[]> {
  const result: Direction[] = [];
  for (let start = 0; start < crops.length; start += batch) {
    const group = crops.slice(start, start + batch);
    const input = scratch.take(group.length * 3 * HEIGHT * WIDTH, true);
    group.forEach((crop, i) => {
      const w = Math.min(WIDTH, Math.ceil((HEIGHT * crop.width) / crop.height));
      writeNormalisedCrop(crop, w, HEIGHT, input, i * 3 * HEIGHT * WIDTH, WIDTH);
    });
    const tensor = new ort.Tensor('float32', input, [group.length, 3, HEIGHT, WIDTH]);
    const outputs = await session.run({ [session.inputNames[0]]: tensor });
    tensor.dispose();
    const out = outputs[session.outputNames[0]];
    const probs = out.data as Float32Array;
    for (let i = 0; i < group.length; i++) {
      const up = probs[i * 2];
      const down = probs[i * 2 + 1];
      result.push({ upsideDown: down > up, score: Math.max(up, down) });
    }
    out.dispose();
  }
  return result;
}
