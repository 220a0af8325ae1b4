// `npm run calibrate`: measures the activation ranges of the 8-bit convolutions of the detector and the
// recogniser (server/engine/ocr/int8.ts) and writes them to models/pp-ocrv4.det-ranges.json and
// models/pp-ocrv4.rec-ranges.json. The inputs are the ones the float engine feeds those models on the bench's
// page set and its real-text set (Chromium screenshots in several fonts, sizes and light and dark themes), none
// of them in the line sets the bench scores; each is also run through a float probe of the model with every
// quantized convolution's input and output exposed. Run it again when a model file, the convolutions chosen or
// the pre-processing change, then check the CER with `npm run bench`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fuseForInference } from '../server/engine/onnx/fuse';
import { FLOAT, OnnxGraph } from '../server/engine/onnx/graph';
import { activationTensors, RangeMeter } from '../server/engine/onnx/quantize';
import { addCtcHead } from '../server/engine/ocr/ctcHead';
import { loadDictionary } from '../server/engine/ocr/ctcDecode';
import { INT8_MODELS, type ModelRanges, type QuantizedModel } from '../server/engine/ocr/int8';
import { ocrModelFiles } from '../server/engine/ocr/modelFiles';
import { runOcr, type OcrModels, type OcrSession } from '../server/engine/ocr/pipeline';
import { ensurePageSet, type BenchDataset } from './dataset';
import { ensureRealTextSet } from './realText';

const root = join(import.meta.dirname, '..');
const REAL_IMAGES = 40;

const files = ocrModelFiles();
const dict = loadDictionary(files.dict);
const session = (bytes: Uint8Array): Promise<ort.InferenceSession> => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
const fused = (file: string): OnnxGraph => {
  const g = new OnnxGraph(readFileSync(file));
  fuseForInference(g);
  return g;
};

/** A float session of the model as the engine runs it that also measures its quantized convolutions' activations. */
async function measuring(model: QuantizedModel, graph: OnnxGraph): Promise<{ session: OcrSession; ranges: () => ModelRanges }> {
  const float = await session(graph.serialize());
  const probe = fused(files[model]);
  const tensors = activationTensors(probe, INT8_MODELS[model].select);
  probe.setOutputs([...probe.outputNames, ...tensors].map((name) => ({ name, elemType: FLOAT })));
  const probeSession = await session(probe.serialize());
  const meter = new RangeMeter();
  let samples = 0;
  const significant = (v: number): number => Number(v.toPrecision(6));
  return {
    session: {
      inputNames: float.inputNames,
      outputNames: float.outputNames,
      release: () => float.release(),
      async run(feeds) {
        const outputs = await probeSession.run({ [probeSession.inputNames[0]]: Object.values(feeds)[0] });
        for (const t of tensors) meter.add(t, outputs[t].data as Float32Array);
        samples++;
        return float.run(feeds);
      },
    },
    ranges: () => ({
      model: createHash('sha256').update(readFileSync(files[model])).digest('hex'),
      samples,
      tensors: Object.fromEntries([...meter.ranges()].map(([t, r]) => [t, [significant(r.min), significant(r.max)]])),
    }),
  };
}

const rec = fused(files.rec);
addCtcHead(rec, dict.length);
const measured = { det: await measuring('det', fused(files.det)), rec: await measuring('rec', rec) };
const cls = await session(fused(files.cls).serialize());
const models: OcrModels = { det: measured.det.session, rec: measured.rec.session, cls: async () => cls, dict, providers: ['cpu', 'cpu'] };

const sets: BenchDataset[] = [await ensurePageSet('all'), await ensureRealTextSet(root, REAL_IMAGES)];
for (const set of sets) {
  for (const f of set.files) await runOcr(models, readFileSync(join(set.dir, f)));
  process.stdout.write(`calibrate: ${set.files.length} images from ${set.dir}\n`);
}

for (const model of ['det', 'rec'] as const) {
  const ranges = measured[model].ranges();
  const out = join(root, 'models', `pp-ocrv4.${model}-ranges.json`);
  // Written as Prettier formats it: one line per activation.
  const entries = Object.entries(ranges.tensors).map(([t, [min, max]]) => `    ${JSON.stringify(t)}: [${min}, ${max}]`);
  writeFileSync(out, `{\n  "model": "${ranges.model}",\n  "samples": ${ranges.samples},\n  "tensors": {\n${entries.join(',\n')}\n  }\n}\n`);
  process.stdout.write(`calibrate: ${model}, ${entries.length} activations over ${ranges.samples} runs → ${out}\n`);
}
