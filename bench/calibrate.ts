// `npm run calibrate`: measures the activation ranges of the recogniser's 8-bit convolutions (server/engine/ocr/
// int8.ts) and writes them to models/pp-ocrv4.rec-ranges.json. The lines are the ones the float engine reads
// off the bench's page set and its real-text set (Chromium screenshots in several fonts, sizes and light and
// dark themes), none of them in the line sets the bench scores; each line's input is run through the float
// recogniser with every quantized convolution's input and output exposed. Run it again when the recogniser
// file, the convolutions chosen or the crop geometry change, then check the CER with `npm run bench`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fuseForInference } from '../server/engine/onnx/fuse';
import { FLOAT, OnnxGraph } from '../server/engine/onnx/graph';
import { activationTensors, RangeMeter } from '../server/engine/onnx/quantize';
import { addCtcHead } from '../server/engine/ocr/ctcHead';
import { loadDictionary } from '../server/engine/ocr/ctcDecode';
import { INT8_CONVS, type RecogniserRanges } from '../server/engine/ocr/int8';
import { ocrModelFiles } from '../server/engine/ocr/modelFiles';
import { runOcr, type OcrModels, type OcrSession } from '../server/engine/ocr/pipeline';
import { ensurePageSet, type BenchDataset } from './dataset';
import { ensureRealTextSet } from './realText';

const root = join(import.meta.dirname, '..');
const out = join(root, 'models', 'pp-ocrv4.rec-ranges.json');
const REAL_IMAGES = 40;

const files = ocrModelFiles();
const dict = loadDictionary(files.dict);
const session = (bytes: Uint8Array): Promise<ort.InferenceSession> => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
const fused = (file: string): OnnxGraph => {
  const g = new OnnxGraph(readFileSync(file));
  fuseForInference(g);
  return g;
};

const rec = fused(files.rec);
addCtcHead(rec, dict.length);
const recSession = await session(rec.serialize());
const probe = fused(files.rec);
const tensors = activationTensors(probe, INT8_CONVS);
probe.setOutputs([...probe.outputNames, ...tensors].map((name) => ({ name, elemType: FLOAT })));
const probeSession = await session(probe.serialize());

const meter = new RangeMeter();
let lines = 0;
// Each line the float engine recognises is also run through the probe, which exposes the activations.
const measuring: OcrSession = {
  inputNames: recSession.inputNames,
  outputNames: recSession.outputNames,
  release: () => recSession.release(),
  async run(feeds) {
    const outputs = await probeSession.run({ [probeSession.inputNames[0]]: Object.values(feeds)[0] });
    for (const t of tensors) meter.add(t, outputs[t].data as Float32Array);
    lines++;
    return recSession.run(feeds);
  },
};
const det = await session(fused(files.det).serialize());
const cls = await session(fused(files.cls).serialize());
const models: OcrModels = { det, rec: measuring, cls: async () => cls, dict, providers: ['cpu', 'cpu'] };

const sets: BenchDataset[] = [await ensurePageSet('all'), await ensureRealTextSet(root, REAL_IMAGES)];
for (const set of sets) {
  for (const f of set.files) await runOcr(models, readFileSync(join(set.dir, f)));
  process.stdout.write(`calibrate: ${set.files.length} images from ${set.dir}\n`);
}

const significant = (v: number): number => Number(v.toPrecision(6));
const ranges: RecogniserRanges = {
  model: createHash('sha256').update(readFileSync(files.rec)).digest('hex'),
  lines,
  tensors: Object.fromEntries([...meter.ranges()].map(([t, r]) => [t, [significant(r.min), significant(r.max)]])),
};
// Written as Prettier formats it: one line per activation.
const entries = Object.entries(ranges.tensors).map(([t, [min, max]]) => `    ${JSON.stringify(t)}: [${min}, ${max}]`);
writeFileSync(out, `{\n  "model": "${ranges.model}",\n  "lines": ${lines},\n  "tensors": {\n${entries.join(',\n')}\n  }\n}\n`);
process.stdout.write(`calibrate: ${tensors.length} activations over ${lines} lines → ${out}\n`);
