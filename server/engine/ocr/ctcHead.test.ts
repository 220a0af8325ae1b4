// The CTC head computed in the graph reads the same top classes and space probability per step as a scan of the full softmax.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { renderText } from '../../testkit/renderText';
import { decodeImage } from '../image';
import { writeNormalisedCrop } from './crop';
import { OnnxGraph } from '../onnx/graph';
import { addCtcHead, CTC_OUTPUTS, CTC_TOP_K } from './ctcHead';
import { loadDictionary } from './ctcDecode';
import { ocrModelFiles } from './modelFiles';

describe('CTC head', () => {
  it('gives each step the best classes, their probabilities and the space probability of the full softmax', async () => {
    const files = ocrModelFiles();
    const original = new Uint8Array(readFileSync(files.rec));
    const classes = loadDictionary(files.dict).length;
    const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, logSeverityLevel: 3 };
    const full = await ort.InferenceSession.create(original, opts);
    const g = new OnnxGraph(original);
    addCtcHead(g, classes);
    const head = await ort.InferenceSession.create(g.serialize(), opts);
    expect(head.outputNames).toEqual([CTC_OUTPUTS.classes, CTC_OUTPUTS.probs, CTC_OUTPUTS.space]);

    // A real line of text, so the steps disagree on their best class.
    const line = await decodeImage(await renderText({ lines: ['Total 1234 合计'], fontSize: 32, padding: 4 }));
    const width = Math.ceil((48 * line.width) / line.height);
    const dims = [1, 3, 48, width];
    const data = new Float32Array(3 * 48 * width);
    writeNormalisedCrop(line, width, 48, data, 0, width);
    const input = (s: ort.InferenceSession) => ({ [s.inputNames[0]]: new ort.Tensor('float32', data, dims) });
    const probsOut = (await full.run(input(full)))[full.outputNames[0]];
    const [lines, steps, outClasses] = probsOut.dims as number[];
    expect(outClasses).toBe(classes);
    const probs = probsOut.data as Float32Array;
    const out = await head.run(input(head));
    const top = out[CTC_OUTPUTS.classes].data as BigInt64Array;
    const topProbs = out[CTC_OUTPUTS.probs].data as Float32Array;
    const space = out[CTC_OUTPUTS.space].data as Float32Array;
    expect(top.length).toBe(lines * steps * CTC_TOP_K);
    const distinct = new Set<number>();
    for (let t = 0; t < lines * steps; t++) {
      const row = probs.subarray(t * classes, (t + 1) * classes);
      // Classes by probability, the lower class first among equals.
      const order = Array.from(row.keys())
        .sort((a, b) => row[b] - row[a] || a - b)
        .slice(0, CTC_TOP_K);
      distinct.add(order[0]);
      for (let j = 0; j < CTC_TOP_K; j++) {
        expect(Number(top[t * CTC_TOP_K + j])).toBe(order[j]);
        expect(topProbs[t * CTC_TOP_K + j]).toBe(row[order[j]]);
      }
      expect(space[t]).toBe(row[classes - 1]);
    }
    expect(distinct.size).toBeGreaterThan(5);
    await Promise.all([full.release(), head.release()]);
  });
});
